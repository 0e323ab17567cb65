"""The one place that wires concrete parts together from `Settings`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.config import Settings
from rag.models.embedder import SentenceTransformerEmbedder
from rag.ports import Embedder, Store


@dataclass(frozen=True, slots=True)
class Parts:
    settings: Settings
    embedder: Embedder
    open_store: Callable[[str], Store]  # vector-store collection name -> store


@functools.cache
def shared_embedder(name: str, batch: int) -> SentenceTransformerEmbedder:
    """One embedder per model in the process: every collection that uses the model shares its weights."""
    return SentenceTransformerEmbedder(name, batch)


def build_parts(settings: Settings) -> Parts:
    """Real parts for `settings.collection`: the shared sentence-transformers embedder and Chroma (embedded in
    the collection's folder, or a server if a URL is set).

    Both load lazily, so a run that has nothing to embed never imports torch or connects to Chroma.
    """
    client: list[Any] = []

    def open_store(collection: str) -> Store:
        from rag.store.chroma_store import ChromaStore, connect

        if not client:
            client.append(connect(settings.folder, settings.chroma_url))
        return ChromaStore(client[0], collection)

    return Parts(settings, shared_embedder(settings.embed_model, settings.embed_batch), open_store)
