"""A conversations file that went wrong: whether it is damaged or cannot be used this session (or the
problem is a passing one), and what a damaged file still holds, read back from a copy. `ui.conversations`
moves a damaged file aside and starts a fresh one seeded with these rows.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from ui import render

_TABLES = ("conversations", "answers", "feedback")  # every table of the store, in the order they are read back
_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite file


class Damaged(sqlite3.DatabaseError):
    """Damage `PRAGMA quick_check` found that no statement has raised yet."""


def is_damage(exc: BaseException) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return isinstance(exc, Damaged) or name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


# What says the file cannot be used this session (it cannot be opened or written): conversations then live
# in memory. A busy, locked, full or failing disk is passing and is raised as it is: saving is not switched
# off for the rest of the process because of it.
_UNUSABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")


def is_unusable(exc: BaseException) -> bool:
    return isinstance(exc, OSError) or getattr(exc, "sqlite_errorname", "").startswith(_UNUSABLE)


def reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def salvage(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of `path` that can still be read, from a copy: SQLite's fixed 16-byte header is put back (so a
    file damaged only there loses nothing) and a cut file is read as far as it goes."""
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _TABLES}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        try:
            shutil.copyfile(path, copy)
            if path.with_name(f"{path.name}-wal").exists():
                shutil.copyfile(path.with_name(f"{path.name}-wal"), Path(tmp) / f"{path.name}-wal")
            with open(copy, "r+b") as handle:
                handle.write(_MAGIC)
        except OSError:
            return rows
        db = sqlite3.connect(copy)
        with contextlib.suppress(sqlite3.Error):
            db.execute("PRAGMA writable_schema=ON")  # reads a file shorter than its header says instead of refusing
        for table in _TABLES:
            rows[table] = _readable(db, table)
        db.close()
    return rows


def _readable(db: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    """The rows read from the start and from the end of `table`, each way until the first damaged page."""
    found: dict[int, tuple[Any, ...]] = {}
    for order in ("ASC", "DESC"):
        with contextlib.suppress(sqlite3.Error):
            for rowid, *row in db.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid {order}"):
                found[rowid] = tuple(row)
    return list(found.values())


def rebuilt(rows: dict[str, list[tuple[Any, ...]]], now: str) -> list[tuple[Any, ...]]:
    """Conversations whose own row was lost but whose answers were read, rebuilt from those answers: their
    questions and answer texts (the sources panels were in the lost row), created and updated `now`."""
    read = {row[0] for row in rows["conversations"]}
    turns: dict[str, list[tuple[Any, ...]]] = {}
    for row in sorted(r for r in rows["answers"] if len(r) == 7):  # by conversation, then turn
        if row[0] not in read:
            turns.setdefault(row[0], []).append(row)
    out = []
    for cid, answers in turns.items():
        pairs = [(str(question), str(text)) for _, _, question, _, text, _, _ in answers]
        chat = [m for q, a in pairs for m in ({"role": "user", "content": render.question_html(q)},
                                              {"role": "assistant", "content": render.paragraphs(render.esc(a))})]
        state = {"chat": chat, "history": [list(pair) for pair in pairs], "earlier": []}
        out.append((cid, pairs[0][0][:80], now, now, json.dumps(state)))
    return out


def seed(db: sqlite3.Connection, rows: dict[str, list[tuple[Any, ...]]]) -> int:
    """Salvaged rows into a fresh store; the number of conversations it then holds."""
    for table, found in rows.items():
        for row in found:
            with contextlib.suppress(sqlite3.Error):  # a row of another shape (an older file) is left out
                db.execute(f"INSERT OR IGNORE INTO {table} VALUES ({','.join('?' * len(row))})", row)
    return int(db.execute("SELECT count(*) FROM conversations").fetchone()[0])
