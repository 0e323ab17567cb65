"""The OpenAI chat format in and out: request models, the conversation as (question, history), and the
reply as a `chat.completion` or a stream of `chat.completion.chunk`s.

A reply serves two kinds of client. Those that only render text get the answer with its `[n]` markers and
the sources as numbered footnotes below a `Sources:` line. Those that read fields get `citations` (title,
source, date, passage text, `supported`), `refused` and `confidence` beside `choices`, as extra fields that
OpenAI clients keep (`completion.model_extra`).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.answering.prompt import format_date
from rag.config import DEFAULT_COLLECTION
from rag.types import Answer, Filters, Passage

SOURCES = "\n\n---\nSources:\n\n"  # where the footnotes start; cut from earlier answers sent back as history
CHECKED = "\n\n---\nChecked answer: "  # after a streamed draft that the checks changed


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The content as text (some clients send a list of parts: text parts are joined, others dropped)."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type", "text") == "text")
        return self.content or ""


class Options(BaseModel):
    """newsrag's own request fields (the OpenAI client sends them with `extra_body={"newsrag": {...}}`)."""

    since: dt.date | None = None
    until: dt.date | None = None
    sources: list[str] = Field(default_factory=list, max_length=100)
    k: int | None = Field(default=None, ge=1, le=20)

    def filters(self) -> Filters | None:
        if self.since is None and self.until is None and not self.sources:
            return None
        return Filters(self.since, self.until, tuple(self.sources))


class ChatRequest(BaseModel):
    # Sampling fields (temperature, top_p, max_tokens, ...) are accepted and ignored: answers are checked
    # against their passages, so the server keeps its own settings.
    model_config = ConfigDict(extra="allow")
    model: str = Field(default=DEFAULT_COLLECTION, description="the collection to answer from")
    messages: list[Message] = Field(min_length=1, max_length=200)
    stream: bool = False
    newsrag: Options = Field(default_factory=Options)


class ConversationError(ValueError):
    """The messages hold no question to answer."""


def conversation(messages: list[Message]) -> tuple[str, list[tuple[str, str]]]:
    """The last user message is the question; earlier user messages with the assistant reply after each are
    the history. System and tool messages are not questions about the articles and are left out."""
    turns = [m for m in messages if m.role in {"user", "assistant"}]
    if not turns or turns[-1].role != "user" or not turns[-1].text().strip():
        raise ConversationError("the last message must be the user's question")
    history: list[tuple[str, str]] = []
    asked: str | None = None
    for message in turns[:-1]:
        if message.role == "user":
            asked = message.text()
        elif asked is not None:
            history.append((asked, answer_part(message.text())))
            asked = None
    return turns[-1].text(), history


def answer_part(content: str) -> str:
    """An earlier reply as the answer it was: without the footnotes, the checked answer if a draft was sent."""
    content = content.split(SOURCES, 1)[0]
    return content.rsplit(CHECKED, 1)[-1].strip()


def passage_json(passage: Passage) -> dict[str, Any]:
    return {"chunk_id": passage.chunk_id, "article_id": passage.article_id, "title": passage.title,
            "source": passage.source, "published": passage.published.isoformat() if passage.published else None,
            "text": passage.text, "score": round(passage.score, 4), "start": passage.start, "end": passage.end}


def citations_json(answer: Answer) -> list[dict[str, Any]]:
    return [{"marker": c.marker, "supported": c.supported, **passage_json(c.passage)} for c in answer.citations]


def items_json(answer: Answer) -> list[dict[str, Any]]:
    """A timeline's or a list's lines: label, ISO date (to the precision the article gives), text, markers."""
    return [{"label": i.label, "date": i.date, "text": i.text, "markers": list(i.markers)} for i in answer.items]


def footnotes(answer: Answer) -> str:
    """The sources under the answer, one numbered line each, for clients that show only text."""
    if not answer.citations:
        return ""
    lines = []
    for c in answer.citations:
        p = c.passage
        flag = "" if c.supported is not False else " (this passage does not support the sentence citing it)"
        lines.append(f"[{c.marker}] {p.title} ({format_date(p)}; {p.source.rsplit('/', 1)[-1]}){flag}")
    return SOURCES + "\n\n".join(lines)


def fields(answer: Answer, queue_wait: float) -> dict[str, Any]:
    """What clients that read fields get beside `choices`."""
    return {"citations": citations_json(answer), "refused": answer.refused, "confidence": round(answer.confidence, 3),
            "newsrag": {"question": answer.question, "answer": answer.text, "items": items_json(answer),
                        "queue_wait": round(queue_wait, 3),
                        "timings": {k: round(v, 3) for k, v in answer.timings.items()}}}


class Reply:
    """One reply's id, model and time, shared by its chunks."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self.model = model
        self.created = int(time.time())

    def completion(self, answer: Answer, tokens: int, queue_wait: float) -> dict[str, Any]:
        message = {"role": "assistant", "content": answer.text + footnotes(answer)}
        return {"id": self.id, "object": "chat.completion", "created": self.created, "model": self.model,
                "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
                "usage": usage(tokens), **fields(answer, queue_wait)}

    def chunk(self, delta: dict[str, str], finish: Literal["stop"] | None = None,
              extra: dict[str, Any] | None = None) -> str:
        body = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **(extra or {})}
        return sse(body)

    def closing(self, answer: Answer, streamed: str, tokens: int, queue_wait: float) -> str:
        """The last chunks: the checked answer when it differs from the draft streamed, the footnotes, then
        the fields with finish_reason "stop", then [DONE]."""
        tail = "" if answer.text.strip() == streamed.strip() else CHECKED + answer.text
        tail += footnotes(answer)
        text = self.chunk({"content": tail}) if tail else ""
        extra = {**fields(answer, queue_wait), "usage": usage(tokens)}
        return text + self.chunk({}, "stop", extra) + "data: [DONE]\n\n"


def usage(tokens: int) -> dict[str, int]:
    """Streamed pieces as completion tokens (one piece is about one token); the prompt is not counted."""
    return {"prompt_tokens": 0, "completion_tokens": tokens, "total_tokens": tokens}


def sse(body: dict[str, Any]) -> str:
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def error(message: str, kind: str = "invalid_request_error", code: str | None = None) -> dict[str, Any]:
    """An error body as OpenAI clients read it (`openai.APIStatusError.message`)."""
    return {"error": {"message": message, "type": kind, "code": code, "param": None}}
