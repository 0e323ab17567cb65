"""Split one file's text into articles and give each its title and date.

A file may hold several articles (a scrape of one site's "related" list): they are separated by runs of
blank lines followed by a headline-like line. The sample corpus marks dates as a leading `date YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from index.clean import clean_lines
from index.dates import LEADING_DATE, byline_date
from index.load import RawDoc
from rag.types import Article

_BOUNDARY = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")  # two or more blank lines
_SITE_SUFFIX = re.compile(r"\s+[|»]\s+[^|»]{1,40}$")  # "Headline | News"
_MIN_ARTICLE_CHARS = 200
_TITLE_MAX_CHARS = 200


@dataclass(frozen=True, slots=True)
class Parsed:
    articles: list[Article]
    boilerplate_lines: int


def parse_document(doc: RawDoc) -> Parsed:
    """RawDoc -> cleaned articles. Records that carried their own title (JSON, HTML) are one article."""
    segments = [doc.text] if doc.title else _segments(doc.text)
    articles: list[Article] = []
    removed = 0
    for segment in segments:
        published, segment = _leading_date(segment)
        cleaned = clean_lines(segment)
        removed += cleaned.removed
        title, body = _title_and_body(cleaned.lines, doc.title)
        if not body:
            continue
        if articles and len(body) < _MIN_ARTICLE_CHARS and not title:
            # A short tail after a boundary belongs to the article above it.
            articles[-1] = _with_text(articles[-1], articles[-1].text + "\n" + body)
            continue
        published = doc.published or published or byline_date(segment)
        articles.append(_make_article(doc, title or _title_from_body(body), body, published))
    return Parsed(articles, removed)


def _segments(text: str) -> list[str]:
    """Cut at blank-line runs that are followed by a headline."""
    parts = _BOUNDARY.split(text)
    segments = [parts[0]]
    for part in parts[1:]:
        first = part.strip().splitlines()[0] if part.strip() else ""
        if _looks_like_title(first) and len(part.strip()) >= _MIN_ARTICLE_CHARS:
            segments.append(part)
        else:
            segments[-1] += "\n\n\n" + part
    return segments


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= _TITLE_MAX_CHARS
        and len(line.split()) >= 3
        and not line.endswith((".", ",", ":", ";"))
        and not line.startswith(("“", '"', "'", "‘"))
        and line[0].isupper()
    )


def _leading_date(text: str) -> tuple[dt.date | None, str]:
    match = LEADING_DATE.match(text)
    if not match:
        return None, text
    try:
        return dt.date.fromisoformat(match.group(1)), text[match.end():]
    except ValueError:
        return None, text


def _title_and_body(lines: list[str], given: str | None) -> tuple[str | None, str]:
    paragraphs = [line.strip() for line in lines if line.strip()]
    title = given.strip() if given else None
    if title is None and len(paragraphs) > 1 and _looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    if title:
        title = _SITE_SUFFIX.sub("", title)
        # Scraped pages often repeat the headline as the first body line.
        paragraphs = [p for p in paragraphs if _SITE_SUFFIX.sub("", p) != title]
    return title, "\n".join(paragraphs)


def _title_from_body(body: str, limit: int = 90) -> str:
    first = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def normalize(text: str) -> str:
    """Case- and whitespace-insensitive form used for content hashes and near-duplicate shingles."""
    return " ".join(re.findall(r"\w+", text.lower()))


def content_id(text: str) -> str:
    return hashlib.sha256(normalize(text).encode()).hexdigest()[:16]


def _make_article(doc: RawDoc, title: str, body: str, published: dt.date | None) -> Article:
    return Article(content_id(body), title, body, doc.source, published, doc.url)


def _with_text(article: Article, text: str) -> Article:
    return Article(content_id(text), article.title, text, article.source, article.published, article.url)
