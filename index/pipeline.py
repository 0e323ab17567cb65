"""Index files incrementally: parse what changed, embed only new articles, commit via the catalogue."""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from index.dedup import Deduplicator
from index.load import FileError, LoadError, discover, read_bytes
from index.migrate import migrate_manifest
from index.parse import parse_file
from index.sentences import committed_texts, embed_sentences, sentence_texts
from index.sweep import note_collection, noted, remove_orphans
from rag.parts import Parts
from rag.ports import StoredChunk
from rag.store import catalogue as cat
from rag.store.catalogue import embedding_text
from rag.text import SENTENCE_RULES

_EMBED_SLICE = 256  # chunks per embed call: big enough for batching, small enough for a live progress bar


@dataclass(slots=True)
class IndexReport:
    files: int = 0
    articles: int = 0
    duplicates: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    orphans_removed: int = 0  # vectors no committed chunk listed (left by a run that was killed)
    boilerplate_lines: int = 0
    errors: list[FileError] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)  # indexed, but not as written (path, warning)
    duplicate_articles: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "articles": self.articles,
            "duplicates": self.duplicates,
            "chunks_added": self.chunks_added,
            "chunks_removed": self.chunks_removed,
            "orphans_removed": self.orphans_removed,
            "boilerplate_lines": self.boilerplate_lines,
            "errors": [{"path": e.path, "error": e.error} for e in self.errors],
            "warnings": self.warnings,
        }


def index_paths(
    paths: Iterable[Path], parts: Parts, *, rebuild: bool = False, progress: bool = False
) -> IndexReport:
    """Bring the index in line with the files under `paths`; files indexed from elsewhere are kept.

    Only what changed is read from the catalogue and written back. A rebuild never needs the old catalogue,
    so it also repairs a damaged one.
    """
    started = time.perf_counter()
    settings = parts.settings
    roots = [p.resolve() for p in paths]
    with writer_lock(settings.folder):
        catalogue, old, old_collection = _committed(settings.folder, settings.collection, rebuild)
        try:
            report = _run(parts, catalogue, old, old_collection, roots, rebuild, progress)
        finally:
            catalogue.close()
    report.seconds = time.perf_counter() - started
    return report


def _run(parts: Parts, catalogue: cat.Catalogue, old: cat.Meta | None, old_collection: str | None,
         roots: list[Path], rebuild: bool, progress: bool) -> IndexReport:
    """One run under the writer lock: what changed is parsed, committed, then cleaned up after."""
    settings = parts.settings
    chunking = f"{settings.chunk_chars}/{settings.chunk_overlap_sentences}/s{SENTENCE_RULES}"
    fresh = rebuild or old is None or old.embed_model != parts.embedder.name or old.chunking != chunking
    change = cat.Change(
        collection=old.collection if old and not fresh else f"{settings.collection}-{uuid.uuid4().hex[:8]}",
        embed_model=parts.embedder.name,
        chunking=chunking,
        reset=fresh,
    )
    report = IndexReport()
    files, report.errors = discover(roots)
    report.files = len(files) + len(report.errors)
    changed = _changes(catalogue if not fresh else None, files, roots, settings.max_file_bytes, change, report)
    replaced = {} if fresh else catalogue.articles_of(change.drop_files)
    dedup = Deduplicator(settings.near_dup_threshold, None if fresh else catalogue, hidden=replaced)
    deleted = catalogue.deleted_ids() if changed else set()
    for path, data, sha, stamp in changed:
        change.files.append(parse_file(path, data, sha, stamp, dedup, change, settings.chunk_chars,
                                       settings.chunk_overlap_sentences, deleted))
    leftovers = noted(settings.folder)  # collections a killed run may have left vectors in
    filling = not fresh and not catalogue.has_sentence_vectors()  # written before sentences were stored
    if fresh or change.drop_files or change.files or change.restamp or filling:
        _commit(parts, catalogue, change, replaced, old_collection, report, progress, filling)
    # This run's own notes are settled by its commit; only earlier ones can name orphans.
    report.orphans_removed = remove_orphans(parts, change.collection, catalogue.chunk_ids, leftovers)
    _summarise(catalogue, files, report)
    return report


def _committed(home: Path, prefix: str, rebuild: bool) -> tuple[cat.Catalogue, cat.Meta | None, str | None]:
    """The catalogue (an old manifest.json index converted first), its committed state and vector collection.

    A damaged catalogue is an error, except for a rebuild: that moves it aside and starts over, and still
    drops the old collection when the damaged file names it.
    """
    try:
        catalogue = cat.Catalogue.create(home)
        migrate_manifest(home, catalogue)
        old = catalogue.meta()
    except cat.DamagedIndexError:
        if not rebuild:
            raise
        collection = cat.salvage_collection(home, prefix)
        for name in (cat.FILE, f"{cat.FILE}-wal", f"{cat.FILE}-shm", "manifest.json"):
            if (home / name).exists():
                os.replace(home / name, home / f"{name}.damaged")
        catalogue = cat.Catalogue.create(home)
        return catalogue, None, collection
    return catalogue, old, old.collection if old else None


@contextmanager
def writer_lock(home: Path) -> Iterator[None]:
    """One writer at a time per index (a second `newsrag index` or a UI upload waits, and says so)."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"newsrag: another index run is writing to {home}; waiting for it to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)


def _changes(
    catalogue: cat.Catalogue | None,
    files: list[Path],
    roots: list[Path],
    max_bytes: int,
    change: cat.Change,
    report: IndexReport,
) -> list[tuple[Path, bytes, str, str]]:
    """The files to (re)parse, with their bytes, sha256 and stamp; files under `roots` that changed or are gone
    go to `change.drop_files`. Files outside `roots`, and unchanged files, keep their committed rows untouched.

    A file whose size and modification time are as recorded is not read at all (as git does): a no-change run
    over an archive costs a `stat` per file.
    """
    known = catalogue.file_state() if catalogue else {}
    present = {str(path) for path in files}
    change.drop_files = [key for key in known if _under(key, roots) and key not in present]
    changed: list[tuple[Path, bytes, str, str]] = []
    for path in files:
        old_sha, old_stamp = known.get(str(path), ("", ""))
        stamp = _stamp(path)
        if stamp and stamp == old_stamp:
            continue
        try:
            data = read_bytes(path, max_bytes)
        except LoadError as exc:
            report.errors.append(FileError(str(path), str(exc)))
            if old_sha:  # what it held is no longer what the file says
                change.drop_files.append(str(path))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha == old_sha:
            change.restamp.append((str(path), stamp))
            continue
        changed.append((path, data, sha, stamp))
        if old_sha:
            change.drop_files.append(str(path))
    return changed


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return ""  # read_bytes will say why
    return f"{info.st_size}:{info.st_mtime_ns}"


def stored_chunks(record: cat.ArticleRecord) -> list[StoredChunk]:
    return [
        StoredChunk(cid, record.article_id, record.text[start:end], record.title, record.source,
                    record.published, start, end)
        for cid, start, end in record.chunks
    ]


def _commit(
    parts: Parts,
    catalogue: cat.Catalogue,
    change: cat.Change,
    replaced: dict[str, list[str]],
    old_collection: str | None,
    report: IndexReport,
    progress: bool,
    filling: bool = False,
) -> None:
    """Write vectors, then commit the catalogue (one transaction), then clean up. `filling`: the catalogue was
    written before sentence vectors were stored, so every committed article's are added too."""
    home = parts.settings.folder
    new_ids = {a.article_id for a in change.articles}
    # An article a changed file still holds keeps its vectors; only articles new to the index are embedded.
    added = [c for a in change.articles if a.article_id not in replaced for c in stored_chunks(a)]
    removed = [cid for aid, cids in replaced.items() if aid not in new_ids for cid in cids]
    change.pending_deletes = removed
    dropped = old_collection if old_collection and old_collection != change.collection else None
    # Noted before any write: a kill from here on leaves vectors that the next commit removes.
    if dropped:
        note_collection(home, dropped)
    if added:
        note_collection(home, change.collection)
        _embed(parts, change.collection, added, progress)
    texts = [t for a in change.articles if a.article_id not in replaced
             for t in sentence_texts(a.text, [(start, end) for _, start, end in a.chunks])]
    if filling:
        texts += committed_texts(catalogue)
    change.sentences = embed_sentences(parts, texts, None if change.reset else catalogue, progress)
    catalogue.commit(change)
    pending = catalogue.pending_deletes()
    if pending:
        parts.open_store(change.collection).delete(pending)
        catalogue.clear_pending(pending)
    report.chunks_added, report.chunks_removed = len(added), len(removed)
    if dropped:
        parts.open_store(dropped).drop()  # before the sweep, so replaced vectors are not counted as orphans


def _embed(parts: Parts, collection: str, chunks: list[StoredChunk], progress: bool) -> None:
    store = parts.open_store(collection)
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not progress) as bar:
        for i in range(0, len(chunks), _EMBED_SLICE):
            batch = chunks[i:i + _EMBED_SLICE]
            store.upsert(batch, parts.embedder.embed([embedding_text(c.title, c.text) for c in batch], "document"))
            bar.update(len(batch))


def _summarise(catalogue: cat.Catalogue, files: list[Path], report: IndexReport) -> None:
    """State of the given paths now: distinct articles, copies skipped, boilerplate, per-record errors."""
    records = catalogue.file_records([str(path) for path in files]) if files else {}
    for path in files:
        record = records.get(str(path))
        if record is None:
            continue
        report.articles += len(record.articles)
        report.duplicates += len(record.duplicates)
        report.duplicate_articles.extend({"source": str(path), **d} for d in record.duplicates)
        report.boilerplate_lines += record.boilerplate_lines
        report.errors.extend(FileError(e["path"], e["error"]) for e in record.errors)
        report.warnings.extend(record.warnings)
