"""Retrieval over the committed index: dense search (hybrid fusion and rescoring come with answering)."""

from __future__ import annotations

from rag.corpus import Corpus
from rag.pipeline import Parts
from rag.types import Filters, Passage


def dense_search(
    question: str, corpus: Corpus, parts: Parts, k: int, filters: Filters | None = None
) -> list[Passage]:
    vector = parts.embedder.embed([question], "query")[0]
    # Over-fetch: chunks of a run that crashed before its commit may sit in the store; they are skipped.
    hits = corpus.store.search(vector, k * 2 + 8, filters)
    passages = [corpus.chunks[cid].passage(score) for cid, score in hits if corpus.admits(cid, filters)]
    return passages[:k]
