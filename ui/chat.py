"""Chat events: one question in, its answer streamed into the chat and the sources panel (via `ui.render`).

Answers come from the chosen collection's pipeline (`Pipeline.stream`, what `rag.stream` wraps); errors become
a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Generator, Sequence
from typing import Any

import gradio as gr

import rag
from rag.limits import InputTooLongError, check_question
from rag.pipeline import Pipeline
from rag.store.catalogue import DamagedIndexError
from rag.store.corpus import CollectionDeletedError, EmptyIndexError
from rag.types import Filters
from ui import render

log = logging.getLogger("newsrag.ui")

History = list[tuple[str, str]]
Message = dict[str, Any]
Earlier = list[tuple[int, str]]  # (turn, its final sources panel), oldest first


class FilterError(ValueError):
    """A filter the user typed that cannot be applied; the message says how to fix it."""


def _day(label: str, value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"The {label} date must look like 2020-09-15 (YYYY-MM-DD), not {value!r}.") from None


def parse_filters(since: str | None, until: str | None, sources: Sequence[str] | None) -> Filters:
    """The filter fields of the window as `rag.Filters`; empty fields filter nothing."""
    start, end = _day("'since'", since), _day("'until'", until)
    if start and end and start > end:
        raise FilterError(f"'since' ({start}) is after 'until' ({end}): no article can match.")
    return Filters(start, end, tuple(sources or ()))


def describe_error(exc: BaseException) -> str:
    """A one-paragraph message for the chat; the traceback goes to the server log only."""
    from rag.models.files import ModelUnavailableError
    from rag.models.llm import LLMError

    name = type(exc).__name__
    detail = str(exc).strip()[:300]
    if isinstance(exc, FilterError | InputTooLongError | CollectionDeletedError):
        return f"{str(exc)[:1].upper()}{str(exc)[1:]}"
    if isinstance(exc, DamagedIndexError):
        return str(exc)
    if isinstance(exc, EmptyIndexError):
        return ("Nothing is indexed yet. Add articles under 'Add articles' (or run `newsrag index PATH`), "
                "then ask again.")
    if isinstance(exc, ModelUnavailableError):
        return f"The language model is not available: {detail}"
    if isinstance(exc, LLMError):
        return f"No answer: {detail[:1].upper()}{detail[1:]}. Check that the model backend is running, then ask again."
    if isinstance(exc, ConnectionError | TimeoutError) or "Connect" in name or "Timeout" in name:
        return (f"The language model backend is not reachable ({name}: {detail}). "
                "Check that it is running, then ask again.")
    return f"Something went wrong while answering ({name}: {detail}). The details are in the server log."


def _message(role: str, content: str) -> Message:
    return {"role": role, "content": content}


def respond(
    pipeline: Pipeline, question: str, chat: list[Message], history: History, since: str, until: str,
    sources: list[str], k: float, earlier: Earlier | None = None,
    on_answer: Callable[[int, History, rag.Answer], None] | None = None,
) -> Generator[tuple[Any, list[Message], History, Any, Earlier], None, None]:
    """Stream one answer: outputs are (question box, chat, history state, sources panel, earlier panels).

    The panel shows this answer's sources above every earlier answer's (folded), so `[n]` in any answer of
    the chat still opens its own passage. `on_answer(turn, earlier turns, answer)` is told each final answer."""
    earlier = list(earlier or [])
    question = (question or "").strip()
    if not question:
        yield gr.skip(), chat, history, gr.skip(), earlier
        return
    try:
        check_question(question)
    except InputTooLongError as exc:  # the box keeps the text, to shorten; nothing is asked or saved
        log.info("question turned away: %s", exc)
        shown = question[:300] + ("…" if len(question) > 300 else "")
        yield gr.skip(), [*chat, _message("user", render.question_html(shown)),
                          _message("assistant", render.error_html(describe_error(exc)))], history, gr.skip(), earlier
        return
    turn = 1 + sum(1 for m in chat if m.get("role") == "user")
    chat = [*chat, _message("user", render.question_html(question)),
            _message("assistant", render.streaming_html("", turn, []))]

    def panel(current: str) -> str:
        return render.with_earlier(current, earlier)

    yield "", chat, history, panel(render.sources_html(None)), earlier
    view: render.SourcesView | None = None
    text = ""
    try:
        filters = parse_filters(since, until, sources)
        for event in pipeline.stream(question, history=history, filters=filters, k=int(k)):
            if isinstance(event, rag.Sources):
                view = render.SourcesView(turn, event.passages, event.evidence)
                yield "", chat, history, panel(render.sources_html(view)), earlier
            elif isinstance(event, rag.Token):
                text += event.text
                partial = render.streaming_html(text, turn, view.passages if view else [])
                chat = [*chat[:-1], _message("assistant", partial)]
                yield "", chat, history, gr.skip(), earlier
            else:
                chat = [*chat[:-1], _message("assistant", render.answer_html(event, turn))]
                if on_answer:
                    on_answer(turn, history, event)
                history = [*history, (question, event.text)]
                current = render.sources_html(view, event)
                yield "", chat, history, panel(current), [*earlier, (turn, current)]
    except InputTooLongError as exc:  # a prompt over the model's window: the asker's to fix, not the server's
        log.info("question turned away: %s", exc)
        chat = [*chat[:-1], _message("assistant", render.error_html(describe_error(exc)))]
        yield "", chat, history, gr.skip(), earlier
    except Exception as exc:
        log.exception("answering %r failed", question[:200])
        chat = [*chat[:-1], _message("assistant", render.error_html(describe_error(exc)))]
        yield "", chat, history, panel(render.sources_html(view, failed=True)) if view else gr.skip(), earlier


def message_text(message: Message) -> str:
    """A chat message's HTML, whether Gradio hands it back as a string or as a list of text parts."""
    content = message.get("content", "")
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def stopped(chat: list[Message]) -> list[Message]:
    """After Stop: the answer being written keeps what it had, marked as stopped (it is not added to the
    conversation the next question sees)."""
    if not chat or "nr-streaming" not in message_text(chat[-1]):
        return chat
    return [*chat[:-1], _message("assistant", render.stopped_html(message_text(chat[-1])))]
