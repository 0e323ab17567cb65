"""Clean-up after a commit: vectors no committed chunk lists, and keyword folders of old (manifest) indexes.

A run killed after writing vectors but before its commit leaves them behind, and so does a rebuild killed
before it drops the old collection. Each run notes such collections first, so the next commit knows where
to look without listing the whole store on every run (a run with nothing to embed never opens the store).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from rag.parts import Parts


@runtime_checkable
class Listing(Protocol):
    """A store that can list its ids (both of ours can). Optional, so a store that cannot is still a `Store`:
    its orphans are then only removed with the whole collection."""

    def ids(self) -> list[str]: ...


_WRITTEN = "written-collections.txt"  # collections written to since the last clean-up, one name a line


def note_collection(home: Path, collection: str) -> None:
    """Record that `collection` may hold vectors no committed chunk lists, before that can become true."""
    with open(home / _WRITTEN, "a", encoding="utf-8") as out:
        out.write(collection + "\n")


def noted(home: Path) -> set[str]:
    """Collections noted by runs that have not cleaned up after themselves (a kill, or this run)."""
    path = home / _WRITTEN
    return set(path.read_text("utf-8").split()) if path.exists() else set()


def remove_orphans(parts: Parts, committed: str, chunk_ids: Callable[[], list[str]], names: set[str]) -> int:
    """Delete vectors no committed chunk lists from the collections `names`; return how many went.

    Collections other than the committed one are dropped whole. Only a run killed between its vector writes
    and its commit leaves orphans in the committed collection, and it noted that collection first, so a run
    that finds nothing noted never lists the store (that would cost a pass over the whole archive).
    """
    removed = 0
    for name in sorted(names):  # empty for a run after a clean one: the store is not even opened
        store = parts.open_store(name)
        if name == committed:
            if not isinstance(store, Listing):
                continue
            orphans = sorted(set(store.ids()) - set(chunk_ids()))
            store.delete(orphans)
            removed += len(orphans)
        else:
            removed += store.count()
            store.drop()
    (parts.settings.folder / _WRITTEN).unlink(missing_ok=True)
    return removed


def remove_keyword_dirs(home: Path) -> None:
    """The bm25s folders of an index from before the catalogue (its keyword index now lives in FTS5)."""
    for folder in [*home.glob("bm25-*"), *home.glob(".bm25-*")]:
        shutil.rmtree(folder, ignore_errors=True)
