"""Uploads: staging files in the collection's uploads folder and indexing them, with progress."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from gradio import utils as gradio_utils

from index.pipeline import index_paths
from rag.pipeline import Pipeline
from ui import render

log = logging.getLogger("newsrag.ui")

ACCEPTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MAX_UPLOAD_BYTES = 5_000_000

_index_lock = threading.Lock()  # one upload indexes at a time (index_paths also holds a file lock)


def _safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dot (hidden files are not indexed), no odd characters."""
    clean = Path(re.sub(r"[^\w.\- ]", "_", Path(name).name).lstrip(". ") or "upload")
    return clean.stem[:100] + clean.suffix[:10]


def _target(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Where to store an upload, and whether an identical file is already there."""
    path = Path(folder) / name
    digest = hashlib.sha256(data).digest()
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate, False
        if hashlib.sha256(candidate.read_bytes()).digest() == digest:
            return candidate, True
    raise OSError(f"too many uploads named {name}")


def upload_folder() -> Path:
    """Where Gradio stores what a browser uploads (its cache: GRADIO_TEMP_DIR, else the system temp folder)."""
    return Path(gradio_utils.get_upload_folder()).resolve()


def uploaded_file(raw: str, root: Path, received: frozenset[str]) -> Path | None:
    """`raw` as a file a browser uploaded: one Gradio's upload route `received` (absolute paths), a regular
    file that, with every symlink followed and `..` taken out, lies inside Gradio's upload folder `root`.
    Anything else is None: it names a file the client could not read otherwise, so it must never reach the
    indexer. Gradio 6 checks this itself on a request; this is the second line, for the paths where its
    check is skipped."""
    if not raw or "://" in raw or os.path.abspath(raw) not in received:
        return None
    real = Path(os.path.realpath(raw))
    if real == root or not real.is_relative_to(root):
        return None
    try:
        return real if stat.S_ISREG(real.stat().st_mode) else None
    except OSError:
        return None


def _write_private(path: Path, data: bytes) -> None:
    """A new file only its owner can read: uploads may hold what the user would not publish."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def stage_uploads(
    paths: Sequence[str], folder: Path, received: Collection[str], max_bytes: int = MAX_UPLOAD_BYTES,
    root: Path | None = None,
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Copy acceptable uploads into `folder`; return the new files and the (name, reason) of the others.
    Only what Gradio's upload route `received`, inside its upload folder `root`, is read."""
    root = root or upload_folder()
    # One snapshot: the upload route adds to Gradio's set from another thread while this runs.
    known = frozenset(os.path.abspath(p) for p in list(received))
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    staged: list[Path] = []
    rejected: list[tuple[str, str]] = []
    for raw in paths:
        shown = Path(str(raw)).name[:100] or "(no name)"
        source = uploaded_file(str(raw), root, known)
        if source is None:  # the same words whether or not the path exists: nothing about the server leaks
            rejected.append((shown, "not a file uploaded through this window"))
            continue
        size = source.stat().st_size
        if source.suffix.lower() not in ACCEPTED_SUFFIXES:
            rejected.append((shown, f"unsupported file type (accepted: {' '.join(ACCEPTED_SUFFIXES)})"))
        elif size > max_bytes:
            rejected.append((shown, f"{size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit"))
        else:
            data = source.read_bytes()
            target, same = _target(folder, _safe_name(source.name), data)
            if same:
                rejected.append((shown, "identical to a file already added"))
            else:
                _write_private(target, data)
                staged.append(target)
    return staged, rejected


def add_articles(pipeline: Pipeline, files: list[str] | None, progress: Callable[..., Any],
                 received: Collection[str]) -> tuple[Any, str]:
    """Index uploaded files into the pipeline's collection: outputs are (file input, summary). `received`:
    the paths Gradio's upload route stored (`Blocks.upload_file_set`); no other path is read."""
    if not files:
        return gr.skip(), render.upload_html(render.UploadSummary(0, 0, 0, [("(none)", "choose files first")]))
    with _index_lock:
        try:
            parts = pipeline.parts
            progress(0, desc="Reading files")
            staged, rejected = stage_uploads(files, parts.settings.folder / "uploads", received)
            articles = duplicates = 0
            seconds = 0.0
            if staged:
                progress(0.1, desc="Indexing")
                report = index_paths(staged, parts, progress=True)
                articles, duplicates, seconds = report.articles, report.duplicates, report.seconds
                rejected += [(Path(e.path).name, e.error) for e in report.errors]
                _remove_unindexable(staged, {e.path for e in report.errors})
            summary = render.upload_html(render.UploadSummary(len(files), articles, duplicates, rejected, seconds))
        except Exception as exc:
            log.exception("indexing uploads failed")
            summary = render.error_html(f"Indexing failed ({type(exc).__name__}: {str(exc)[:300]}).")
    return None, summary


def _remove_unindexable(staged: list[Path], failed: set[str]) -> None:
    """Files the loader turned away stay out of the uploads folder."""
    for path in staged:
        if str(path) in failed or str(path.resolve()) in failed:
            path.unlink(missing_ok=True)
