"""The manifest: what is indexed, from which file, with which settings. It is the commit point.

Vector-store writes happen first and the manifest is replaced atomically last, so a crash or Ctrl-C
leaves the previous manifest, and retrieval only ever shows articles the manifest lists.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.ports import StoredChunk

VERSION = 1
REBUILD_HINT = "newsrag index --rebuild PATH"


class DamagedIndexError(RuntimeError):
    """The manifest cannot be read (cut short, not UTF-8, not a manifest); the message names the way out."""


@dataclass(slots=True)
class FileRecord:
    sha256: str
    articles: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    boilerplate_lines: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)  # indexed, but not as written (path, warning)


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
    """The committed manifest; None when nothing was committed yet (or by another manifest version).

    Raises `DamagedIndexError` when the file exists but cannot be read as a manifest.
    """
    path = path_for(home)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _damaged(path, f"not UTF-8 text at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise _damaged(path, "the file is empty" if not data.strip() else f"cut short or not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise _damaged(path, "not a newsrag manifest")
    if raw.get("version") != VERSION:
        return None
    try:
        return _from_json(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _damaged(path, f"not a newsrag manifest ({type(exc).__name__}: {exc})") from exc


def _damaged(path: Path, reason: str) -> DamagedIndexError:
    return DamagedIndexError(
        f"the index manifest {path} is damaged ({reason}); run `{REBUILD_HINT}` to index the articles again"
    )


def _from_json(raw: dict[str, Any]) -> Manifest:
    return Manifest(
        collection=_text(raw["collection"]),
        embed_model=_text(raw["embed_model"]),
        chunking=_text(raw["chunking"]),
        keyword_dir=_text(raw.get("keyword_dir", "")),
        files={p: FileRecord(**r) for p, r in raw["files"].items()},
        articles={
            a: ArticleRecord(**{**r, "chunks": [_chunk(c) for c in r["chunks"]]})
            for a, r in raw["articles"].items()
        },
        pending_deletes=[_text(c) for c in raw.get("pending_deletes", [])],
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _chunk(value: object) -> tuple[str, int, int]:
    """A chunk entry is (id, start, end); anything else would turn into wrong passages much later."""
    match value:
        case [str(cid), int(start), int(end)] if 0 <= start <= end:
            return cid, start, end
    raise ValueError(f"bad chunk entry {str(value)[:80]}")


def salvage_collection(home: Path) -> str | None:
    """The vector collection a damaged (or other-version) manifest names, so a rebuild can drop it.

    `save` writes the collection name near the start, so even a cut-short file usually still holds it.
    """
    try:
        text = path_for(home).read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r'"collection"\s*:\s*"([A-Za-z0-9._-]{3,512})"', text)
    return found.group(1) if found else None


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


def stored_chunks(article_id: str, record: ArticleRecord) -> list[StoredChunk]:
    return [
        StoredChunk(cid, article_id, record.text[start:end], record.title, record.source,
                    record.published, start, end)
        for cid, start, end in record.chunks
    ]


def embedding_text(chunk: StoredChunk) -> str:
    """The title goes in front so a chunk that never names its subject still matches questions about it."""
    return f"{chunk.title}\n{chunk.text}"


def search_documents(manifest: Manifest) -> tuple[list[str], list[str]]:
    """Every committed chunk id with the text it is searched by, in manifest order (the keyword index's input)."""
    chunks = [c for aid, rec in manifest.articles.items() for c in stored_chunks(aid, rec)]
    return [c.chunk_id for c in chunks], [embedding_text(c) for c in chunks]
