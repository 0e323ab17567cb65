"""The committed index as the online path sees it: manifest, vector store and keyword index together."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from pathlib import Path

from rag import manifest as mf
from rag.article import ArticleText
from rag.keyword import KeywordIndex
from rag.pipeline import Parts
from rag.ports import Store
from rag.text import content_words
from rag.types import Filters, Passage

log = logging.getLogger(__name__)


class EmptyIndexError(RuntimeError):
    """Raised when nothing has been indexed yet."""


class Corpus:
    """Loaded once and reloaded when the manifest changes, so a long-running chat sees new articles."""

    def __init__(self, manifest: mf.Manifest, store: Store, keyword: KeywordIndex, stamp: float) -> None:
        self.manifest = manifest
        self.store = store
        self.keyword = keyword
        self.stamp = stamp
        self.chunks: dict[str, Passage] = {}  # every committed chunk, score 0
        self._df: dict[str, int] | None = None
        self._articles: dict[str, ArticleText] = {}
        for aid, rec in manifest.articles.items():
            published = dt.date.fromisoformat(rec.published) if rec.published else None
            for cid, start, end in rec.chunks:
                self.chunks[cid] = Passage(cid, aid, rec.title, rec.source, published, rec.text[start:end],
                                           0.0, start, end)

    @classmethod
    def open(cls, parts: Parts) -> Corpus:
        home = parts.settings.home
        path = mf.path_for(home)
        manifest = mf.load(home)
        if manifest is None or not manifest.articles:
            raise EmptyIndexError(f"nothing is indexed yet in {home}: run `newsrag index PATH` to add articles")
        keyword = open_keyword_index(Path(home), manifest)
        return cls(manifest, parts.open_store(manifest.collection), keyword, path.stat().st_mtime)

    def is_stale(self, parts: Parts) -> bool:
        path = mf.path_for(parts.settings.home)
        return not path.exists() or path.stat().st_mtime != self.stamp

    def passage(self, chunk_id: str, score: float) -> Passage:
        return dataclasses.replace(self.chunks[chunk_id], score=score)

    def article(self, article_id: str) -> ArticleText | None:
        """The cleaned text of an article with its sentence spans (for neighbours of retrieved sentences)."""
        if article_id not in self._articles:
            rec = self.manifest.articles.get(article_id)
            if rec is None:
                return None
            self._articles[article_id] = ArticleText(rec.text)
        return self._articles[article_id]

    def idf(self, word: str) -> float:
        """Inverse document frequency over chunks, computed on first use."""
        if self._df is None:
            df: dict[str, int] = {}
            for info in self.chunks.values():
                for w in set(content_words(info.title + " " + info.text)):
                    df[w] = df.get(w, 0) + 1
            self._df = df
        n = len(self.chunks)
        count = self._df.get(word, 0)
        return math.log(1 + (n - count + 0.5) / (count + 0.5))

    def admits(self, chunk_id: str, filters: Filters | None) -> bool:
        """Only committed chunks (the manifest lists them) that pass the filters."""
        info = self.chunks.get(chunk_id)
        return info is not None and (filters is None or filters.admits(info.published, info.source))


def open_keyword_index(home: Path, manifest: mf.Manifest) -> KeywordIndex:
    """The keyword index the manifest names, rebuilt from the committed chunks when it is missing or unreadable.

    It is derived data, so any failure to read it is repaired (with a warning) rather than shown to the user.
    """
    folder = home / manifest.keyword_dir
    try:
        index = KeywordIndex.load(folder)
        if set(index.chunk_ids) == set(manifest.chunk_ids()):
            return index
        problem = "it does not list the committed chunks"
    except Exception as exc:  # bm25s raises many types for damaged files
        problem = f"{type(exc).__name__}: {exc}"
    log.warning("newsrag: rebuilding the keyword index %s from the manifest (%s)", folder, problem)
    index = KeywordIndex.build(*mf.search_documents(manifest))
    if manifest.keyword_dir:  # never replace `home` itself
        try:
            index.save(folder)
        except OSError as exc:
            log.warning("newsrag: could not save the rebuilt keyword index (%s); it lives in memory only", exc)
    return index
