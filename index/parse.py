"""One changed file into catalogue records: load it, split it into articles, leave out deleted articles and
duplicates, chunk the rest, and note what the index report should warn about."""

from __future__ import annotations

from pathlib import Path

from index.chunk import chunk_article, longest_sentence
from index.dedup import Deduplicator, band_keys, signature
from index.load import LoadError, load_file
from index.split import parse_document
from rag.answering.injection import instruction_spans
from rag.store import catalogue as cat
from rag.types import Article


def parse_file(
    path: Path, data: bytes, sha: str, stamp: str, dedup: Deduplicator, change: cat.Change, size: int, overlap: int,
    deleted: set[str],
) -> cat.FileRecord:
    """One changed file as its catalogue record; its articles new to the index (neither deleted by hand nor
    duplicates) go to `change.articles`, chunked."""
    record = cat.FileRecord(str(path), sha, stamp=stamp)
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
            if article.article_id in deleted:  # it comes back only if its text changes
                record.warnings.append(cat.left_out(article.title, str(path)))
                continue
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
            change.articles.append(_article_record(article, str(path), sig, size, overlap))
            record.warnings.extend(_warnings(article, str(path), size))
    return record


def _warnings(article: Article, path: str, size: int) -> list[dict[str, str]]:
    """What the reader of the index report should know: indexed, but not as written."""
    title = " ".join(article.title.split())[:60]
    found = []
    if (longest := longest_sentence(article.text)) > size:
        found.append({"path": path, "warning": (
            f"{title!r} has a sentence of {longest:,} characters, split into chunks of at most {size}"
        )})
    if orders := instruction_spans(article.text):
        first = " ".join(article.text[orders[0][0]:orders[0][1]].split())[:80]
        found.append({"path": path, "warning": (
            f"{title!r} has {len(orders)} sentence(s) addressed to an AI model (kept, never shown to the model): "
            f"{first!r}"
        )})
    return found


def _article_record(article: Article, file: str, sig: list[int], size: int, overlap: int) -> cat.ArticleRecord:
    chunks = chunk_article(article, size=size, overlap=overlap)
    return cat.ArticleRecord(
        article_id=article.article_id,
        file=file,
        title=article.title,
        text=article.text,
        source=article.source,
        published=article.published.isoformat() if article.published else "",
        url=article.url or "",
        signature=sig,
        chunks=[(c.chunk_id, c.start, c.end) for c in chunks],
        bands=band_keys(sig),
    )
