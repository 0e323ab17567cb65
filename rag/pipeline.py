"""The one place that wires concrete parts together from `Settings`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.config import Settings
from rag.embedder import SentenceTransformerEmbedder
from rag.ports import Embedder, Store


@dataclass(frozen=True, slots=True)
class Parts:
    settings: Settings
    embedder: Embedder
    open_store: Callable[[str], Store]  # collection name -> store


def build_parts(settings: Settings) -> Parts:
    """Real parts: sentence-transformers embedder and Chroma (embedded, or a server if a URL is set).

    Both load lazily, so a run that has nothing to embed never imports torch or connects to Chroma.
    """
    client: list[Any] = []

    def open_store(collection: str) -> Store:
        from rag.chroma_store import ChromaStore, connect

        if not client:
            client.append(connect(settings.home, settings.chroma_url))
        return ChromaStore(client[0], collection)

    return Parts(settings, SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch), open_store)
