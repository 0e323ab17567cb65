"""Clean-up after a commit: vectors no committed chunk lists, keyword folders the manifest does not name.

A run killed after writing vectors but before its commit leaves them behind, and so does a rebuild killed
before it drops the old collection. Each run notes such collections first, so the next commit knows where
to look without listing the whole store on every run (a run with nothing to embed never opens the store).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol, runtime_checkable

from rag import manifest as mf
from rag.pipeline import Parts


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


def remove_orphans(parts: Parts, manifest: mf.Manifest, *, check: bool) -> int:
    """Delete vectors no committed chunk lists; return how many went.

    Looks in the collections noted by `note_collection` (others than the committed one are dropped), and in the
    committed collection when `check` is set (the store is open anyway).
    """
    path = parts.settings.home / _WRITTEN
    names = set(path.read_text("utf-8").split()) if path.exists() else set()
    if check:
        names.add(manifest.collection)
    removed = 0
    for name in sorted(names):
        store = parts.open_store(name)
        if name == manifest.collection:
            if not isinstance(store, Listing):
                continue
            orphans = sorted(set(store.ids()) - set(manifest.chunk_ids()))
            store.delete(orphans)
            removed += len(orphans)
        else:
            removed += store.count()
            store.drop()
    path.unlink(missing_ok=True)
    return removed


def remove_stale_keyword_dirs(home: Path, keep: str) -> None:
    """Every keyword folder but `keep`: replaced ones, and ones a killed run or rebuild left half-written."""
    for folder in [*home.glob("bm25-*"), *home.glob(".bm25-*")]:
        if folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)
