"""newsrag's retrieval as a LangChain `BaseRetriever`, to drop into other chains.

    >>> from rag.retriever import NewsRetriever
    >>> docs = NewsRetriever(k=4).invoke("Which companies wanted to buy TikTok?")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.types import Filters, Passage


def _default_search(question: str, k: int, filters: Filters | None) -> list[Passage]:
    from rag.api import retrieve

    return retrieve(question, k=k, filters=filters)


class NewsRetriever(BaseRetriever):
    """Hybrid search with sentence-level rescoring and de-duplication; passage fields go in `metadata`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int = 4
    filters: Filters | None = None
    search: Callable[[str, int, Filters | None], list[Passage]] = _default_search

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [to_document(p) for p in self.search(query, self.k, self.filters)]


def to_document(passage: Passage) -> Document:
    return Document(
        id=passage.chunk_id,
        page_content=passage.text,
        metadata={
            "chunk_id": passage.chunk_id,
            "article_id": passage.article_id,
            "title": passage.title,
            "source": passage.source,
            "published": passage.published.isoformat() if passage.published else None,
            "score": passage.score,
            "start": passage.start,
            "end": passage.end,
        },
    )
