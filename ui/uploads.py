"""Uploads: staging files in the collection's uploads folder and indexing them, with progress."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

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


def stage_uploads(
    paths: Sequence[str], folder: Path, max_bytes: int = MAX_UPLOAD_BYTES
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Copy acceptable uploads into `folder`; return the new files and the (name, reason) of the others."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[Path] = []
    rejected: list[tuple[str, str]] = []
    for raw in paths:
        source = Path(raw)
        name = _safe_name(source.name)
        size = source.stat().st_size
        if source.suffix.lower() not in ACCEPTED_SUFFIXES:
            rejected.append((source.name, f"unsupported file type (accepted: {' '.join(ACCEPTED_SUFFIXES)})"))
        elif size > max_bytes:
            rejected.append((source.name, f"{size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit"))
        else:
            data = source.read_bytes()
            target, same = _target(folder, name, data)
            if same:
                rejected.append((source.name, "identical to a file already added"))
            else:
                target.write_bytes(data)
                staged.append(target)
    return staged, rejected


def add_articles(pipeline: Pipeline, files: list[str] | None, progress: Callable[..., Any]) -> tuple[Any, str]:
    """Index uploaded files into the pipeline's collection: outputs are (file input, summary)."""
    if not files:
        return gr.skip(), render.upload_html(render.UploadSummary(0, 0, 0, [("(none)", "choose files first")]))
    with _index_lock:
        try:
            parts = pipeline.parts
            progress(0, desc="Reading files")
            staged, rejected = stage_uploads(files, parts.settings.folder / "uploads")
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
