"""The HTTP service and the MCP tools with fast fakes (hashing embedder, scripted model): the OpenAI format,
keys and their limits, body and question caps, the queue (503, disconnects, a stuck backend), articles.
The same service against the bundled model, over real HTTP, is tests/test_service_real.py."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mcp import Client
from pydantic import Field

from index.pipeline import index_paths
from rag.answering.prompt import REFUSAL
from rag.fakes import ScriptedChat
from rag.pipeline import Pipeline
from service.app import build_app
from service.keys import ExposureError, KeyStore, check_exposure
from service.mcp_server import build_mcp
from service.openai_format import CHECKED, Message, answer_part, conversation
from service.queue import ClientGoneError, GenerationQueue, QueueFullError
from service.runtime import Service, ServiceConfig
from tests.conftest import FakeParts
from ui.pipelines import Pipelines

HELIUM = "How much helium does China use every year?"
HELIUM_REPLY = "China uses more than 4,300 tonnes of helium every year [1]."
BELL = ("Glass bell cast in Veltrana\n\ndate 2021-03-02\n\nThe town of Veltrana cast a glass bell weighing 2,417 "
        "kilograms for its harbour tower. The foundry needed nine days to cool the glass.\n")
BELL_Q = "How much does the Veltrana glass bell weigh?"


class SlowChat(ScriptedChat):
    """A scripted model that takes `delay` seconds per word (a stuck backend, with a long one), and counts
    the words it wrote."""

    delay: float = 0.05
    written: list[str] = Field(default_factory=list)

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for chunk in super()._stream(*args, **kwargs):
            time.sleep(self.delay)
            self.written.append(str(chunk.message.content))
            yield chunk


@pytest.fixture
def home(fake: FakeParts, seed_dir: Path, tmp_path: Path) -> FakeParts:
    """Collection "newsrag": the samples; collection "tech": one article about a glass bell."""
    index_paths([seed_dir], fake.parts())
    (tmp_path / "tech").mkdir()
    (tmp_path / "tech" / "bell.txt").write_text(BELL, "utf-8")
    index_paths([tmp_path / "tech"], fake.parts(collection="tech"))
    return fake


def make_service(fake: FakeParts, llm: ScriptedChat | None = None, **config: Any) -> Service:
    replies = {"newsrag": HELIUM_REPLY, "tech": "It weighs 2,417 kilograms [1]."}

    def pipeline(name: str) -> Pipeline:
        model = llm or ScriptedChat(replies=[replies.get(name, "x [1].")] * 20)
        return Pipeline(parts=fake.parts(collection=name, condense="cheap"), llm=model)

    settings = fake.parts(llm_timeout=config.pop("timeout", 30.0)).settings
    return Service(settings, ServiceConfig(**config), Pipelines(settings, make=pipeline), KeyStore(settings.home))


@pytest.fixture
def keys(home: FakeParts) -> dict[str, str]:
    store = KeyStore(home.settings.home)
    return {"admin": store.create("admin")[1], "reader": store.create("reader", read_only=True)[1],
            "tech": store.create("tech-only", ["tech"])[1]}


@pytest.fixture
def client(home: FakeParts, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(build_app(make_service(home, max_body=20_000, max_upload=50_000), mcp=False)) as c:
        c.headers["Authorization"] = f"Bearer {keys['admin']}"
        yield c


def ask(question: str, model: str = "newsrag", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": question}], **extra}


def resolves(content: str, citations: list[dict[str, Any]]) -> bool:
    return {int(m) for m in re.findall(r"\[(\d+)\]", content)} == {c["marker"] for c in citations}


def test_an_answer_has_its_markers_resolved_in_fields_and_footnotes(client: TestClient):
    reply = client.post("/v1/chat/completions", json=ask(HELIUM)).json()
    text = reply["choices"][0]["message"]["content"]
    answer, _, notes = text.partition("\n\n---\nSources:\n\n")
    assert "4,300 tonnes" in answer and notes.startswith("[1] ") and reply["choices"][0]["finish_reason"] == "stop"
    assert reply["object"] == "chat.completion" and reply["refused"] is False and 0 <= reply["confidence"] <= 1
    assert resolves(answer, reply["citations"]) and "helium" in reply["citations"][0]["text"].lower()
    assert {"title", "source", "published", "supported"} <= set(reply["citations"][0])


def test_a_timeline_answer_gives_its_dated_lines_as_items(client: TestClient):
    reply = client.post("/v1/chat/completions", json=ask("Give me a timeline of the Veltrana glass bell",
                                                        model="tech")).json()
    items = reply["newsrag"]["items"]
    # the article is undated and its sentences name no time: each line says so rather than guess
    assert items and all(i["label"] == "date not given" and i["date"] is None and i["markers"] for i in items), items
    assert {m for i in items for m in i["markers"]} <= {c["marker"] for c in reply["citations"]}
    assert "2,417 kilograms" in " ".join(i["text"] for i in items)


def test_a_streamed_answer_comes_as_chunks_then_fields_then_done(client: TestClient):
    with client.stream("POST", "/v1/chat/completions", json=ask(HELIUM, stream=True)) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    chunks = [json.loads(line) for line in lines[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert content.startswith(HELIUM_REPLY) and "Sources:" in content
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and resolves(HELIUM_REPLY, last["citations"])
    assert len(chunks) > 5  # token by token, not one block


def test_a_streamed_draft_the_checks_changed_is_followed_by_the_checked_answer(home: FakeParts):
    service = make_service(home, ScriptedChat(replies=["The helium comes from the moon."]), auth=False)
    with TestClient(build_app(service, mcp=False)) as client, \
            client.stream("POST", "/v1/chat/completions", json=ask(HELIUM, stream=True)) as response:
        chunks = [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: {")]
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert content == f"The helium comes from the moon.{CHECKED}{REFUSAL}" and chunks[-1]["refused"] is True
    assert answer_part(content) == REFUSAL  # what the next question's history holds


def test_the_openapi_page_describes_the_endpoints(client: TestClient):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/chat/completions", "/v1/models", "/v1/search", "/v1/articles", "/v1/articles/{article_id}"} <= {
        *paths}
    assert client.get("/docs").status_code == 200


def test_the_earlier_messages_are_the_history_without_their_footnotes():
    messages = [Message(role="system", content="be brief"), Message(role="user", content="Who?"),
                Message(role="assistant", content="Raab [1].\n\n---\nSources:\n\n[1] Raab on Sky"),
                Message(role="user", content=[{"type": "text", "text": "And when?"}])]
    assert conversation(messages) == ("And when?", [("Who?", "Raab [1].")])
    assert answer_part("draft [1].\n\n---\nChecked answer: The articles do not say.") == REFUSAL


def test_the_model_names_the_collection_and_an_unknown_one_is_404(client: TestClient):
    assert [m["id"] for m in client.get("/v1/models").json()["data"]] == ["newsrag", "tech"]
    reply = client.post("/v1/chat/completions", json=ask(BELL_Q, model="tech")).json()
    assert "2,417" in reply["choices"][0]["message"]["content"] and "Veltrana" in reply["citations"][0]["title"]
    missing = client.post("/v1/chat/completions", json=ask(BELL_Q, model="sports"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"


def test_a_question_the_articles_do_not_answer_is_refused(client: TestClient):
    reply = client.post("/v1/chat/completions", json=ask("Who won the 2022 FIFA World Cup final?")).json()
    assert reply["refused"] is True and reply["citations"] == []
    assert reply["choices"][0]["message"]["content"] == REFUSAL


def test_keys_missing_wrong_and_revoked_get_401(client: TestClient, home: FakeParts, keys: dict[str, str]):
    del client.headers["Authorization"]
    assert client.get("/v1/models").status_code == 401
    assert client.get("/v1/models", headers={"Authorization": "Bearer nrk_wrong"}).status_code == 401
    reader = {"Authorization": f"Bearer {keys['reader']}"}
    assert client.get("/v1/models", headers=reader).status_code == 200
    KeyStore(home.settings.home).revoke("reader")  # as `newsrag keys revoke` does, from another process
    revoked = client.get("/v1/models", headers=reader)
    assert revoked.status_code == 401 and revoked.headers["www-authenticate"] == "Bearer"
    assert client.get("/health").status_code == 200  # the only open route, besides /docs


def test_a_read_only_key_may_not_upload_and_a_limited_key_sees_its_collections(client: TestClient,
                                                                              keys: dict[str, str]):
    upload = {"files": ("bell.txt", BELL.encode(), "text/plain")}
    reader = {"Authorization": f"Bearer {keys['reader']}"}
    assert client.post("/v1/articles", files=upload, headers=reader).status_code == 403
    assert client.post("/v1/search", json={"query": HELIUM}, headers=reader).status_code == 200
    tech = {"Authorization": f"Bearer {keys['tech']}"}
    assert [m["id"] for m in client.get("/v1/models", headers=tech).json()["data"]] == ["tech"]
    assert client.post("/v1/chat/completions", json=ask(HELIUM), headers=tech).status_code == 403


def test_bodies_over_the_cap_get_413_and_long_questions_400(client: TestClient):
    big = ask("x" * 30_000)
    assert client.post("/v1/chat/completions", json=big).status_code == 413
    chunked = client.post("/v1/search", content=iter([b'{"query": "', b"x" * 30_000, b'"}']),
                          headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "request_too_large"
    long = client.post("/v1/chat/completions", json=ask("why " * 600))
    assert long.status_code == 400 and "2,000 characters" in long.json()["error"]["message"]


def test_search_returns_scored_passages_and_applies_the_date_filter(client: TestClient):
    found = client.post("/v1/search", json={"query": HELIUM, "k": 3}).json()["passages"]
    assert 0 < len(found) <= 3 and "helium" in found[0]["text"].lower()
    assert found[0]["score"] >= found[-1]["score"]
    later = client.post("/v1/search", json={"query": BELL_Q, "collection": "tech", "since": "2021-03-03"}).json()
    assert later["passages"] == []


def test_articles_are_uploaded_indexed_listed_and_deleted(client: TestClient):
    files = [("files", ("bell.txt", BELL.encode(), "text/plain")), ("files", ("x.exe", b"MZ", "application/x"))]
    added = client.post("/v1/articles?collection=newsrag", files=files).json()
    assert added["report"]["articles"] == 1 and added["rejected"][0]["file"] == "x.exe"
    listed = client.get("/v1/articles", params={"search": "Veltrana"}).json()["articles"]
    assert [a["title"] for a in listed] == ["Glass bell cast in Veltrana"]
    found = client.post("/v1/search", json={"query": BELL_Q}).json()["passages"]
    assert found[0]["article_id"] == listed[0]["article_id"]
    article = client.get(f"/v1/articles/{listed[0]['article_id']}").json()
    assert "2,417 kilograms" in article["text"]
    assert client.delete(f"/v1/articles/{article['article_id']}").json()["chunks_removed"] >= 1
    assert client.delete(f"/v1/articles/{article['article_id']}").status_code == 404
    assert client.post("/v1/articles", files={"files": ("big.txt", b"x" * 60_000)}).status_code == 413


def test_a_full_queue_answers_503_with_retry_after(home: FakeParts):
    service = make_service(home, auth=False, waiting=0, retry_after=7)
    with TestClient(build_app(service, mcp=False)) as client:
        assert client.portal is not None
        held = client.portal.call(service.queue.admit)  # the one slot, taken
        busy = client.post("/v1/chat/completions", json=ask(HELIUM))
        assert busy.status_code == 503 and busy.headers["retry-after"] == "7"
        held.close()
        assert client.post("/v1/chat/completions", json=ask(HELIUM)).status_code == 200


def test_a_stuck_backend_gives_504_and_a_clear_message(home: FakeParts):
    stuck = SlowChat(replies=[HELIUM_REPLY], delay=2.0)
    with TestClient(build_app(make_service(home, stuck, auth=False, timeout=0.5), mcp=False)) as client:
        reply = client.post("/v1/chat/completions", json=ask(HELIUM))
    assert reply.status_code == 504 and "sent nothing for 0.5 s" in reply.json()["error"]["message"]


def test_a_client_that_leaves_stops_its_generation_and_frees_the_slot_at_once():
    queue = GenerationQueue(slots=1, waiting=1)
    closed: list[float] = []

    def tokens() -> Iterator[int]:
        try:
            for n in range(100):
                time.sleep(0.05)
                yield n
        finally:
            closed.append(time.monotonic())

    async def run() -> float:
        slot = await queue.admit()
        async for n in slot.events(tokens):
            if n == 2:
                break  # what a disconnect does to the response's iterator
        left = time.monotonic()
        nxt = await queue.admit()  # waits for the generation's thread to close its stream
        started = time.monotonic()
        nxt.close()
        assert closed and closed[0] <= started
        return started - left

    assert asyncio.run(run()) < 0.5  # the next request starts within a token, not after 100 of them


def test_a_client_that_leaves_stops_the_model_itself_at_its_next_token(home: FakeParts):
    # Closing the pipeline's stream alone would let LangChain read the model's stream to its end.
    llm = SlowChat(replies=[" ".join(["helium"] * 60) + " [1]."], delay=0.01)
    service = make_service(home, llm, auth=False)
    checks = 0

    async def gone() -> bool:  # asked every 8 tokens: the client leaves after 16
        nonlocal checks
        checks += 1
        return checks >= 2

    async def run() -> None:
        with pytest.raises(ClientGoneError):
            await service.answer(service.pipelines.get("newsrag"), HELIUM, (), gone=gone)
        (await service.queue.admit()).close()  # the slot is free again

    asyncio.run(run())
    assert 16 <= len(llm.written) < 24  # not the 61 words of the whole reply


def test_the_queue_turns_away_past_its_bound_and_skips_a_waiter_that_left():
    queue = GenerationQueue(slots=1, waiting=1)

    async def run() -> None:
        first = await queue.admit()
        gone = asyncio.Event()
        waiter = asyncio.create_task(queue.admit(lambda: _is_set(gone)))
        await asyncio.sleep(0.05)
        with pytest.raises(QueueFullError):
            await queue.admit()
        gone.set()
        with pytest.raises(ClientGoneError):
            await waiter
        first.close()
        assert queue.state().running == 0 and queue.state().waiting == 0

    asyncio.run(run())


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


def test_generations_overlap_only_up_to_the_slots():
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def work() -> Iterator[int]:
        start = time.monotonic()
        time.sleep(0.2)
        yield 1
        with lock:
            spans.append((start, time.monotonic()))

    async def one(queue: GenerationQueue) -> None:
        slot = await queue.admit()
        async for _ in slot.events(work):
            pass

    async def run(slots: int) -> bool:
        spans.clear()
        queue = GenerationQueue(slots=slots, waiting=4)
        await asyncio.gather(one(queue), one(queue))
        first, second = sorted(spans)
        return second[0] < first[1]

    assert asyncio.run(run(2)) and not asyncio.run(run(1))


def test_keys_are_stored_hashed_and_required_off_this_machine(tmp_path: Path):
    store = KeyStore(tmp_path)
    with pytest.raises(ExposureError, match="without API keys"):
        check_exposure("0.0.0.0", store, no_auth=False)
    with pytest.raises(ExposureError, match="this machine"):
        check_exposure("0.0.0.0", store, no_auth=True)
    assert check_exposure("127.0.0.1", store, no_auth=True) is None
    key, secret = store.create("bot")
    assert secret not in store.path.read_text() and store.path.stat().st_mode & 0o077 == 0
    assert store.find(secret) == key and "HTTPS" in (check_exposure("0.0.0.0", store, no_auth=False) or "")


def test_the_mcp_tools_are_listed_and_called(home: FakeParts):
    server = build_mcp(make_service(home, auth=False))

    async def run() -> None:
        async with Client(server) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            assert tools == {"search_news", "ask", "list_collections"}
            found = await client.call_tool("search_news", {"query": BELL_Q, "collection": "tech", "k": 2})
            assert "Veltrana" in found.structured_content["passages"][0]["title"]
            answer = (await client.call_tool("ask", {"question": HELIUM})).structured_content
            assert "4,300" in answer["answer"] and resolves(answer["answer"], answer["citations"])
            listed = (await client.call_tool("list_collections", {})).structured_content
            assert [c["name"] for c in listed["collections"]] == ["newsrag", "tech"]
            failed = await client.call_tool("ask", {"question": HELIUM, "collection": "sports"})
            assert failed.is_error and "no collection named 'sports'" in str(failed.content)

    asyncio.run(run())


def test_retry_after_is_the_wait_the_queue_ahead_will_take():
    import asyncio

    from service.queue import GenerationQueue, QueueFullError

    async def turned_away(queue: GenerationQueue) -> int:
        slot = await queue.admit()
        try:
            await queue.admit()
        except QueueFullError as exc:
            return exc.retry_after
        finally:
            slot.close()
        raise AssertionError("a full queue admitted a request")

    queue = GenerationQueue(slots=1, waiting=0, retry_after=5)
    assert asyncio.run(turned_away(queue)) == 5  # nothing measured yet: the configured floor
    for seconds in (8.0, 9.5, 30.0):
        queue.note(seconds)
    assert asyncio.run(turned_away(queue)) == 10  # one answer ahead, at the recent median
