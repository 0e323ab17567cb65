"""The public entry points. Settings are resolved on first use (never at import)."""

from __future__ import annotations

import threading

from rag.config import Settings
from rag.corpus import Corpus
from rag.pipeline import Parts, build_parts
from rag.retrieve import dense_search
from rag.types import Filters, Passage

_lock = threading.Lock()
_state: dict[str, object] = {}


def configure(settings: Settings | None = None, parts: Parts | None = None) -> Parts:
    """Set (or reset) the parts that `retrieve`/`answer` use; called by the CLI and by tests."""
    with _lock:
        _state.clear()
        _state["parts"] = parts or build_parts(settings or Settings.load())
        return _state["parts"]  # type: ignore[return-value]


def current_parts() -> Parts:
    with _lock:
        parts = _state.get("parts")
    return parts if isinstance(parts, Parts) else configure()


def current_corpus() -> Corpus:
    parts = current_parts()
    with _lock:
        corpus = _state.get("corpus")
        if not isinstance(corpus, Corpus) or corpus.is_stale(parts):
            corpus = _state["corpus"] = Corpus.open(parts)
        return corpus


def retrieve(question: str, k: int = 8, filters: Filters | None = None) -> list[Passage]:
    """The `k` best passages for `question`, best first."""
    return dense_search(question, current_corpus(), current_parts(), k, filters)
