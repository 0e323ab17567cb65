"""Sentence-aware chunking with a small sentence overlap; offsets point into the cleaned article."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.text import sentence_spans
from rag.types import Article, Chunk

_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)  # greedy: backtracks to the last whitespace in reach


def chunk_article(article: Article, *, size: int, overlap: int = 1) -> list[Chunk]:
    """Greedily pack whole sentences up to `size` characters; the next chunk repeats `overlap` sentences.

    No chunk is longer than `size`: a longer sentence is cut at spaces, and mid-word only where one word
    is longer than `size` (a 5 MB line without punctuation must not become one 5 MB chunk).
    """
    spans = pieces(article.text, size)
    chunks: list[Chunk] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= size:
            last += 1
        start, end = spans[first][0], spans[last][1]
        chunk_id = f"{article.article_id}:{len(chunks)}"
        chunks.append(Chunk(chunk_id, article.article_id, article.text[start:end], start, end))
        if last + 1 >= len(spans):
            break
        first = max(first + 1, last + 1 - overlap)
    return chunks


def pieces(text: str, size: int) -> list[tuple[int, int]]:
    """Sentence spans, with every sentence longer than `size` cut into spans of at most `size`."""
    return [piece for start, end in sentence_spans(text) for piece in _cut(text, start, end, size)]


def longest_sentence(text: str) -> int:
    """Length of the longest sentence in `text` (0 for no text), to warn about sentences `pieces` cuts."""
    return max((end - start for start, end in sentence_spans(text)), default=0)


def _cut(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    """Spans covering the non-space text of `text[start:end]`, each at most `size` long.

    >>> t = "aaa bb cccccccc d"
    >>> [t[a:b] for a, b in _cut(t, 0, len(t), 6)]
    ['aaa bb', 'cccccc', 'cc d']
    """
    while end - start > size:
        # Looking at size + 1 characters finds a space right after a full-length piece.
        space = _UP_TO_LAST_SPACE.match(text, start, start + size + 1)
        if space is None:
            cut = resume = start + size  # one word longer than `size`: cut it mid-word
        else:
            cut, resume = space.end() - 1, space.end()
            while text[cut - 1].isspace():
                cut -= 1
        yield start, cut
        start = resume
        while text[start].isspace():
            start += 1
    yield start, end
