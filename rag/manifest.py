"""The manifest: what is indexed, from which file, with which settings. It is the commit point.

Vector-store writes happen first and the manifest is replaced atomically last, so a crash or Ctrl-C
leaves the previous manifest, and retrieval only ever shows articles the manifest lists.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1


@dataclass(slots=True)
class FileRecord:
    sha256: str
    articles: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    boilerplate_lines: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class ArticleRecord:
    title: str
    text: str
    source: str
    published: str  # ISO date or ""
    url: str
    signature: list[int]
    chunks: list[tuple[str, int, int]]  # (chunk_id, start, end) into `text`


@dataclass(slots=True)
class Manifest:
    collection: str
    embed_model: str
    chunking: str
    keyword_dir: str = ""
    files: dict[str, FileRecord] = field(default_factory=dict)
    articles: dict[str, ArticleRecord] = field(default_factory=dict)
    # Chunks a committed run removed but could not yet delete from the vector store (crash-safe cleanup).
    pending_deletes: list[str] = field(default_factory=list)

    def chunk_ids(self) -> list[str]:
        return [cid for rec in self.articles.values() for cid, _, _ in rec.chunks]


def path_for(home: Path) -> Path:
    return home / "manifest.json"


def load(home: Path) -> Manifest | None:
    path = path_for(home)
    if not path.exists():
        return None
    raw = json.loads(path.read_text("utf-8"))
    if raw.get("version") != VERSION:
        return None
    return Manifest(
        collection=raw["collection"],
        embed_model=raw["embed_model"],
        chunking=raw["chunking"],
        keyword_dir=raw.get("keyword_dir", ""),
        files={p: FileRecord(**r) for p, r in raw["files"].items()},
        articles={
            a: ArticleRecord(**{**r, "chunks": [tuple(c) for c in r["chunks"]]})
            for a, r in raw["articles"].items()
        },
        pending_deletes=raw.get("pending_deletes", []),
    )


def save(home: Path, manifest: Manifest) -> None:
    """Write to a temporary file, fsync, then rename over the old one (atomic on POSIX)."""
    home.mkdir(parents=True, exist_ok=True)
    payload = {"version": VERSION, **asdict(manifest)}
    fd, tmp = tempfile.mkstemp(dir=home, prefix=".manifest-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path_for(home))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
