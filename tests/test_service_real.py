"""A real `newsrag serve` (bundled model, sample articles) on loopback, talked to with the official `openai`
client and the `mcp` SDK's own clients: answers streamed and not, a follow-up, a second collection, a refusal,
the keys (401, 403, 413), the refusal to start off loopback without keys, and a disconnect that frees the
model for the next request at once. One server for the module."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from openai import AuthenticationError, OpenAI

from tests.servers import free_port, wait_for

pytestmark = [pytest.mark.model, pytest.mark.server]
ROOT = Path(__file__).resolve().parent.parent
BELL = ("Glass bell cast in Veltrana\n\ndate 2021-03-02\n\nThe town of Veltrana cast a glass bell weighing 2,417 "
        "kilograms for its harbour tower. The foundry needed nine days to cool the glass.\n")


def env(home: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    return clean | {"NEWSRAG_HOME": str(home), "HF_HUB_OFFLINE": "1"}


def newsrag(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsrag", *args], env=env(home), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


class Server:
    def __init__(self, url: str, home: Path, keys: dict[str, str]) -> None:
        self.url, self.home, self.keys = url, home, keys

    def client(self, key: str = "admin") -> OpenAI:
        return OpenAI(base_url=f"{self.url}/v1", api_key=self.keys.get(key, key), max_retries=0, timeout=300)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("service-home")
    keys = {name: newsrag(home, "keys", "create", name, *extra).stdout.strip()
            for name, extra in (("admin", ()), ("reader", ("--read-only",)), ("leaver", ()))}
    assert all(k.startswith("nrk_") for k in keys.values()), keys
    port = free_port()
    log = (home / "serve.log").open("wb")  # read it when a test fails
    proc = subprocess.Popen([sys.executable, "-m", "newsrag", "serve", "--port", str(port), "--max-body", "100000"],
                            env=env(home), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/health", proc, 600)  # indexes the sample articles first (a fresh home)
        added = httpx.post(f"{url}/v1/articles", params={"collection": "bells"}, files={"files": ("bell.txt", BELL)},
                           headers={"Authorization": f"Bearer {keys['admin']}"}, timeout=120)
        assert added.status_code == 200 and added.json()["report"]["articles"] == 1, added.text
        yield Server(url, home, keys)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def user(question: str) -> Any:
    return [{"role": "user", "content": question}]


def resolved(text: str, citations: list[dict[str, Any]]) -> bool:
    """Every [n] of the answer has its citation, and every citation is cited."""
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)} == {c["marker"] for c in citations}


def test_an_answer_through_the_openai_client_cites_resolving_passages(server: Server):
    reply = server.client().chat.completions.create(
        model="newsrag", messages=user("What did CNBC reporter Arjun Kharpal report from China?"))
    fields = reply.model_extra or {}
    answer = fields["newsrag"]["answer"]
    assert not fields["refused"] and ("theft" in answer.lower() or "smash and grab" in answer.lower())
    assert fields["citations"] and resolved(answer, fields["citations"])
    content = reply.choices[0].message.content or ""
    assert content.startswith(answer) and "Sources:" in content
    assert all(c["title"] and c["source"] and c["text"] for c in fields["citations"])


def test_a_streamed_answer_arrives_token_by_token_with_its_citations_last(server: Server):
    stream = server.client().chat.completions.create(
        model="newsrag", stream=True, messages=user("How much helium does China use every year?"))
    chunks = list(stream)
    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    fields = chunks[-1].model_extra or {}
    assert len(chunks) > 5 and chunks[-1].choices[0].finish_reason == "stop"
    assert "4,300" in fields["newsrag"]["answer"] and resolved(fields["newsrag"]["answer"], fields["citations"])
    assert content.startswith(fields["newsrag"]["answer"][:20])


def test_a_follow_up_is_answered_from_the_earlier_messages(server: Server):
    reply = server.client().chat.completions.create(model="newsrag", messages=[
        {"role": "user", "content": "What did Dominic Raab say about China on Sky News?"},
        {"role": "assistant", "content": "Dominic Raab said China's actions were a gross human rights abuse [1].\n\n"
                                         "---\nSources:\n\n[1] Raab on Sky News"},
        {"role": "user", "content": "Who interviewed him?"}])
    fields = reply.model_extra or {}
    assert "ridge" in fields["newsrag"]["answer"].lower(), fields["newsrag"]["answer"]
    assert any("Raab" in c["title"] for c in fields["citations"])


def test_a_second_collection_is_a_second_model(server: Server):
    client = server.client()  # "bells" was made by an upload (the fixture)
    assert {m.id for m in client.models.list()} == {"newsrag", "bells"}
    reply = client.chat.completions.create(
        model="bells", messages=[{"role": "user", "content": "How much does the Veltrana glass bell weigh?"}])
    fields = reply.model_extra or {}
    assert "2,417" in fields["newsrag"]["answer"] and fields["citations"][0]["title"] == "Glass bell cast in Veltrana"


def test_an_unanswerable_question_is_refused(server: Server):
    reply = server.client().chat.completions.create(
        model="newsrag", messages=[{"role": "user", "content": "Who won the 2022 FIFA World Cup final?"}])
    fields = reply.model_extra or {}
    assert fields["refused"] is True and fields["citations"] == []


def test_keys_401_403_413(server: Server):
    assert httpx.get(f"{server.url}/v1/models").status_code == 401  # no key
    with pytest.raises(AuthenticationError):
        server.client("nrk_wrong").models.list()
    assert server.client("leaver").models.list().data
    assert newsrag(server.home, "keys", "revoke", "leaver").returncode == 0  # while the server runs
    with pytest.raises(AuthenticationError, match="revoked"):
        server.client("leaver").models.list()

    def post(key: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.post(f"{server.url}/v1/{path}", headers={"Authorization": f"Bearer {server.keys[key]}"},
                          timeout=60, **kwargs)

    upload = post("reader", "articles", files={"files": ("a.txt", "News\n\nText.")})
    assert upload.status_code == 403 and "read-only" in upload.json()["error"]["message"]
    big = post("admin", "chat/completions", json={"messages": [{"role": "user", "content": "x" * 200_000}]})
    assert big.status_code == 413


def test_the_server_refuses_to_start_off_loopback_without_keys(tmp_path: Path):
    for extra in ((), ("--no-auth",)):
        started = newsrag(tmp_path, "serve", "--host", "0.0.0.0", "--port", str(free_port()), *extra)
        assert started.returncode == 2 and "refusing to serve on 0.0.0.0" in started.stderr


def test_a_client_that_disconnects_frees_the_model_for_the_next_request_at_once(server: Server):
    headers = {"Authorization": f"Bearer {server.keys['admin']}"}
    body = {"model": "newsrag", "stream": True,
            "messages": [{"role": "user", "content": "What did Dominic Raab say about China on Sky News?"}]}
    times: dict[str, float] = {}

    def second() -> None:
        with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, headers=headers,
                          timeout=300) as response:
            times["next_started"] = time.monotonic()  # headers are sent once the request has its slot
            times["next_waited"] = float(response.headers["x-queue-wait"])
            for _ in response.iter_lines():
                pass

    with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, headers=headers, timeout=300) as first:
        waiting = threading.Thread(target=second)
        waiting.start()  # queued behind the first
        for line in first.iter_lines():
            if line.startswith("data: ") and '"content": ""' not in line:
                break  # the first token (the role chunk before it has empty content)
    times["left"] = time.monotonic()  # the connection is closed mid-answer
    waiting.join(timeout=300)
    delay = times["next_started"] - times["left"]
    print(f"disconnect -> next request started: {delay:.2f} s (it waited {times['next_waited']:.2f} s in the queue)")
    assert delay < 1.5  # the model stopped at its next token: no waiting for the rest of the answer


def test_the_mcp_tools_over_http_behind_the_keys(server: Server):
    import httpx2

    assert httpx.post(f"{server.url}/mcp", json={}).status_code == 401

    async def run() -> dict[str, Any]:
        auth = {"Authorization": f"Bearer {server.keys['admin']}"}
        async with httpx2.AsyncClient(headers=auth, timeout=300) as http, \
                streamable_http_client(f"{server.url}/mcp", http_client=http) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            assert {t.name for t in (await session.list_tools()).tools} == {"search_news", "ask", "list_collections"}
            result = await session.call_tool("ask", {"question": "How much helium does China use every year?"})
            return dict(result.structured_content or {})

    answer = asyncio.run(run())
    assert "4,300" in answer["answer"] and resolved(answer["answer"], answer["citations"])


def test_the_mcp_tools_over_stdio(server: Server):
    params = StdioServerParameters(command=sys.executable, args=["-m", "newsrag", "mcp"], env=env(server.home),
                                   cwd=str(ROOT))

    async def run() -> tuple[set[str], dict[str, Any], dict[str, Any]]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name for t in (await session.list_tools()).tools}
            listed = await session.call_tool("list_collections", {})
            found = await session.call_tool("search_news", {"query": "Veltrana glass bell", "collection": "bells"})
            return tools, dict(listed.structured_content or {}), dict(found.structured_content or {})

    tools, listed, found = asyncio.run(run())
    assert tools == {"search_news", "ask", "list_collections"}
    assert {c["name"] for c in listed["collections"]} == {"newsrag", "bells"}
    assert found["passages"][0]["title"] == "Glass bell cast in Veltrana" and found["passages"][0]["score"] > 0
