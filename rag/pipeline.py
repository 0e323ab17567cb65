"""A pipeline object: one collection's online path, built from `Settings`.

It holds the collection's parts (embedder, vector store), its committed corpus (reopened when an index run
commits), a sentence cache and the answering chain. The LLM is the process's shared one
(`shared_chat_model`) unless one is handed in, so several collections never load the model twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.runnables import Runnable

from rag.chain import AnswerChain
from rag.config import DEFAULT_COLLECTION, Settings
from rag.models.llm import build_chat_model
from rag.parts import Parts, build_parts
from rag.retrieve import SentenceCache, hybrid_search
from rag.store.corpus import CollectionDeletedError, Corpus
from rag.types import Answer, Event, Filters, Passage

__all__ = ["Parts", "Pipeline", "shared_chat_model"]  # Parts also lives here for code written before rag.parts

History = Sequence[tuple[str, str]]

_models: dict[tuple[object, ...], BaseChatModel] = {}
_models_lock = threading.Lock()


def shared_chat_model(settings: Settings) -> BaseChatModel:
    """The process's model for these model settings, built on first use: every collection and chat shares
    it (the bundled model's weights and prompt cache are loaded once)."""
    key = (settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout, settings.local_model,
           settings.model_cache, settings.n_ctx, settings.max_answer_tokens)
    with _models_lock:
        if key not in _models:
            _models[key] = build_chat_model(settings)
        return _models[key]


class Pipeline:
    """`retrieve`, `stream` and `answer` over one collection."""

    def __init__(self, settings: Settings | None = None, *, parts: Parts | None = None,
                 llm: BaseChatModel | None = None) -> None:
        self.parts = parts or build_parts(settings or Settings.load())
        self.settings = self.parts.settings
        self._llm = llm
        self._corpus: Corpus | None = None
        self._cache = SentenceCache()
        self._lock = threading.RLock()
        self.chain = AnswerChain(self.parts, self.llm, self.corpus, self._cache)

    @property
    def collection(self) -> str:
        return self.settings.collection

    def corpus(self) -> Corpus:
        """The committed index, reopened when an index run has committed since it was opened. A named
        collection deleted since is an error, not an empty index: nothing here re-creates its folder."""
        with self._lock:
            if self._corpus is None or self._corpus.is_stale():
                if self._corpus is not None and self.deleted():
                    raise CollectionDeletedError(self.collection)
                self._corpus = Corpus.open(self.parts)
            return self._corpus

    def deleted(self) -> bool:
        """This named collection's folder is gone (the default collection lives in the home itself)."""
        return self.collection != DEFAULT_COLLECTION and not self.settings.folder.exists()

    def llm(self) -> BaseChatModel:
        with self._lock:
            if self._llm is None:
                self._llm = shared_chat_model(self.settings)
            return self._llm

    def retrieve(self, question: str, k: int = 8, filters: Filters | None = None) -> list[Passage]:
        """The `k` best passages (whole chunks), best first: hybrid search, rescored, de-duplicated."""
        scored = hybrid_search(question, self.corpus(), self.parts, k, filters, self._cache)
        return [s.passage() for s in scored]

    def stream(self, question: str, history: History = (), filters: Filters | None = None,
               k: int | None = None) -> Iterator[Event]:
        """`Sources` first (before the LLM reads anything), then `Token`s, then one final `Answer`."""
        yield from self.chain.stream(question, history, filters, k)

    def answer(self, question: str, history: History = (), filters: Filters | None = None,
               k: int | None = None) -> Answer:
        """Answer `question` from this collection, with `[n]` citations that resolve to passages."""
        for event in self.stream(question, history, filters, k):
            if isinstance(event, Answer):
                return event
        raise RuntimeError("the chain ended without an answer")  # pragma: no cover

    def runnable(self) -> Runnable[dict[str, object], Answer]:
        """The whole chain as one LangChain Runnable: {"question", "history"?, "filters"?} -> Answer."""
        return self.chain.as_runnable()
