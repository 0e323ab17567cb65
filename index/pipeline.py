"""Index files incrementally: parse what changed, embed only new articles, commit via the manifest."""

from __future__ import annotations

import fcntl
import hashlib
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from index.chunk import chunk_article, longest_sentence
from index.dedup import Deduplicator, signature
from index.load import FileError, LoadError, discover, load_file, read_bytes
from index.split import parse_document
from index.sweep import note_collection, remove_orphans, remove_stale_keyword_dirs
from rag import manifest as mf
from rag.injection import instruction_spans
from rag.keyword import KeywordIndex
from rag.manifest import embedding_text as embedding_text  # re-exported: evals import it from here
from rag.manifest import stored_chunks as stored_chunks  # re-exported: evals import it from here
from rag.pipeline import Parts
from rag.ports import StoredChunk
from rag.types import Article

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

    A rebuild never needs the old manifest, so it also repairs a damaged one.
    """
    started = time.perf_counter()
    settings = parts.settings
    roots = [p.resolve() for p in paths]
    with _writer_lock(settings.home):
        old, old_collection = _committed(settings.home, rebuild)
        chunking = f"{settings.chunk_chars}/{settings.chunk_overlap_sentences}"
        fresh = rebuild or old is None or old.embed_model != parts.embedder.name or old.chunking != chunking
        base = None if fresh else old
        new = mf.Manifest(
            collection=base.collection if base else f"{settings.collection}-{uuid.uuid4().hex[:8]}",
            embed_model=parts.embedder.name,
            chunking=chunking,
            keyword_dir=base.keyword_dir if base else "",
        )
        report = IndexReport()
        files, report.errors = discover(roots)
        report.files = len(files) + len(report.errors)
        changed = _carry_over(base, new, files, roots, settings.max_file_bytes, report)
        dedup = Deduplicator(settings.near_dup_threshold)
        for aid in list(new.articles):
            dedup.add(aid, new.articles[aid].signature)
        for path, data, sha in changed:
            new.files[str(path)] = _parse_file(path, data, sha, dedup, new, settings.chunk_chars,
                                               settings.chunk_overlap_sentences)
        _commit(parts, old_collection, base, new, report, progress)
        _summarise(new, files, report)
    report.seconds = time.perf_counter() - started
    return report


def _committed(home: Path, rebuild: bool) -> tuple[mf.Manifest | None, str | None]:
    """The committed manifest and its vector collection.

    A damaged manifest is an error, except for a rebuild: that starts over, and still drops the old
    collection when the damaged file names it.
    """
    try:
        old = mf.load(home)
    except mf.DamagedIndexError:
        if not rebuild:
            raise
        old = None
    return old, old.collection if old else mf.salvage_collection(home)


@contextmanager
def _writer_lock(home: Path) -> Iterator[None]:
    """One writer at a time per index (a second `newsrag index` or a UI upload waits)."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)


def _carry_over(
    base: mf.Manifest | None,
    new: mf.Manifest,
    files: list[Path],
    roots: list[Path],
    max_bytes: int,
    report: IndexReport,
) -> list[tuple[Path, bytes, str]]:
    """Copy records of files outside `roots` and of unchanged files; return the files to (re)parse."""
    old_files = base.files if base else {}
    for key, kept in old_files.items():
        if not _under(key, roots):
            new.files[key] = kept
    changed: list[tuple[Path, bytes, str]] = []
    for path in files:
        try:
            data = read_bytes(path, max_bytes)
        except LoadError as exc:
            report.errors.append(FileError(str(path), str(exc)))
            continue
        sha = hashlib.sha256(data).hexdigest()
        record = old_files.get(str(path))
        if record is not None and record.sha256 == sha:
            new.files[str(path)] = record
        else:
            changed.append((path, data, sha))
    if base:
        for record in new.files.values():
            for aid in record.articles:
                new.articles[aid] = base.articles[aid]
    return changed


def _parse_file(
    path: Path, data: bytes, sha: str, dedup: Deduplicator, new: mf.Manifest, size: int, overlap: int
) -> mf.FileRecord:
    record = mf.FileRecord(sha256=sha)
    try:
        loaded = load_file(path, data)
    except LoadError as exc:
        record.errors.append({"path": str(path), "error": str(exc)})
        return record
    record.errors.extend({"path": e.path, "error": e.error} for e in loaded.errors)
    for doc in loaded.docs:
        parsed = parse_document(doc)
        record.boilerplate_lines += parsed.boilerplate_lines
        for article in parsed.articles:
            sig = signature(article.text)
            duplicate = dedup.check(article.article_id, sig)
            if duplicate is not None:
                record.duplicates.append({
                    "article_id": article.article_id,
                    "title": article.title,
                    "duplicate_of": duplicate.duplicate_of,
                    "exact": duplicate.exact,
                })
                continue
            dedup.add(article.article_id, sig)
            record.articles.append(article.article_id)
            new.articles[article.article_id] = _article_record(article, sig, size, overlap)
            if (longest := longest_sentence(article.text)) > size:
                record.warnings.append({"path": str(path), "warning": (
                    f"{' '.join(article.title.split())[:60]!r} has a sentence of {longest:,} characters, "
                    f"split into chunks of at most {size}"
                )})
            if orders := instruction_spans(article.text):
                first = " ".join(article.text[orders[0][0]:orders[0][1]].split())[:80]
                record.warnings.append({"path": str(path), "warning": (
                    f"{' '.join(article.title.split())[:60]!r} has {len(orders)} sentence(s) addressed to an AI "
                    f"model (kept, never shown to the model): {first!r}"
                )})
    return record


def _article_record(article: Article, sig: list[int], size: int, overlap: int) -> mf.ArticleRecord:
    chunks = chunk_article(article, size=size, overlap=overlap)
    return mf.ArticleRecord(
        title=article.title,
        text=article.text,
        source=article.source,
        published=article.published.isoformat() if article.published else "",
        url=article.url or "",
        signature=sig,
        chunks=[(c.chunk_id, c.start, c.end) for c in chunks],
    )


def _commit(
    parts: Parts,
    old_collection: str | None,
    base: mf.Manifest | None,
    new: mf.Manifest,
    report: IndexReport,
    progress: bool,
) -> None:
    """Write vectors, then the keyword index, then the manifest (the commit), then clean up."""
    home = parts.settings.home
    before = base.articles if base else {}
    added = [c for aid, rec in new.articles.items() if aid not in before for c in stored_chunks(aid, rec)]
    removed = [cid for aid, rec in before.items() if aid not in new.articles for cid, _, _ in rec.chunks]
    pending = (base.pending_deletes if base else []) + removed
    replaced = old_collection if old_collection and old_collection != new.collection else None
    # Noted before any write: a kill from here on leaves vectors that the next commit removes.
    if replaced:
        note_collection(home, replaced)
    if added:
        note_collection(home, new.collection)
        _embed(parts, new.collection, added, progress)
    keyword_stale = bool(added or removed) or not (home / new.keyword_dir).is_dir() or not new.keyword_dir
    if keyword_stale:
        new.keyword_dir = _write_keyword_index(home, new)
    new.pending_deletes = pending
    mf.save(home, new)
    if pending:
        parts.open_store(new.collection).delete(pending)
        new.pending_deletes = []
        mf.save(home, new)
    report.chunks_added, report.chunks_removed = len(added), len(removed)
    if replaced:
        parts.open_store(replaced).drop()  # before the sweep, so replaced vectors are not counted as orphans
    report.orphans_removed = remove_orphans(parts, new, check=bool(added or pending))
    remove_stale_keyword_dirs(home, new.keyword_dir)


def _embed(parts: Parts, collection: str, chunks: list[StoredChunk], progress: bool) -> None:
    store = parts.open_store(collection)
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not progress) as bar:
        for i in range(0, len(chunks), _EMBED_SLICE):
            batch = chunks[i:i + _EMBED_SLICE]
            store.upsert(batch, parts.embedder.embed([embedding_text(c) for c in batch], "document"))
            bar.update(len(batch))


def _write_keyword_index(home: Path, manifest: mf.Manifest) -> str:
    name = f"bm25-{uuid.uuid4().hex[:8]}"
    KeywordIndex.build(*mf.search_documents(manifest)).save(home / name)
    return name


def _summarise(new: mf.Manifest, files: list[Path], report: IndexReport) -> None:
    """State of the given paths now: distinct articles, copies skipped, boilerplate, per-record errors."""
    for path in files:
        record = new.files.get(str(path))
        if record is None:
            continue
        report.articles += len(record.articles)
        report.duplicates += len(record.duplicates)
        report.duplicate_articles.extend({"source": str(path), **d} for d in record.duplicates)
        report.boilerplate_lines += record.boilerplate_lines
        report.errors.extend(FileError(e["path"], e["error"]) for e in record.errors)
        report.warnings.extend(record.warnings)
