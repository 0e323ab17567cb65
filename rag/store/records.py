"""The catalogue's records and its read interface: what an index run commits (`Change`), what readers get
back, and the errors and paths the catalogue names."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rag.types import Filters, Passage

FILE = "catalogue.sqlite"
VERSION = "1"
REBUILD_HINT = "newsrag index --rebuild PATH"


class DamagedIndexError(RuntimeError):
    """The catalogue cannot be read (cut short, overwritten, not ours); the message names the way out."""


@dataclass(frozen=True, slots=True)
class Meta:
    collection: str  # the vector-store collection the committed chunks live in
    embed_model: str
    chunking: str
    generation: int  # bumped by every commit


@dataclass(slots=True)
class FileRecord:
    path: str
    sha256: str
    articles: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    boilerplate_lines: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)  # indexed, but not as written (path, warning)
    stamp: str = ""  # "size:mtime_ns" when it was read: an unchanged stamp means an unchanged file, unread


@dataclass(slots=True)
class ArticleRecord:
    article_id: str
    file: str
    title: str
    text: str
    source: str
    published: str  # ISO date or ""
    url: str
    signature: list[int]
    chunks: list[tuple[str, int, int]]  # (chunk_id, start, end) into `text`
    bands: list[int]  # near-duplicate lookup keys


@dataclass(slots=True)
class Change:
    """One index run's commit: rows of `drop_files` go, `files` and `articles` come in."""

    collection: str
    embed_model: str
    chunking: str
    reset: bool = False  # a rebuild: every row goes first (deletions by the user stay)
    drop_articles: list[tuple[str, str]] = field(default_factory=list)  # (id, title) a user deleted
    drop_files: list[str] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    articles: list[ArticleRecord] = field(default_factory=list)
    pending_deletes: list[str] = field(default_factory=list)  # vectors to delete once committed
    restamp: list[tuple[str, str]] = field(default_factory=list)  # (path, stamp) of touched but unchanged files
    sentences: list[tuple[str, bytes]] = field(default_factory=list)  # (sentence_key, float32 vector) to add


@dataclass(frozen=True, slots=True)
class Listed:
    """An article as the library lists it."""

    article_id: str
    title: str
    published: str  # ISO date or ""
    source: str
    file: str
    chunks: int


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as the library opens it."""

    article_id: str
    title: str
    published: str
    source: str
    file: str
    url: str
    text: str
    boilerplate_lines: int  # removed from the file it came from
    chunks: int


class Reader(Protocol):
    """What the online path reads (the port): `Catalogue` is the SQLite one. A catalogue shared by several app
    servers on one Chroma server (e.g. Postgres with its full-text search) would implement this and the
    `commit` of a `Change`; nothing else reads the catalogue."""

    def meta(self) -> Meta | None: ...

    def generation(self) -> int: ...

    def passages(self, chunk_ids: Sequence[str], filters: Filters | None = None) -> dict[str, Passage]: ...

    def openings(self, filters: Filters | None, limit: int, whole: bool = False) -> list[Passage]: ...

    def article_text(self, article_id: str) -> str | None: ...

    def keyword(self, words: Sequence[str], k: int, filters: Filters | None = None,
                outlet: str | None = None) -> list[tuple[str, float]]: ...

    def doc_freq(self, words: Iterable[str]) -> dict[str, int]: ...

    def chunk_count(self) -> int: ...

    def article_count(self) -> int: ...

    def chunk_ids(self) -> list[str]: ...

    def sources(self) -> dict[str, int]: ...

    def outlets(self) -> dict[str, int]: ...

    def listing(self, search: str = "", limit: int = 200) -> list[Listed]: ...

    def article(self, article_id: str) -> ArticleView | None: ...

    def committed_at(self) -> str | None: ...

    def newest_published(self) -> str | None: ...

    def sentence_vectors(self, keys: Sequence[str]) -> dict[str, bytes]: ...

    def has_sentence_vectors(self) -> bool: ...


def sentence_key(text: str) -> str:
    """How a sentence's stored vector is found: by its text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embedding_text(title: str, text: str) -> str:
    """The title goes in front so a chunk that never names its subject still matches questions about it."""
    return f"{title}\n{text}"


def path_for(home: Path) -> Path:
    return home / FILE


def left_out(title: str, path: str) -> dict[str, str]:
    """The index report's warning for an article a user deleted, which index runs keep out."""
    return {"path": path, "warning": f"{' '.join(title.split())[:60]!r} left out: it was deleted in the library "
                                     "(it is indexed again once its text changes)"}


def damaged(path: Path, reason: str) -> DamagedIndexError:
    return DamagedIndexError(
        f"the index catalogue {path} is damaged ({reason}); run `{REBUILD_HINT}` to index the articles again"
    )


def salvage_collection(home: Path, prefix: str) -> str | None:
    """The vector collection a damaged catalogue (or an old manifest.json) names, so a rebuild can drop it.

    SQLite stores short text as it is, so the name is usually still readable in the raw bytes.
    """
    pattern = re.compile(re.escape(prefix).encode() + rb"-[0-9a-f]{8}")
    for name in (FILE, "manifest.json"):
        try:
            with open(home / name, "rb") as handle:
                found = pattern.search(handle.read(1 << 20))
        except OSError:
            continue
        if found:
            return found.group().decode()
    return None
