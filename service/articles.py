"""Articles over HTTP: upload (staged in the collection's uploads folder, then indexed incrementally),
list, read and delete. Synchronous: the endpoints run these in a worker thread."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.load import SUFFIXES
from index.pipeline import index_paths
from index.remove import NotIndexedError, delete_articles
from rag.pipeline import Pipeline
from rag.store.corpus import EmptyIndexError
from service.runtime import ApiError

_index_lock = threading.Lock()  # one upload indexes at a time in this process (index_paths locks across processes)


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dot (hidden files are not indexed), no odd characters."""
    clean = Path(re.sub(r"[^\w.\- ]", "_", Path(name.replace("\\", "/")).name).lstrip(". ") or "upload")
    return clean.stem[:100] + clean.suffix[:10]


def _store(folder: Path, upload: Upload) -> Path | None:
    """Write the upload as a new private file; None when an identical file is already there."""
    name = safe_name(upload.name)
    path = folder / name
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if hashlib.sha256(candidate.read_bytes()).digest() == hashlib.sha256(upload.data).digest():
                return None
            continue
        with os.fdopen(descriptor, "wb") as out:
            out.write(upload.data)
        return candidate
    raise ApiError(409, f"too many uploads named {name}", code="name_taken")


def add(pipeline: Pipeline, uploads: list[Upload]) -> dict[str, Any]:
    """Stage and index `uploads`: the index report (as `newsrag index --json` prints it) and what was left out."""
    if not uploads:
        raise ApiError(400, "no files: send them as multipart form fields named `files`", code="no_files")
    folder = pipeline.settings.folder / "uploads"
    rejected: list[dict[str, str]] = []
    staged: list[Path] = []
    with _index_lock:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        for upload in uploads:
            if Path(upload.name).suffix.lower() not in SUFFIXES:
                accepted = " ".join(sorted(SUFFIXES))
                rejected.append({"file": upload.name, "reason": f"unsupported type (accepted: {accepted})"})
            elif (path := _store(folder, upload)) is None:
                rejected.append({"file": upload.name, "reason": "identical to a file already added"})
            else:
                staged.append(path)
        report = index_paths(staged, pipeline.parts) if staged else None
    for failed in report.errors if report else []:
        Path(failed.path).unlink(missing_ok=True)  # files the loader turned away do not stay in uploads
    return {"collection": pipeline.collection, "report": report.to_json() if report else None,
            "rejected": rejected}


def listing(pipeline: Pipeline, search: str, limit: int) -> list[dict[str, Any]]:
    try:
        return [dataclasses.asdict(a) for a in pipeline.corpus().catalogue.listing(search, limit)]
    except EmptyIndexError:
        return []


def one(pipeline: Pipeline, article_id: str) -> dict[str, Any]:
    try:
        view = pipeline.corpus().catalogue.article(article_id)
    except EmptyIndexError:
        view = None
    if view is None:
        raise ApiError(404, f"no article {article_id!r} in collection {pipeline.collection!r}", code="not_found")
    return dataclasses.asdict(view)


def delete(pipeline: Pipeline, article_id: str) -> dict[str, Any]:
    try:
        removed = delete_articles(pipeline.parts, [article_id])
    except NotIndexedError as exc:
        raise ApiError(404, str(exc), code="not_found") from exc
    return {"collection": pipeline.collection, "deleted": article_id, "chunks_removed": removed}
