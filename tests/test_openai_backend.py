"""The OpenAI-compatible backend against a real local server: llama-cpp-python's own, with the 0.5B model."""

from collections.abc import Iterator
from pathlib import Path

import pytest

import rag
from index.pipeline import index_paths
from rag.config import Settings
from rag.models.files import model_file
from rag.models.llm import LLMError
from rag.parts import build_parts
from tests.servers import free_port, llama_server

pytestmark = [pytest.mark.model, pytest.mark.server]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
    with llama_server(model_file("qwen2.5-coder-0.5b", Settings().model_cache), "qwen-small") as url:
        yield url


def test_answers_through_an_openai_compatible_server(server_url: str, tmp_path: Path):
    settings = Settings(home=tmp_path / "home", llm_url=server_url, llm_model="qwen-small")
    index_paths([Path(__file__).resolve().parent.parent / "data" / "articles"], build_parts(settings))
    rag.configure(settings)
    events = list(rag.stream("How much helium does China use every year?"))
    assert sum(isinstance(e, rag.Token) for e in events) > 1  # streamed, not one block
    answer = events[-1]
    assert isinstance(answer, rag.Answer) and not answer.refused
    assert "4,300" in answer.text or "4300" in answer.text
    assert answer.citations and answer.citations[0].passage.title.startswith("China retaliation")


def test_a_server_that_is_down_gives_a_clear_error(tmp_path: Path):
    settings = Settings(home=tmp_path / "home", llm_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5)
    index_paths([Path(__file__).resolve().parent.parent / "data" / "articles"], build_parts(settings))
    rag.configure(settings)
    with pytest.raises(LLMError, match=r"did not answer: \w*ConnectionError"):
        rag.answer("How much helium does China use every year?")


def test_a_follow_up_with_the_server_down_gives_the_same_clear_error(tmp_path: Path):
    settings = Settings(home=tmp_path / "home", llm_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5)
    index_paths([Path(__file__).resolve().parent.parent / "data" / "articles"], build_parts(settings))
    rag.configure(settings)
    with pytest.raises(LLMError, match=r"did not answer"):
        rag.answer("And how much will it make?", history=[("How much helium does China use?", "4,300 tonnes [1].")])
