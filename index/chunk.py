"""Sentence-aware chunking with a small sentence overlap; offsets point into the cleaned article."""

from __future__ import annotations

from rag.text import sentence_spans
from rag.types import Article, Chunk


def chunk_article(article: Article, *, size: int, overlap: int = 1) -> list[Chunk]:
    """Greedily pack whole sentences up to `size` characters; the next chunk repeats `overlap` sentences.

    A sentence longer than `size` becomes a chunk of its own rather than being cut mid-sentence.
    """
    spans = sentence_spans(article.text)
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
