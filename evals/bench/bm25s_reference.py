"""bm25s adapter: a persisted BM25 index over the same chunks as the vector store."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.text import content_words


class KeywordIndex:
    def __init__(self, chunk_ids: list[str], model: Any) -> None:
        self.chunk_ids = chunk_ids
        self._model = model

    @classmethod
    def build(cls, chunk_ids: Sequence[str], texts: Sequence[str]) -> KeywordIndex:
        if not chunk_ids:
            return cls([], None)  # bm25s cannot index nothing; an empty index is still a valid state
        import bm25s

        model = bm25s.BM25()
        # An empty token list would break bm25s; a placeholder token matches no query.
        model.index([content_words(t) or ["∅"] for t in texts], show_progress=False)
        return cls(list(chunk_ids), model)

    def save(self, folder: Path) -> None:
        """Write beside `folder`, then rename into place: a reader sees the whole index or none of it."""
        tmp = _beside(folder, "new")
        tmp.mkdir(parents=True)
        try:
            if self.chunk_ids:
                self._model.save(str(tmp), show_progress=False)
            (tmp / "chunk_ids.txt").write_text("\n".join(self.chunk_ids), "utf-8")
            _swap_in(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        ids_text = (folder / "chunk_ids.txt").read_text("utf-8")
        chunk_ids = ids_text.split("\n") if ids_text else []
        model = bm25s.BM25.load(str(folder), show_progress=False) if chunk_ids else None
        return cls(chunk_ids, model)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        tokens = content_words(query)
        if not self.chunk_ids or not tokens:
            return []
        docs, scores = self._model.retrieve(
            [tokens], k=min(k, len(self.chunk_ids)), show_progress=False, n_threads=1
        )
        return [
            (self.chunk_ids[int(d)], float(s))
            for d, s in zip(np.asarray(docs)[0], np.asarray(scores)[0], strict=True)
            if s > 0
        ]


def _beside(folder: Path, kind: str) -> Path:
    """A hidden sibling of `folder`, so half-written or half-deleted copies never carry its name."""
    return folder.with_name(f".{folder.name}-{kind}-{uuid.uuid4().hex[:8]}")


def _swap_in(tmp: Path, folder: Path) -> None:
    """Rename `tmp` to `folder`; a damaged `folder` is moved aside first (a rename cannot replace a full folder)."""
    aside = _beside(folder, "old") if folder.exists() else None
    if aside:
        os.replace(folder, aside)
    try:
        os.replace(tmp, folder)
    except OSError:
        if not (folder / "chunk_ids.txt").is_file():
            raise
        # Another reader rebuilt the same folder first; its copy is as good as ours.
    finally:
        if aside:
            shutil.rmtree(aside, ignore_errors=True)
