"""Fakes beside the ports, for fast tests of our own logic (never a stand-in for a finished feature)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

from rag.models.llm import StreamingChat
from rag.ports import Kind, StoredChunk, Vectors
from rag.text import content_words
from rag.types import Filters


class HashEmbedder:
    """Bag of hashed content words: texts sharing words have cosine > 0, so tests can reason by hand."""

    name = "hash"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls: list[int] = []  # batch sizes, so tests can see what was (re-)embedded

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in content_words(text):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms == 0, 1, norms)).astype(np.float32)


class MemoryStore:
    """An in-memory Store with exact cosine search."""

    def __init__(self) -> None:
        self.chunks: dict[str, StoredChunk] = {}
        self.vectors: dict[str, Vectors] = {}

    def upsert(self, chunks: Sequence[StoredChunk], vectors: Vectors) -> None:
        for chunk, vector in zip(chunks, vectors, strict=True):
            self.chunks[chunk.chunk_id] = chunk
            self.vectors[chunk.chunk_id] = vector

    def delete(self, chunk_ids: Sequence[str]) -> None:
        for cid in chunk_ids:
            self.chunks.pop(cid, None)
            self.vectors.pop(cid, None)

    def search(self, vector: Vectors, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        scored = [
            (cid, float(np.dot(self.vectors[cid], vector)))
            for cid, c in self.chunks.items()
            if filters is None or filters.admits(_date(c.published), c.source)
        ]
        return sorted(scored, key=lambda s: -s[1])[:k]

    def count(self) -> int:
        return len(self.chunks)

    def ids(self) -> list[str]:
        return list(self.chunks)

    def drop(self) -> None:
        self.chunks.clear()
        self.vectors.clear()


def _date(iso: str) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


class ScriptedChat(StreamingChat):
    """Replies from a script, in order, streamed word by word; records the prompts it was given."""

    replies: list[str]
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    streamed: int = 0  # pieces yielded so far: a stream closed early stops here

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.prompts.append(list(messages))
        reply = self.replies.pop(0) if self.replies else ""
        for piece in re.findall(r"\S+\s*", reply):
            self.streamed += 1
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
