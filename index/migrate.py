"""Converts an index from before the catalogue (`manifest.json` plus bm25s folders) in place.

The vectors stay where they are (same collection, same chunk ids), so nothing is embedded again: the
articles, chunks and signatures are copied into the catalogue in one transaction, then the old files go.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from index.dedup import band_keys
from index.sweep import remove_keyword_dirs
from rag.store import catalogue as cat

MANIFEST = "manifest.json"


def migrate_manifest(home: Path, catalogue: cat.Catalogue) -> bool:
    """Convert `home/manifest.json` into the (empty) catalogue; False when there is nothing to convert.

    A manifest that cannot be read raises `DamagedIndexError` (a rebuild moves it aside instead).
    """
    path = home / MANIFEST
    if not path.exists() or catalogue.meta() is not None:
        return False
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
        change = _change(raw)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise cat.damaged(path, f"an index from an older newsrag that cannot be converted: {exc}") from exc
    catalogue.commit(change)
    os.replace(path, home / f"{MANIFEST}.converted")  # kept, so nothing is lost if a user wants it back
    remove_keyword_dirs(home)
    return True


def _change(raw: dict[str, Any]) -> cat.Change:
    if raw.get("version") != 1:
        raise ValueError(f"unknown manifest version {raw.get('version')!r}")
    owner = {aid: path for path, rec in raw["files"].items() for aid in rec["articles"]}
    change = cat.Change(str(raw["collection"]), str(raw["embed_model"]), str(raw["chunking"]), reset=True)
    change.files = [
        cat.FileRecord(path, rec["sha256"], duplicates=rec.get("duplicates", []),
                       boilerplate_lines=int(rec.get("boilerplate_lines", 0)), errors=rec.get("errors", []),
                       warnings=rec.get("warnings", []))
        for path, rec in raw["files"].items()
    ]
    change.articles = [
        cat.ArticleRecord(aid, owner[aid], rec["title"], rec["text"], rec["source"], rec["published"], rec["url"],
                          [int(v) for v in rec["signature"]], [(c[0], int(c[1]), int(c[2])) for c in rec["chunks"]],
                          band_keys(rec["signature"]))
        for aid, rec in raw["articles"].items()
    ]
    change.pending_deletes = [str(c) for c in raw.get("pending_deletes", [])]
    return change
