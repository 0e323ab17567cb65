"""The public entry points: thin wrappers over a default `Pipeline`, so scripts need no setup.

Settings are resolved on first use (never at import); `configure` replaces the default pipeline whole, so a
new LLM never meets an old corpus.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

from langchain_core.language_models.chat_models import BaseChatModel

from rag.config import Settings
from rag.parts import Parts
from rag.pipeline import Pipeline
from rag.types import Answer, Event, Filters, Passage

_lock = threading.Lock()
_default: list[Pipeline] = []


def configure(
    settings: Settings | None = None, parts: Parts | None = None, llm: BaseChatModel | None = None
) -> Pipeline:
    """Set (or reset) the pipeline `retrieve`/`answer`/`stream` use, and return it."""
    pipeline = Pipeline(settings, parts=parts, llm=llm)
    with _lock:
        _default[:] = [pipeline]
    return pipeline


def default() -> Pipeline:
    """The default pipeline, built from `Settings.load()` on first use."""
    with _lock:
        if not _default:
            _default.append(Pipeline(Settings.load()))
        return _default[0]


def retrieve(question: str, k: int = 8, filters: Filters | None = None) -> list[Passage]:
    """The `k` best passages (whole chunks) for `question`, best first: hybrid search, rescored, de-duplicated."""
    return default().retrieve(question, k, filters)


def stream(
    question: str,
    history: Sequence[tuple[str, str]] = (),
    filters: Filters | None = None,
    k: int | None = None,
) -> Iterator[Event]:
    """`Sources` first (before the LLM reads anything), then `Token`s, then one final `Answer`."""
    yield from default().stream(question, history, filters, k)


def answer(
    question: str,
    history: Sequence[tuple[str, str]] = (),
    filters: Filters | None = None,
    k: int | None = None,
) -> Answer:
    """Answer `question` from the indexed articles, with `[n]` citations that resolve to passages."""
    return default().answer(question, history, filters, k)
