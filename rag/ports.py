"""The small interfaces between newsrag and third-party parts; adapters live one per module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from rag.types import Filters

Vectors = npt.NDArray[np.float32]
Kind = Literal["query", "document"]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; `kind` lets models add their query/document prefixes."""

    name: str

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors: ...


@dataclass(frozen=True, slots=True)
class StoredChunk:
    chunk_id: str
    article_id: str
    text: str
    title: str
    source: str
    published: str  # ISO date or "" (Chroma metadata cannot hold None)
    start: int
    end: int


class Store(Protocol):
    """A vector store of chunks. Ids are ours; scores are cosine similarities, higher is better."""

    def upsert(self, chunks: Sequence[StoredChunk], vectors: Vectors) -> None: ...

    def delete(self, chunk_ids: Sequence[str]) -> None: ...

    def search(self, vector: Vectors, k: int, filters: Filters | None = None) -> list[tuple[str, float]]: ...

    def count(self) -> int: ...

    def drop(self) -> None: ...
