"""The committed index as the online path sees it: the catalogue and the vector store together.

Nothing of the archive is held in memory: passages, article texts and word frequencies are read from the
catalogue when a question needs them (a few small caches keep what a chat asks for again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.config import Settings
from rag.ports import Store, Vectors
from rag.store import catalogue as cat
from rag.store.article import ArticleText
from rag.text import content_words
from rag.tuning import RETRIEVAL as T
from rag.types import Filters, Passage


class EmptyIndexError(RuntimeError):
    """Raised when nothing has been indexed yet."""


class OldIndexError(EmptyIndexError):
    """The home holds an index from before the catalogue; `newsrag index` (or `newsrag chat`) converts it."""


class CollectionDeletedError(LookupError):
    """The collection this pipeline was serving was deleted (`newsrag collections --delete`) while open."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the collection {name!r} was deleted; pick another collection")
        self.name = name


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (device, inode), or None when there is none: a deleted or rebuilt catalogue is
    another file, although an open connection still reads the old one."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


class OpensStore(Protocol):
    """What opening a corpus needs of the wiring (rag/parts.py): the collection's settings and its store."""

    @property
    def settings(self) -> Settings: ...

    def open_store(self, collection: str) -> Store: ...


class Corpus:
    """One committed generation of the index; `is_stale` says when an index run has committed a newer one."""

    def __init__(self, catalogue: cat.Reader, meta: cat.Meta, store: Store, path: Path | None = None) -> None:
        self.catalogue = catalogue
        self.path = path
        self.identity = _identity(path) if path else None
        self.meta = meta
        self.store = store
        self.chunk_count = catalogue.chunk_count()
        self._df: dict[str, int] = {}
        self._articles: OrderedDict[str, ArticleText | None] = OrderedDict()
        self._outlets: list[str] | None = None
        self._newest: tuple[dt.date | None] | None = None

    @classmethod
    def open(cls, parts: OpensStore) -> Corpus:
        home = parts.settings.folder
        path = cat.path_for(home)
        if not path.exists():
            if (home / "manifest.json").exists():
                raise OldIndexError(f"{home} holds an index from an older newsrag: run `newsrag index` once to "
                                    "convert it (nothing is embedded again)")
            raise EmptyIndexError(f"nothing is indexed yet in {home}: run `newsrag index PATH` to add articles")
        catalogue = cat.Catalogue(path)
        meta = catalogue.meta()
        if meta is None or catalogue.article_count() == 0:
            raise EmptyIndexError(f"nothing is indexed yet in {home}: run `newsrag index PATH` to add articles")
        return cls(catalogue, meta, parts.open_store(meta.collection), path)

    def is_gone(self) -> bool:
        """The catalogue file this corpus reads is no longer at its path (deleted, or replaced by a rebuild)."""
        return self.path is not None and _identity(self.path) != self.identity

    def is_stale(self) -> bool:
        return self.is_gone() or self.catalogue.generation() != self.meta.generation

    def passages(self, scored: Sequence[tuple[str, float]], filters: Filters | None = None) -> list[Passage]:
        """The committed chunks of `scored` that pass `filters`, in the given order, with their scores.

        Chunks the catalogue does not list (vectors of a run killed before its commit) are dropped here.
        """
        found = self.catalogue.passages([cid for cid, _ in scored], filters)
        return [dataclasses.replace(found[cid], score=score) for cid, score in scored if cid in found]

    def article(self, article_id: str) -> ArticleText | None:
        """The cleaned text of an article with its sentence spans (for neighbours of retrieved sentences)."""
        if article_id not in self._articles:
            text = self.catalogue.article_text(article_id)
            self._articles[article_id] = ArticleText(text) if text is not None else None
            while len(self._articles) > 256:
                self._articles.popitem(last=False)
        return self._articles[article_id]

    def sentence_vectors(self, texts: Sequence[str]) -> dict[str, Vectors]:
        """The vectors the index run stored for these sentences (index/sentences.py), by text."""
        keys = {cat.sentence_key(t): t for t in texts}
        return {keys[k]: np.frombuffer(v, np.float32) for k, v in self.catalogue.sentence_vectors(list(keys)).items()}

    def doc_freq(self, words: Sequence[str]) -> dict[str, int]:
        """How many chunks hold each word (FTS5's vocabulary; remembered for this generation)."""
        missing = [w for w in words if w not in self._df]
        if missing:
            self._df.update(dict.fromkeys(missing, 0) | self.catalogue.doc_freq(missing))
        return {w: self._df[w] for w in words}

    def spelled_apart(self, query: str) -> str:
        """The query with a word the archive never holds written as two it holds side by side, where it does
        ("websummit" -> "web summit"): typed as one word, a name matched nothing the articles write."""
        words = list(dict.fromkeys(content_words(query)))
        for word, count in self.doc_freq(words).items():
            apart = self._apart(word) if not count and len(word) >= 6 and word.isalpha() else None
            if apart:
                query = re.sub(rf"\b{re.escape(word)}\b", apart, query, flags=re.I)
        return query

    def _apart(self, word: str) -> str | None:
        """`word` as two words of at least three letters that some chunk holds as a phrase, the split whose
        rarer half is commonest first; None when none does."""
        halves = [(word[:i], word[i:]) for i in range(3, len(word) - 2)]
        df = self.doc_freq([half for pair in halves for half in pair])
        held = sorted((pair for pair in halves if df[pair[0]] and df[pair[1]]), key=lambda p: -min(df[p[0]], df[p[1]]))
        return next((f"{a} {b}" for a, b in held[:3] if self.catalogue.keyword([f"{a} {b}"], 1)), None)

    def idf(self, word: str) -> float:
        """Inverse document frequency over chunks."""
        n, count = self.chunk_count, self.doc_freq([word])[word]
        return math.log(1 + (n - count + 0.5) / (count + 0.5))

    def newest(self) -> dt.date | None:
        """The newest article's date: "now" for a question's "last month" or "latest"."""
        if self._newest is None:
            iso = self.catalogue.newest_published()
            self._newest = (dt.date.fromisoformat(iso),) if iso else (None,)
        return self._newest[0]

    def outlets(self) -> list[str]:
        """The outlets of this index (read once per generation)."""
        if self._outlets is None:
            self._outlets = list(self.catalogue.outlets())
        return self._outlets

    def keyword(self, query: str, k: int, filters: Filters | None = None,
                outlet: str | None = None) -> list[tuple[str, float]]:
        """BM25 over the question's words, leaving out words most of the archive holds (see `common_share`);
        only `outlet`'s articles when one is given."""
        words = list(dict.fromkeys(content_words(query)))
        df = self.doc_freq(words)
        limit = max(T["common_floor"], T["common_share"] * self.chunk_count)
        present = sorted((w for w in words if df[w]), key=df.__getitem__)
        kept = [w for w in present if df[w] <= limit] or present[:1]  # all common: the rarest one
        return self.catalogue.keyword(kept, k, filters, outlet)
