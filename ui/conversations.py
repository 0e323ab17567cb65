"""Conversations and feedback of one collection, kept in `conversations.sqlite` in its folder.

A conversation is stored as the window shows it (the chat's messages, the history the chain reads, each
answer's sources panel), so a restart brings it back with every `[n]` still opening its own passage. Each
answer is also stored as data (question, earlier turns, answer text, the passages it cited), which is what
feedback is about and what `newsrag feedback export` turns into evaluation cases.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.types import Answer

FILE = "conversations.sqlite"

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


class Conversations:
    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            self._local.db = db
        return db

    def new(self, title: str = "New chat") -> str:
        cid = uuid.uuid4().hex[:12]
        now = _now()
        self._db().execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                           [cid, title, now, now, json.dumps({"chat": [], "history": [], "earlier": []})])
        return cid

    def listing(self) -> list[tuple[str, str]]:
        """(title, id) of every conversation, the most recently updated first."""
        return [(title, cid) for cid, title in self._db().execute(
            "SELECT id, title FROM conversations ORDER BY updated DESC, created DESC")]

    def save(self, cid: str, chat: Sequence[dict[str, Any]], history: Sequence[tuple[str, str]],
             earlier: Sequence[tuple[int, str]]) -> None:
        """Store the conversation as shown; a "New chat" takes its first question as title."""
        state = json.dumps({"chat": list(chat), "history": [list(t) for t in history],
                            "earlier": [list(e) for e in earlier]})
        db = self._db()
        db.execute("UPDATE conversations SET state=?, updated=? WHERE id=?", [state, _now(), cid])
        if history:
            db.execute("UPDATE conversations SET title=? WHERE id=? AND title='New chat'", [history[0][0][:80], cid])

    def load(self, cid: str) -> Saved | None:
        row = self._db().execute("SELECT state FROM conversations WHERE id=?", [cid]).fetchone()
        if row is None:
            return None
        state = json.loads(row[0])
        return Saved(state["chat"], [(q, a) for q, a in state["history"]], [(t, p) for t, p in state["earlier"]])

    def rename(self, cid: str, title: str) -> None:
        self._db().execute("UPDATE conversations SET title=? WHERE id=?", [title.strip()[:80] or "Untitled", cid])

    def delete(self, cid: str) -> None:
        db = self._db()
        for table, column in (("feedback", "conversation"), ("answers", "conversation"), ("conversations", "id")):
            db.execute(f"DELETE FROM {table} WHERE {column}=?", [cid])

    def record(self, cid: str, turn: int, history: Sequence[tuple[str, str]], answer: Answer) -> None:
        """One answer as data: what feedback on it refers to."""
        cited = [{"title": c.passage.title, "source": c.passage.source, "text": c.passage.text}
                 for c in answer.citations]
        self._db().execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)", [
            cid, turn, answer.question, json.dumps([list(t) for t in history]), answer.text, int(answer.refused),
            json.dumps(cited)])

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
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
