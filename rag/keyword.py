"""bm25s adapter: a persisted BM25 index over the same chunks as the vector store."""

from __future__ import annotations

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
        import bm25s

        model = bm25s.BM25()
        # An empty token list would break bm25s; a placeholder token matches no query.
        model.index([content_words(t) or ["∅"] for t in texts], show_progress=False)
        return cls(list(chunk_ids), model)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.chunk_ids:
            self._model.save(str(folder), show_progress=False)
        (folder / "chunk_ids.txt").write_text("\n".join(self.chunk_ids), "utf-8")

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
