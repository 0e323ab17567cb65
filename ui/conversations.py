"""Conversations and feedback of one collection, kept in `conversations.sqlite` in its folder.

A conversation is stored as the window shows it (the chat's messages, the history the chain reads, each
answer's sources panel), so a restart brings it back with every `[n]` still opening its own passage. Each
answer is also stored as data (question, earlier turns, answer text, the passages it cited), which is what
feedback is about and what `newsrag feedback export` turns into evaluation cases.

A damaged file never stops the chat: it is moved aside (`conversations.sqlite.damaged-<UTC time>`) and a fresh
one started with every row that could still be read (`ui.conversation_repair`); a file that cannot be written is
read into memory instead, and this session's conversations are not saved. `Conversations.problem` says which,
for the window.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from rag.types import Answer
from ui import conversation_repair as repair

FILE = "conversations.sqlite"

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations(id TEXT PRIMARY KEY, title TEXT NOT NULL, created TEXT NOT NULL,
                                         updated TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers(conversation TEXT NOT NULL, turn INTEGER NOT NULL, question TEXT NOT NULL,
                                   history TEXT NOT NULL, answer TEXT NOT NULL, refused INTEGER NOT NULL,
                                   cited TEXT NOT NULL, PRIMARY KEY(conversation, turn));
CREATE TABLE IF NOT EXISTS feedback(conversation TEXT NOT NULL, turn INTEGER NOT NULL, rating INTEGER NOT NULL,
                                    correction TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY(conversation, turn));
"""


@dataclass(frozen=True, slots=True)
class Saved:
    """A conversation as the window restores it."""

    chat: list[dict[str, Any]]
    history: list[tuple[str, str]]
    earlier: list[tuple[int, str]]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")  # orders chats made in one second


def _guarded(method: Callable[Concatenate[Conversations, P], R]) -> Callable[Concatenate[Conversations, P], R]:
    """A store method that never raises the file's problems into the window: it recovers (`_recover`) and runs
    again, on a fresh file or at last in memory, so the chat goes on."""

    @functools.wraps(method)
    def run(self: Conversations, /, *args: P.args, **kwargs: P.kwargs) -> R:
        for _ in range(2):
            generation = self._generation
            try:
                return method(self, *args, **kwargs)
            except (sqlite3.DatabaseError, OSError) as exc:
                if generation != self._generation:
                    continue  # another thread recovered meanwhile (and closed this one's connection)
                if self._memory is not None or not (repair.is_damage(exc) or repair.is_unusable(exc)):
                    raise  # a bug here, or a passing problem: not one the file's recovery would mend
                self._recover(exc, generation)
        return method(self, *args, **kwargs)

    return run


class Conversations:
    def __init__(self, folder: Path, *, make_folder: bool = True) -> None:
        self.path = folder / FILE
        self._make_folder = make_folder  # False: a missing folder is a deleted collection, not to re-create
        self.problem: str | None = None  # why saved conversations are unavailable, one line for the window
        self._local = threading.local()
        self._lock = threading.RLock()
        # Bumped by `_recover`: every thread then reconnects, and conversations shown may be missing from the
        # store (a damaged file read back only in part).
        self._generation = 0
        self._connections: list[sqlite3.Connection] = []
        self._checked = False
        self._memory: sqlite3.Connection | None = None  # this session's store once the file cannot be used

    def _db(self) -> sqlite3.Connection:
        if self._memory is not None:
            return self._memory
        opened: tuple[int, sqlite3.Connection] | None = getattr(self._local, "db", None)
        if opened is not None and opened[0] == self._generation:
            return opened[1]
        with self._lock:
            if self._make_folder:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.parent.is_dir():
                raise FileNotFoundError(2, "its collection was deleted", str(self.path.parent))
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._connections.append(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            if not self._checked:
                self._check(db)
            self._local.db = (self._generation, db)
        return db

    def _check(self, db: sqlite3.Connection) -> None:
        """Damage or a read-only file shows when the window opens, not halfway through an answer."""
        found = db.execute("PRAGMA quick_check(1)").fetchone()
        if found != ("ok",):
            raise repair.Damaged(found[0] if found else "quick_check failed")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(f"PRAGMA user_version={int(version)}")  # a write, rolled back
        finally:
            db.execute("ROLLBACK")
        self._checked = True

    def _recover(self, exc: BaseException, generation: int) -> None:
        """Move a damaged file aside and start a fresh one with what could be read; keep conversations in
        memory when that fails or the file cannot be written. `problem` says which."""
        with self._lock:
            if generation != self._generation:
                return  # another thread has recovered meanwhile
            self._generation += 1
            for db in self._connections:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            self._connections.clear()
            self._checked = False
            rows = repair.salvage(self.path)
            rebuilt = repair.rebuilt(rows, _now())
            rows["conversations"] += rebuilt
            note = f" ({len(rebuilt)} rebuilt from their answers, without sources)" if rebuilt else ""
            reason = repair.reason(exc)
            what = f"cannot be written ({reason})"
            if repair.is_damage(exc):
                try:
                    aside = self._move_aside()
                    kept = repair.seed(self._db(), rows)
                    self.problem = (f"The saved conversations in {self.path} were damaged ({reason}): the file was "
                                    f"moved aside to {aside.name} and a fresh one started with the {kept} "
                                    f"conversation(s) that could still be read{note}.")
                    log.warning("%s", self.problem)
                    return
                except (sqlite3.Error, OSError) as err:
                    what = f"is damaged ({reason}) and could not be replaced ({repair.reason(err)})"
            self._memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self._memory.executescript(_SCHEMA)
            kept = repair.seed(self._memory, rows)
            self.problem = (f"Saved conversations are unavailable: {self.path} {what}; {kept} earlier "
                            f"conversation(s) are shown{note}, and this session's conversations are not saved.")
            log.warning("%s", self.problem)

    def _move_aside(self) -> Path:
        """`conversations.sqlite.damaged-<UTC time>`, with its -wal and -shm beside it (SQLite opens them
        together, so the copy can still be examined)."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{FILE}.damaged-{stamp}")
        n = 1
        while aside.exists():  # a second damage within the second keeps the first copy
            aside, n = self.path.with_name(f"{FILE}.damaged-{stamp}-{n}"), n + 1
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.replace(self.path.with_name(FILE + suffix), aside.with_name(aside.name + suffix))
        return aside

    @_guarded
    def new(self, title: str = "New chat") -> str:
        cid = uuid.uuid4().hex[:12]
        now = _now()
        self._db().execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                           [cid, title, now, now, json.dumps({"chat": [], "history": [], "earlier": []})])
        return cid

    @_guarded
    def listing(self) -> list[tuple[str, str]]:
        """(title, id) of every conversation, the most recently updated first."""
        return [(title, cid) for cid, title in self._db().execute(
            "SELECT id, title FROM conversations ORDER BY updated DESC, created DESC")]

    @_guarded
    def save(self, cid: str, chat: Sequence[dict[str, Any]], history: Sequence[tuple[str, str]],
             earlier: Sequence[tuple[int, str]]) -> None:
        """Store the conversation as shown; a "New chat" takes its first question as title."""
        state = json.dumps({"chat": list(chat), "history": [list(t) for t in history],
                            "earlier": [list(e) for e in earlier]})
        db = self._db()
        now = _now()
        db.execute("UPDATE conversations SET state=?, updated=? WHERE id=?", [state, now, cid])
        if self._generation and not db.execute("SELECT 1 FROM conversations WHERE id=?", [cid]).fetchone():
            # Lost with a damaged file (read back only in part): saved whole again. Otherwise a conversation
            # that is gone was deleted, and stays deleted.
            db.execute("INSERT INTO conversations VALUES (?, 'New chat', ?, ?, ?)", [cid, now, now, state])
        if history:
            db.execute("UPDATE conversations SET title=? WHERE id=? AND title='New chat'", [history[0][0][:80], cid])

    @_guarded
    def load(self, cid: str) -> Saved | None:
        row = self._db().execute("SELECT state FROM conversations WHERE id=?", [cid]).fetchone()
        if row is None:
            return None
        state = json.loads(row[0])
        return Saved(state["chat"], [(q, a) for q, a in state["history"]], [(t, p) for t, p in state["earlier"]])

    @_guarded
    def rename(self, cid: str, title: str) -> None:
        self._db().execute("UPDATE conversations SET title=? WHERE id=?", [title.strip()[:80] or "Untitled", cid])

    @_guarded
    def delete(self, cid: str) -> None:
        db = self._db()
        for table, column in (("feedback", "conversation"), ("answers", "conversation"), ("conversations", "id")):
            db.execute(f"DELETE FROM {table} WHERE {column}=?", [cid])

    @_guarded
    def record(self, cid: str, turn: int, history: Sequence[tuple[str, str]], answer: Answer) -> None:
        """One answer as data: what feedback on it refers to."""
        cited = [{"title": c.passage.title, "source": c.passage.source, "text": c.passage.text}
                 for c in answer.citations]
        self._db().execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)", [
            cid, turn, answer.question, json.dumps([list(t) for t in history]), answer.text, int(answer.refused),
            json.dumps(cited)])

    @_guarded
    def rate(self, cid: str, turn: int, rating: int | None, correction: str | None = None) -> bool:
        """Thumbs up (1), down (-1) or taken back (None) on answer `turn`; `correction` keeps the rating.
        False when there is no such answer."""
        db = self._db()
        if not db.execute("SELECT 1 FROM answers WHERE conversation=? AND turn=?", [cid, turn]).fetchone():
            return False
        if rating is None and correction is None:
            db.execute("DELETE FROM feedback WHERE conversation=? AND turn=?", [cid, turn])
            return True
        old = db.execute("SELECT rating, correction FROM feedback WHERE conversation=? AND turn=?",
                         [cid, turn]).fetchone()
        rating = rating if rating is not None else (old[0] if old else -1)  # a correction says it was wrong
        text = correction.strip() if correction is not None else (old[1] if old else "")
        db.execute("INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?)", [cid, turn, rating, text, _now()])
        return True

    @_guarded
    def feedback(self) -> list[dict[str, Any]]:
        """Every rated answer with what was asked, answered and cited, oldest first."""
        rows = self._db().execute(
            "SELECT f.conversation, f.turn, f.rating, f.correction, a.question, a.history, a.answer, a.refused,"
            " a.cited FROM feedback f JOIN answers a ON a.conversation = f.conversation AND a.turn = f.turn"
            " ORDER BY f.at, f.conversation, f.turn").fetchall()
        return [{"conversation": c, "turn": t, "rating": r, "correction": corr, "question": q,
                 "history": json.loads(h), "answer": ans, "refused": bool(ref), "cited": json.loads(cited)}
                for c, t, r, corr, q, h, ans, ref, cited in rows]

    def close(self) -> None:
        """Close this thread's connection to the file (an in-memory store stays: it is all there is)."""
        opened: tuple[int, sqlite3.Connection] | None = getattr(self._local, "db", None)
        if opened is not None:
            opened[1].close()
            self._local.db = None
            with self._lock, contextlib.suppress(ValueError):
                self._connections.remove(opened[1])
