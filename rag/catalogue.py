"""The catalogue: what is indexed (files, articles, chunks), its keyword index (SQLite FTS5) and the
near-duplicate bands, in one SQLite file per index home.

One transaction is the commit point. An index run writes vectors to the store first and then commits the
catalogue; chunks the catalogue does not list are never shown, so a run killed at any moment leaves the last
commit usable. WAL mode lets chat processes read while an indexer writes; a reader sees a new commit at its
next question (the `generation` counter). Readers fetch only the rows they need, never the whole archive.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rag.outlets import SEPARATOR, outlet_of
from rag.text import content_words
from rag.types import Filters, Passage

FILE = "catalogue.sqlite"
VERSION = "1"
REBUILD_HINT = "newsrag index --rebuild PATH"
_IN = 500  # ids per `IN (...)` (SQLite limits bound parameters)
_FILES = "SELECT path, sha256, boilerplate_lines, report, stamp"

# FTS5 sees the text already cut into our words (`content_words`), one space apart; the tokenizer keeps the
# characters our words may hold, so FTS5's words and document frequencies are exactly ours.
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, boilerplate_lines INTEGER NOT NULL,
                   report TEXT NOT NULL, stamp TEXT NOT NULL);
CREATE TABLE articles(id TEXT PRIMARY KEY, file TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
                      source TEXT NOT NULL, published TEXT NOT NULL, url TEXT NOT NULL, signature TEXT NOT NULL);
CREATE INDEX articles_file ON articles(file);
CREATE TABLE chunks(n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, article TEXT NOT NULL,
                    start INTEGER NOT NULL, end INTEGER NOT NULL);
CREATE INDEX chunks_article ON chunks(article);
CREATE VIRTUAL TABLE chunk_words USING fts5(words, tokenize="unicode61 remove_diacritics 0 tokenchars '''.-_'");
CREATE VIRTUAL TABLE chunk_vocab USING fts5vocab(chunk_words, row);
CREATE TABLE bands(key INTEGER NOT NULL, article TEXT NOT NULL);
CREATE INDEX bands_key ON bands(key);
CREATE INDEX bands_article ON bands(article);
CREATE TABLE pending_deletes(chunk_id TEXT PRIMARY KEY);
"""
# Articles a user deleted (by content id): index runs keep them out until their text changes. Created on
# open too, for catalogues written before deletion existed.
_DELETED = "CREATE TABLE IF NOT EXISTS deleted(article TEXT PRIMARY KEY, title TEXT NOT NULL, at TEXT NOT NULL)"


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


def embedding_text(title: str, text: str) -> str:
    """The title goes in front so a chunk that never names its subject still matches questions about it."""
    return f"{title}\n{text}"


def path_for(home: Path) -> Path:
    return home / FILE


class Catalogue:
    """One SQLite catalogue; a connection per thread (the chat answers on several threads)."""

    def __init__(self, path: Path, *, writable: bool = False) -> None:
        self.path = path
        self._local = threading.local()
        # A reader never creates the file: a catalogue deleted under it stays deleted (SQLite's default would
        # leave an empty file behind, which then reads as a damaged index).
        self._mode = "rwc" if writable else "rw"

    @classmethod
    def create(cls, home: Path) -> Catalogue:
        """Open the catalogue under `home` for writing, creating it when there is none."""
        home.mkdir(parents=True, exist_ok=True)
        catalogue = cls(path_for(home), writable=True)
        with catalogue._errors():
            db = catalogue._db()
            db.execute("PRAGMA journal_mode=WAL")
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
                db.executescript(f"BEGIN; {_SCHEMA} COMMIT;")
            db.execute(_DELETED)
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
        db = getattr(self._local, "db", None)
        if db is not None:
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

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._errors():
            return self._db().execute(sql, params).fetchall()

    def _in(self, sql: str, ids: Sequence[str], params: Sequence[Any] = ()) -> list[Any]:
        """`sql` with `{ids}` standing for an `IN (...)` list, run in slices."""
        out: list[Any] = []
        for i in range(0, len(ids), _IN):
            part = list(ids[i:i + _IN])
            out.extend(self._rows(sql.format(ids=",".join("?" * len(part))), [*part, *params]))
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
            rows, articles = self._rows(f"{_FILES} FROM files"), self._rows("SELECT id, file FROM articles")
        else:
            rows = self._in(f"{_FILES} FROM files WHERE path IN ({{ids}})", paths)
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
        where, params = _filter_sql(filters)
        rows = self._in(
            "SELECT c.id, c.article, a.title, a.source, a.published, substr(a.text, c.start + 1, c.end - c.start),"
            f" c.start, c.end FROM chunks c JOIN articles a ON a.id = c.article WHERE c.id IN ({{ids}}){where}",
            chunk_ids, params,
        )
        return {row[0]: _passage(row) for row in rows}

    def article_text(self, article_id: str) -> str | None:
        row = self._rows("SELECT text FROM articles WHERE id=?", [article_id])
        return row[0][0] if row else None

    def keyword(self, words: Sequence[str], k: int, filters: Filters | None = None,
                outlet: str | None = None) -> list[tuple[str, float]]:
        """BM25 (FTS5's ranking) of the committed chunks for any of `words` (ours: `content_words`), among the
        articles of `outlet` (as `outlets()` names it) when one is given."""
        if not words or k <= 0:
            return []
        where, params = _filter_sql(filters)
        if outlet:  # LIKE narrows in C; outlet() then tells "Daily" from "Daily Planet"
            where += r" AND a.title LIKE ? ESCAPE '\' AND outlet(a.title) = ?"
            params += [f"%{SEPARATOR}{_like_literal(outlet)}%", outlet]
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
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                if change.reset:
                    for table in ("files", "articles", "chunks", "chunk_words", "bands", "pending_deletes"):
                        db.execute(f"DELETE FROM {table}")
                self._drop(db, change.drop_files)
                self._drop_articles(db, change.drop_articles)
                self._insert(db, change)
                db.executemany("INSERT OR IGNORE INTO pending_deletes VALUES (?)",
                               [(c,) for c in change.pending_deletes])
                generation = self.generation() + 1
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
                    ("version", VERSION), ("collection", change.collection), ("embed_model", change.embed_model),
                    ("chunking", change.chunking), ("generation", str(generation)),
                    ("committed_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                ])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def clear_pending(self, chunk_ids: Sequence[str]) -> None:
        with self._errors():
            self._db().executemany("DELETE FROM pending_deletes WHERE chunk_id=?", [(c,) for c in chunk_ids])

    @staticmethod
    def _drop(db: sqlite3.Connection, files: Sequence[str]) -> None:
        for i in range(0, len(files), _IN):
            part = list(files[i:i + _IN])
            marks = ",".join("?" * len(part))
            articles = f"SELECT id FROM articles WHERE file IN ({marks})"
            db.execute(f"DELETE FROM chunk_words WHERE rowid IN "
                       f"(SELECT n FROM chunks WHERE article IN ({articles}))", part)
            db.execute(f"DELETE FROM chunks WHERE article IN ({articles})", part)
            db.execute(f"DELETE FROM bands WHERE article IN ({articles})", part)
            db.execute(f"DELETE FROM articles WHERE file IN ({marks})", part)
            db.execute(f"DELETE FROM files WHERE path IN ({marks})", part)

    @staticmethod
    def _drop_articles(db: sqlite3.Connection, articles: Sequence[tuple[str, str]]) -> None:
        """A user's deletion: the article's rows go (its chunks' vectors are deleted once committed) and it is
        remembered, so the next index run does not bring it back."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for aid, title in articles:
            file = db.execute("SELECT file FROM articles WHERE id=?", [aid]).fetchone()
            if file:  # every later index report of that file says the article was left out
                found = db.execute("SELECT report FROM files WHERE path=?", file).fetchone()
                report = json.loads(found[0]) if found else {}
                report["warnings"] = [*report.get("warnings", []), left_out(title, file[0])]
                db.execute("UPDATE files SET report=? WHERE path=?", [json.dumps(report), file[0]])
            db.execute("INSERT OR IGNORE INTO pending_deletes SELECT id FROM chunks WHERE article=?", [aid])
            db.execute("DELETE FROM chunk_words WHERE rowid IN (SELECT n FROM chunks WHERE article=?)", [aid])
            for table, column in (("chunks", "article"), ("bands", "article"), ("articles", "id")):
                db.execute(f"DELETE FROM {table} WHERE {column}=?", [aid])
            db.execute("INSERT OR REPLACE INTO deleted VALUES (?, ?, ?)", [aid, title, now])

    @staticmethod
    def _insert(db: sqlite3.Connection, change: Change) -> None:
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", [
            (f.path, f.sha256, f.boilerplate_lines,
             json.dumps({"duplicates": f.duplicates, "errors": f.errors, "warnings": f.warnings}), f.stamp)
            for f in change.files
        ])
        db.executemany("UPDATE files SET stamp=? WHERE path=?", [(stamp, path) for path, stamp in change.restamp])
        for a in change.articles:
            db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
                a.article_id, a.file, a.title, a.text, a.source, a.published, a.url, json.dumps(a.signature)))
            db.executemany("INSERT INTO bands VALUES (?, ?)", [(key, a.article_id) for key in a.bands])
            for cid, start, end in a.chunks:
                n = db.execute("INSERT INTO chunks(id, article, start, end) VALUES (?, ?, ?, ?)",
                               (cid, a.article_id, start, end)).lastrowid
                words = " ".join(content_words(embedding_text(a.title, a.text[start:end])))
                db.execute("INSERT INTO chunk_words(rowid, words) VALUES (?, ?)", (n, words))


def _passage(row: Sequence[Any]) -> Passage:
    import datetime as dt

    cid, aid, title, source, published, text, start, end = row
    return Passage(cid, aid, title, source, dt.date.fromisoformat(published) if published else None, text,
                   0.0, start, end)


def _like_literal(text: str) -> str:
    """`text` for a LIKE pattern with `ESCAPE '\\'`: its % and _ match only themselves."""
    return re.sub(r"([%_\\])", r"\\\1", text)


def _filter_sql(filters: Filters | None) -> tuple[str, list[Any]]:
    """Date and source filters as SQL over `articles a` (ISO dates compare as text; "" means no date)."""
    if filters is None:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    if filters.sources:
        clauses.append(f"a.source IN ({','.join('?' * len(filters.sources))})")
        params.extend(filters.sources)
    if filters.since:
        clauses.append("a.published >= ?")
        params.append(filters.since.isoformat())
    if filters.until:
        clauses.append("a.published <> '' AND a.published <= ?")
        params.append(filters.until.isoformat())
    return "".join(f" AND {c}" for c in clauses), params


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
