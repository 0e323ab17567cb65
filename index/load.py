"""Read article files into raw documents, one loader per format; bad files become `FileError`s."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.dates import parse_date

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}

# Field names seen in common news dumps (MultiHop-RAG, CC-News, newsplease, Kaggle sets).
_TITLE_KEYS = ("title", "headline", "name")
_BODY_KEYS = ("body", "text", "content", "article", "maintext", "story", "description")
_DATE_KEYS = ("published", "published_at", "date", "publish_date", "date_publish", "pubDate", "datetime")
_URL_KEYS = ("url", "link", "href", "source_url")
_PUBLISHER_KEYS = ("outlet", "publisher", "site_name", "source_name")


@dataclass(frozen=True, slots=True)
class RawDoc:
    """Text of one file (or one JSON record) before cleaning, with any metadata the format carried."""

    source: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class FileError:
    path: str
    error: str


@dataclass(slots=True)
class Loaded:
    docs: list[RawDoc] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


class LoadError(Exception):
    """A file that cannot be indexed; the message is the one-line reason shown to the user."""


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileError]]:
    """Expand folders recursively into supported files, sorted; missing paths are errors."""
    files: list[Path] = []
    errors: list[FileError] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*"))
                if p.suffix.lower() in SUFFIXES and p.is_file() and not _hidden(p, path)
            )
        elif path.is_file():
            files.append(path)
        else:
            errors.append(FileError(str(path), "no such file or folder"))
    return sorted(dict.fromkeys(p.resolve() for p in files)), errors


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a file, refusing unreadable, empty, oversized and binary ones."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except PermissionError as exc:
        raise LoadError("permission denied") from exc
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise LoadError("file is empty")
    if b"\x00" in data[:8192]:
        raise LoadError("file is binary, not text")
    return data


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8") from exc


def load_file(path: Path, data: bytes) -> Loaded:
    """Parse one file's bytes by its suffix."""
    text = decode(data)
    suffix = path.suffix.lower()
    if suffix in {".json", ".jsonl"}:
        return _load_json(path, text, lines=suffix == ".jsonl")
    if suffix in {".html", ".htm"}:
        return Loaded([_load_html(path, text)])
    if suffix in {".md", ".markdown"}:
        return Loaded([RawDoc(str(path), _markdown_to_text(text))])
    return Loaded([RawDoc(str(path), text)])


def _load_html(path: Path, text: str) -> RawDoc:
    import trafilatura  # heavy import: only when an HTML file is indexed

    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, favor_recall=True)
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise LoadError("no article text found in the HTML")
    return RawDoc(
        str(path),
        body,
        title=getattr(doc, "title", None) or None,
        published=parse_date(getattr(doc, "date", None)),
        url=getattr(doc, "url", None) or None,
    )


_MD_RULES = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])"), r"\1"),
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.M), ""),  # list bullets
    (re.compile(r"^\s*([-*_]\s*){3,}$", re.M), ""),  # rules
    (re.compile(r"`([^`]*)`"), r"\1"),
]


def _markdown_to_text(text: str) -> str:
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text


def _load_json(path: Path, text: str, *, lines: bool) -> Loaded:
    loaded = Loaded()
    for where, record in _json_records(path, text, lines, loaded.errors):
        try:
            loaded.docs.append(_record_to_doc(path, record))
        except LoadError as exc:
            loaded.errors.append(FileError(f"{path}{where}", str(exc)))
    if not loaded.docs and not loaded.errors:
        loaded.errors.append(FileError(str(path), "no articles in the JSON"))
    return loaded


def _json_records(
    path: Path, text: str, lines: bool, errors: list[FileError]
) -> Iterator[tuple[str, Any]]:
    """Yield (location, record); a JSON file may hold one object or a list of them."""
    if lines:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield f":{number}", json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(FileError(f"{path}:{number}", f"malformed JSON: {exc.msg}"))
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(f"malformed JSON at line {exc.lineno}: {exc.msg}") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records):
        yield (f"[{index}]" if isinstance(data, list) else ""), record


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def _record_to_doc(path: Path, record: Any) -> RawDoc:
    if not isinstance(record, dict):
        raise LoadError("JSON record is not an object")
    body = _first(record, _BODY_KEYS)
    if isinstance(body, list):
        body = "\n\n".join(str(part) for part in body)
    if not isinstance(body, str) or not body.strip():
        raise LoadError(f"JSON record has no article text (expected one of: {', '.join(_BODY_KEYS)})")
    title = str(_first(record, _TITLE_KEYS) or "").strip()
    publisher = _first(record, _PUBLISHER_KEYS)
    if title and publisher:
        # "Which outlet said ..." is a common question; the publisher rides in the title so it is retrievable.
        title = f"{title} — {publisher}"
    url = _first(record, _URL_KEYS)
    return RawDoc(
        str(path),
        body,
        title=title or None,
        published=parse_date(_first(record, _DATE_KEYS)),
        url=str(url) if url else None,
    )
