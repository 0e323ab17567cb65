"""The catalogue's SQL: its schema, the rows readers get back as passages, and filters as WHERE clauses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from rag.types import Filters, Passage

IN = 500  # ids per `IN (...)` (SQLite limits bound parameters)
FILES = "SELECT path, sha256, boilerplate_lines, report, stamp"

# FTS5 sees the text already cut into our words (`content_words`), one space apart; the tokenizer keeps the
# characters our words may hold, so FTS5's words and document frequencies are exactly ours.
SCHEMA = """
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
# Sentence vectors embedded at index time, by `sentence_key` of the text (answering weighs every sentence of
# its candidates). Created on open too, for catalogues written before they were stored; a sentence of an
# article that has gone stays until a rebuild (a few KB an article, never shown).
SENTENCES = "CREATE TABLE IF NOT EXISTS sentences(key TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID"
# Articles a user deleted (by content id): index runs keep them out until their text changes. Created on
# open too, for catalogues written before deletion existed.
DELETED = "CREATE TABLE IF NOT EXISTS deleted(article TEXT PRIMARY KEY, title TEXT NOT NULL, at TEXT NOT NULL)"


# Chunks as `passage` reads them, with their article; the caller adds the WHERE clause.
PASSAGES = ("SELECT c.id, c.article, a.title, a.source, a.published, substr(a.text, c.start + 1, c.end - c.start),"
            " c.start, c.end FROM chunks c JOIN articles a ON a.id = c.article WHERE")


def openings(where: str, whole: bool = False) -> str:
    """The first chunk of the newest articles, or with `whole` all their chunks in order (`where`: filter_sql's
    clauses; one parameter more, how many articles). The newest ids are sorted first, so the articles' texts are
    read only for those."""
    newest = f"SELECT a.id FROM articles a WHERE 1{where} ORDER BY a.published DESC, a.title LIMIT ?"
    first = "" if whole else "c.start = (SELECT min(f.start) FROM chunks f WHERE f.article = a.id) AND"
    return f"{PASSAGES} {first} a.id IN ({newest}) ORDER BY a.published DESC, a.title, c.start"


def passage(row: Sequence[Any]) -> Passage:
    cid, aid, title, source, published, text, start, end = row
    return Passage(cid, aid, title, source, dt.date.fromisoformat(published) if published else None, text,
                   0.0, start, end)


def like_literal(text: str) -> str:
    """`text` for a LIKE pattern with `ESCAPE '\\'`: its % and _ match only themselves."""
    return re.sub(r"([%_\\])", r"\\\1", text)


def filter_sql(filters: Filters | None) -> tuple[str, list[Any]]:
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
