"""Chroma adapter: embedded `PersistentClient` by default, `HttpClient` when a server URL is given.

Chroma types never leave this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from rag.ports import StoredChunk, Vectors
from rag.types import Filters

_BATCH = 1000  # stay well under Chroma's max batch size
_PAGE = 10_000  # ids per `get` when listing the collection


def connect(home: Path, url: str | None) -> Any:
    """A Chroma client for `url` (server mode) or for the embedded store under `home`."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    return chromadb.PersistentClient(path=str(home / "chroma"), settings=settings)


class ChromaStore:
    def __init__(self, client: Any, collection: str) -> None:
        self._client = client
        self._name = collection
        self._collection: Any = None

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self._client.get_or_create_collection(
                self._name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        return self._collection

    def upsert(self, chunks: Sequence[StoredChunk], vectors: Vectors) -> None:
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i:i + _BATCH]
            self.collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i:i + _BATCH],
                documents=[c.text for c in part],
                metadatas=[_metadata(c) for c in part],
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        for i in range(0, len(chunk_ids), _BATCH):
            self.collection.delete(ids=list(chunk_ids[i:i + _BATCH]))

    def search(self, vector: Vectors, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        if k <= 0 or self.count() == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector], n_results=k, where=_where(filters), include=["distances"]
        )
        ids, distances = result["ids"][0], result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def count(self) -> int:
        return int(self.collection.count())

    def ids(self) -> list[str]:
        found: list[str] = []
        while True:  # paged, so a large collection never travels in one response
            page = self.collection.get(include=[], limit=_PAGE, offset=len(found))["ids"]
            found.extend(page)
            if len(page) < _PAGE:
                return found

    def drop(self) -> None:
        import chromadb.errors

        with contextlib.suppress(chromadb.errors.NotFoundError, ValueError):
            self._client.delete_collection(self._name)
        self._collection = None


def _metadata(chunk: StoredChunk) -> dict[str, str | int]:
    return {
        "article_id": chunk.article_id,
        "title": chunk.title,
        "source": chunk.source,
        "published": chunk.published,
        # An integer YYYYMMDD, so date ranges are numeric `$gte`/`$lte` filters; 0 means "no date".
        "published_day": int(chunk.published.replace("-", "")) if chunk.published else 0,
        "start": chunk.start,
        "end": chunk.end,
    }


def _where(filters: Filters | None) -> dict[str, Any] | None:
    if filters is None:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.since:
        clauses.append({"published_day": {"$gte": int(filters.since.strftime("%Y%m%d"))}})
    if filters.until:
        clauses.append({"published_day": {"$lte": int(filters.until.strftime("%Y%m%d"))}})
        clauses.append({"published_day": {"$gt": 0}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
