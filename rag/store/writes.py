"""Writing the catalogue: one `Change` in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence

from rag.store.records import VERSION, Change, embedding_text, left_out
from rag.store.sql import IN
from rag.text import content_words


def commit(db: sqlite3.Connection, change: Change, generation: int) -> None:
    """Apply `change` in one transaction, as commit number `generation`: readers see all of it or none."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if change.reset:
            for table in ("files", "articles", "chunks", "chunk_words", "bands", "pending_deletes", "sentences"):
                db.execute(f"DELETE FROM {table}")
        drop_files(db, change.drop_files)
        drop_articles(db, change.drop_articles)
        insert(db, change)
        db.executemany("INSERT OR IGNORE INTO pending_deletes VALUES (?)", [(c,) for c in change.pending_deletes])
        db.executemany("INSERT OR IGNORE INTO sentences VALUES (?, ?)", change.sentences)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
            ("version", VERSION), ("collection", change.collection), ("embed_model", change.embed_model),
            ("chunking", change.chunking), ("generation", str(generation)), ("sentences", "1"),
            ("committed_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def drop_files(db: sqlite3.Connection, files: Sequence[str]) -> None:
    for i in range(0, len(files), IN):
        part = list(files[i:i + IN])
        marks = ",".join("?" * len(part))
        articles = f"SELECT id FROM articles WHERE file IN ({marks})"
        db.execute(f"DELETE FROM chunk_words WHERE rowid IN "
                   f"(SELECT n FROM chunks WHERE article IN ({articles}))", part)
        db.execute(f"DELETE FROM chunks WHERE article IN ({articles})", part)
        db.execute(f"DELETE FROM bands WHERE article IN ({articles})", part)
        db.execute(f"DELETE FROM articles WHERE file IN ({marks})", part)
        db.execute(f"DELETE FROM files WHERE path IN ({marks})", part)

def drop_articles(db: sqlite3.Connection, articles: Sequence[tuple[str, str]]) -> None:
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

def insert(db: sqlite3.Connection, change: Change) -> None:
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
