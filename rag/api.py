"""The public entry points. Settings are resolved on first use (never at import); the model loads once."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from langchain_core.language_models.chat_models import BaseChatModel

from rag.chain import AnswerChain
from rag.config import Settings
from rag.corpus import Corpus
from rag.llm import build_chat_model
from rag.pipeline import Parts, build_parts
from rag.retrieve import SentenceCache, hybrid_search
from rag.types import Answer, Event, Filters, Passage


@dataclass(slots=True)
class _State:
    parts: Parts
    llm: BaseChatModel | None = None
    corpus: Corpus | None = None
    cache: SentenceCache = field(default_factory=SentenceCache)
    chain: AnswerChain | None = None


_lock = threading.RLock()
_state: list[_State] = []


def configure(
    settings: Settings | None = None, parts: Parts | None = None, llm: BaseChatModel | None = None
) -> Parts:
    """Set (or reset) what `retrieve`/`answer`/`stream` use. Called by the CLI, the UI and tests."""
    with _lock:
        _state.clear()
        _state.append(_State(parts or build_parts(settings or Settings.load()), llm))
        return _state[0].parts


def _current() -> _State:
    with _lock:
        if not _state:
            configure()
        return _state[0]


def current_parts() -> Parts:
    return _current().parts


def current_corpus() -> Corpus:
    """The committed index, reopened when a new index run has committed."""
    state = _current()
    with _lock:
        if state.corpus is None or state.corpus.is_stale():
            state.corpus = Corpus.open(state.parts)
        return state.corpus


def current_llm() -> BaseChatModel:
    state = _current()
    with _lock:
        if state.llm is None:
            state.llm = build_chat_model(state.parts.settings)
        return state.llm


def _chain() -> AnswerChain:
    state = _current()
    with _lock:
        if state.chain is None:
            state.chain = AnswerChain(state.parts, current_llm, current_corpus)
        return state.chain


def retrieve(question: str, k: int = 8, filters: Filters | None = None) -> list[Passage]:
    """The `k` best passages (whole chunks) for `question`, best first: hybrid search, rescored, de-duplicated."""
    scored = hybrid_search(question, current_corpus(), current_parts(), k, filters, _current().cache)
    return [s.passage() for s in scored]


def stream(
    question: str,
    history: Sequence[tuple[str, str]] = (),
    filters: Filters | None = None,
    k: int | None = None,
) -> Iterator[Event]:
    """`Sources` first (before the LLM reads anything), then `Token`s, then one final `Answer`."""
    yield from _chain().stream(question, history, filters, k)


def answer(
    question: str,
    history: Sequence[tuple[str, str]] = (),
    filters: Filters | None = None,
    k: int | None = None,
) -> Answer:
    """Answer `question` from the indexed articles, with `[n]` citations that resolve to passages."""
    for event in stream(question, history, filters, k):
        if isinstance(event, Answer):
            return event
    raise RuntimeError("the chain ended without an answer")  # pragma: no cover
