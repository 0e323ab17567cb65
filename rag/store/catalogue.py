"""The catalogue: what is indexed (files, articles, chunks), its keyword index (SQLite FTS5) and the
near-duplicate bands, in one SQLite file per index home.

One transaction is the commit point. An index run writes vectors to the store first and then commits the
catalogue; chunks the catalogue does not list are never shown, so a run killed at any moment leaves the last
commit usable. WAL mode lets chat processes read while an indexer writes; a reader sees a new commit at its
next question (the `generation` counter). Readers fetch only the rows they need, never the whole archive.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rag.store import sql, writes
from rag.store.outlet import SEPARATOR, outlet_of
from rag.store.records import (
    FILE,
    REBUILD_HINT,
    VERSION,
    ArticleRecord,
    ArticleView,
    Change,
    DamagedIndexError,
    FileRecord,
    Listed,
    Meta,
    Reader,
    damaged,
    embedding_text,
    left_out,
    path_for,
    salvage_collection,
    sentence_key,
)

__all__ = ["FILE", "REBUILD_HINT", "VERSION", "ArticleRecord", "ArticleView", "Catalogue", "Change",
           "DamagedIndexError", "FileRecord", "Listed", "Meta", "Reader", "damaged", "embedding_text", "left_out",
           "path_for", "salvage_collection", "sentence_key"]
from rag.text import content_words
from rag.types import Filters, Passage


class Catalogue:
    """One SQLite catalogue; a connection per thread (the chat answers on several threads)."""

    def __init__(self, path: Path, *, writable: bool = False) -> None:
        self.path = path
        self._local = threading.local()
        # A reader never creates the file: a catalogue deleted under it stays deleted (SQLite's default would
        # leave an empty file behind, which then reads as a damaged index).
        self._mode = "rwc" if writable else "rw"
        self._sentences = False  # the sentences table is known to exist

    @classmethod
    def create(cls, home: Path) -> Catalogue:
        """Open the catalogue under `home` for writing, creating it when there is none."""
        home.mkdir(parents=True, exist_ok=True)
        catalogue = cls(path_for(home), writable=True)
        with catalogue._errors():
            db = catalogue._db()
            db.execute("PRAGMA journal_mode=WAL")
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
                db.executescript(f"BEGIN; {sql.SCHEMA} COMMIT;")
            db.execute(sql.DELETED)
            db.execute(sql.SENTENCES)
        return catalogue

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode={self._mode}", uri=True, timeout=60,
                                 isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a commit survives a process kill
            db.create_function("outlet", 1, outlet_of, deterministic=True)
            self._local.db = db
        return db

    def close(self) -> None:
        if (db := getattr(self._local, "db", None)) is not None:
            db.close()
            self._local.db = None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Whatever SQLite says about a file that is not a readable catalogue becomes one clear error."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            raise damaged(self.path, str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, str(exc)) from exc

    def _rows(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._errors():
            return self._db().execute(query, params).fetchall()

    def _in(self, query: str, ids: Sequence[str], params: Sequence[Any] = ()) -> list[Any]:
        """`query` with `{ids}` standing for an `IN (...)` list, run in slices."""
        out: list[Any] = []
        for i in range(0, len(ids), sql.IN):
            part = list(ids[i:i + sql.IN])
            out.extend(self._rows(query.format(ids=",".join("?" * len(part))), [*part, *params]))
        return out

    # ---- reading

    def meta(self) -> Meta | None:
        """The committed index's settings; None before the first commit."""
        values = dict(self._rows("SELECT key, value FROM meta"))
        if values.get("version") != VERSION:
            return None
        return Meta(values["collection"], values["embed_model"], values["chunking"], int(values["generation"]))

    def generation(self) -> int:
        row = self._rows("SELECT value FROM meta WHERE key='generation'")
        return int(row[0][0]) if row else 0

    def file_state(self) -> dict[str, tuple[str, str]]:
        """Each indexed file's (sha256, stamp)."""
        return {path: (sha, stamp) for path, sha, stamp in self._rows("SELECT path, sha256, stamp FROM files")}

    def file_records(self, paths: Sequence[str] | None = None) -> dict[str, FileRecord]:
        """The records of `paths` (every file when None), each with the ids of the articles it holds."""
        if paths is None:
            rows, articles = self._rows(f"{sql.FILES} FROM files"), self._rows("SELECT id, file FROM articles")
        else:
            rows = self._in(f"{sql.FILES} FROM files WHERE path IN ({{ids}})", paths)
            articles = self._in("SELECT id, file FROM articles WHERE file IN ({ids})", paths)
        records = {
            path: FileRecord(path, sha, boilerplate_lines=lines, stamp=stamp, **json.loads(report))
            for path, sha, lines, report, stamp in rows
        }
        for aid, file in articles:
            if file in records:
                records[file].articles.append(aid)
        return records

    def articles_of(self, files: Sequence[str]) -> dict[str, list[str]]:
        """The articles the given files hold, each with its chunk ids."""
        found: dict[str, list[str]] = {}
        for aid, cid in self._in(
            "SELECT a.id, c.id FROM articles a LEFT JOIN chunks c ON c.article = a.id WHERE a.file IN ({ids})", files
        ):
            found.setdefault(aid, []).extend([cid] if cid else [])
        return found

    def has_article(self, article_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM articles WHERE id=?", [article_id]))

    def near(self, keys: Sequence[int]) -> list[tuple[str, list[int]]]:
        """Articles sharing a near-duplicate band key with `keys`, with their MinHash signatures."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        return [(aid, json.loads(sig)) for aid, sig in self._rows(
            f"SELECT id, signature FROM articles WHERE id IN (SELECT article FROM bands WHERE key IN ({marks}))", keys
        )]

    def passages(self, chunk_ids: Sequence[str], filters: Filters | None = None) -> dict[str, Passage]:
        """The committed chunks among `chunk_ids` that pass `filters`, as passages with score 0."""
        where, params = sql.filter_sql(filters)
        rows = self._in(f"{sql.PASSAGES} c.id IN ({{ids}}){where}", chunk_ids, params)
        return {row[0]: sql.passage(row) for row in rows}

    def openings(self, filters: Filters | None, limit: int, whole: bool = False) -> list[Passage]:
        """The first chunk (`whole`: every chunk) of the `limit` newest articles passing `filters`, newest article
        first (undated ones last)."""
        where, params = sql.filter_sql(filters)
        return [sql.passage(row) for row in self._rows(sql.openings(where, whole), [*params, limit])]

    def article_text(self, article_id: str) -> str | None:
        row = self._rows("SELECT text FROM articles WHERE id=?", [article_id])
        return row[0][0] if row else None

    def keyword(self, words: Sequence[str], k: int, filters: Filters | None = None,
                outlet: str | None = None) -> list[tuple[str, float]]:
        """BM25 (FTS5's ranking) of the committed chunks for any of `words` (ours: `content_words`), among the
        articles of `outlet` (as `outlets()` names it) when one is given."""
        if not words or k <= 0:
            return []
        where, params = sql.filter_sql(filters)
        if outlet:  # LIKE narrows in C; outlet() then tells "Daily" from "Daily Planet"
            where += r" AND a.title LIKE ? ESCAPE '\' AND outlet(a.title) = ?"
            params += [f"%{SEPARATOR}{sql.like_literal(outlet)}%", outlet]
        join = " JOIN articles a ON a.id = c.article" if where else ""
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        rows = self._rows(
            "SELECT c.id, -bm25(chunk_words) FROM chunk_words JOIN chunks c ON c.n = chunk_words.rowid"
            f"{join} WHERE chunk_words MATCH ?{where} ORDER BY bm25(chunk_words) LIMIT ?",
            [match, *params, k],
        )
        return [(cid, float(score)) for cid, score in rows]

    def doc_freq(self, words: Iterable[str]) -> dict[str, int]:
        """How many chunks hold each word (from FTS5's vocabulary, no scan of the chunks)."""
        wanted = list(dict.fromkeys(words))
        return {term: int(n) for term, n in self._in("SELECT term, doc FROM chunk_vocab WHERE term IN ({ids})", wanted)}

    def chunk_count(self) -> int:
        return int(self._rows("SELECT count(*) FROM chunks")[0][0])

    def article_count(self) -> int:
        return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def chunk_ids(self) -> list[str]:
        return [cid for (cid,) in self._rows("SELECT id FROM chunks")]

    def sources(self) -> dict[str, int]:
        """Each source file with how many articles it holds."""
        return dict(self._rows("SELECT source, count(*) FROM articles GROUP BY source"))

    def outlets(self) -> dict[str, int]:
        """Each outlet named after an article's title ("… — The Verge"), with how many articles it has."""
        rows = self._rows(f"SELECT title FROM articles WHERE title LIKE '%{SEPARATOR}%'")
        return dict(Counter(name for (title,) in rows if (name := outlet_of(title))))

    def newest_published(self) -> str | None:
        """The newest article's publication date (ISO), or None when no article is dated."""
        row = self._rows("SELECT max(published) FROM articles WHERE published <> ''")
        return row[0][0] if row and row[0][0] else None

    def sentence_vectors(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored vectors of these sentences (by `sentence_key`); none from a catalogue that has none."""
        # a table once there stays (an index run on an old catalogue creates it): asked until then, not after
        self._sentences = self._sentences or bool(self._rows("SELECT 1 FROM sqlite_master WHERE name='sentences'"))
        found = self._in("SELECT key, vector FROM sentences WHERE key IN ({ids})", keys) if self._sentences else []
        return dict(found)

    def has_sentence_vectors(self) -> bool:
        """Every committed article's sentences are stored (a catalogue from before they were is filled once)."""
        return bool(self._rows("SELECT 1 FROM meta WHERE key='sentences'"))

    def pending_deletes(self) -> list[str]:
        return [cid for (cid,) in self._rows("SELECT chunk_id FROM pending_deletes")]

    def committed_at(self) -> str | None:
        """When the last index run committed (ISO, UTC); None for a catalogue that never recorded it."""
        row = self._rows("SELECT value FROM meta WHERE key='committed_at'")
        return row[0][0] if row else None

    def deleted_ids(self) -> set[str]:
        """Articles a user deleted; an index run does not add them back while their text is the same."""
        if not self._rows("SELECT 1 FROM sqlite_master WHERE name='deleted'"):
            return set()
        return {aid for (aid,) in self._rows("SELECT article FROM deleted")}

    def listing(self, search: str = "", limit: int = 200) -> list[Listed]:
        """Articles for the library, newest first: title, date, source and chunk count. Each word of `search`
        must occur in the title, the source file name or the text (case-insensitive)."""
        where: list[str] = []
        params: list[Any] = []
        for word in search.split():
            pattern = "%" + re.sub(r"([%_\\])", r"\\\1", word) + "%"
            clause = "a.title LIKE ? ESCAPE '\\' OR a.source LIKE ? ESCAPE '\\'"
            params += [pattern, pattern]
            if words := content_words(word):
                clause += (" OR a.id IN (SELECT c.article FROM chunks c WHERE c.n IN"
                           " (SELECT rowid FROM chunk_words WHERE chunk_words MATCH ?))")
                params.append(" AND ".join(f'"{w}"' for w in words))
            where.append(f"({clause})")
        rows = self._rows(
            "SELECT a.id, a.title, a.published, a.source, a.file,"
            " (SELECT count(*) FROM chunks c WHERE c.article = a.id) FROM articles a"
            f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY a.published DESC, a.title LIMIT ?",
            [*params, limit])
        return [Listed(*row) for row in rows]

    def article(self, article_id: str) -> ArticleView | None:
        """One article as the library opens it: its cleaned text, metadata and its file's boilerplate count."""
        rows = self._rows(
            "SELECT a.id, a.title, a.published, a.source, a.file, a.url, a.text, f.boilerplate_lines,"
            " (SELECT count(*) FROM chunks c WHERE c.article = a.id)"
            " FROM articles a LEFT JOIN files f ON f.path = a.file WHERE a.id=?", [article_id])
        if not rows:
            return None
        aid, title, published, source, file, url, text, boilerplate, chunks = rows[0]
        return ArticleView(aid, title, published, source, file, url, text, boilerplate or 0, chunks)

    # ---- writing

    def commit(self, change: Change) -> None:
        """Apply `change` in one transaction: readers see all of it or none of it."""
        with self._errors():
            writes.commit(self._db(), change, self.generation() + 1)

    def clear_pending(self, chunk_ids: Sequence[str]) -> None:
        with self._errors():
            self._db().executemany("DELETE FROM pending_deletes WHERE chunk_id=?", [(c,) for c in chunk_ids])


