"""Sentence vectors, embedded at index time and committed with the catalogue. Answering weighs every sentence
of its candidate chunks against the question (and every sentence of the articles an open answer reads
whole); embedded while the question waits, they cost about 0.1 s a question on this machine."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from tqdm import tqdm

from rag.parts import Parts
from rag.store import catalogue as cat
from rag.text import sentence_spans

_SLICE = 512  # sentences per embed call
_READ = 2000  # chunks read at a time when a catalogue from before stored sentences is filled


def sentence_texts(text: str, chunks: Iterable[tuple[int, int]]) -> list[str]:
    """The sentences answering embeds for one article: each chunk's, split as `rag.retrieve` splits a
    candidate, and the article's own (a retrieved sentence's neighbours, an article read whole)."""
    found = [text[a:b] for a, b in sentence_spans(text)]
    for start, end in chunks:
        chunk = text[start:end]
        found += [chunk[a:b] for a, b in sentence_spans(chunk) or [(0, len(chunk))]]
    return list(dict.fromkeys(t for t in found if t))


def committed_texts(catalogue: cat.Catalogue) -> list[str]:
    """The sentences of every committed article."""
    spans: dict[str, list[tuple[int, int]]] = {}
    ids = catalogue.chunk_ids()
    for i in range(0, len(ids), _READ):
        for p in catalogue.passages(ids[i:i + _READ]).values():
            spans.setdefault(p.article_id, []).append((p.start, p.end))
    texts: list[str] = []
    for article_id, chunks in spans.items():
        text = catalogue.article_text(article_id)
        texts += sentence_texts(text, chunks) if text is not None else []
    return texts


def embed_sentences(parts: Parts, texts: list[str], stored: cat.Catalogue | None,
                    progress: bool) -> list[tuple[str, bytes]]:
    """(key, float32 vector) of each of `texts` that `stored` (the catalogue the rows will join) lacks."""
    keys = {cat.sentence_key(t): t for t in texts}
    have = stored.sentence_vectors(list(keys)) if stored else {}
    todo = [(key, text) for key, text in keys.items() if key not in have]
    rows: list[tuple[str, bytes]] = []
    with tqdm(total=len(todo), desc="sentences", unit="sentence", disable=not progress) as bar:
        for i in range(0, len(todo), _SLICE):
            batch = todo[i:i + _SLICE]
            vectors = parts.embedder.embed([text for _, text in batch], "document")
            rows += [(key, np.asarray(v, np.float32).tobytes()) for (key, _), v in zip(batch, vectors, strict=True)]
            bar.update(len(batch))
    return rows
