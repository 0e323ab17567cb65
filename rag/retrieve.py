"""Hybrid retrieval: dense (vector store) + keyword (BM25), fused by reciprocal rank, rescored at sentence
level with the embedder and lexical evidence, near-identical passages dropped, then cut to a tight window.

No cross-encoder ships offline, so the rescoring is built from what is here: the question's similarity to
each sentence of a candidate chunk, and how much of the question's rare words, names and numbers it holds.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from rag.answering import outlets
from rag.parts import Parts
from rag.ports import Vectors
from rag.store.corpus import Corpus
from rag.text import content_words, sentence_spans, with_joined
from rag.tuning import RETRIEVAL as T
from rag.types import Filters, Passage

RRF_K = int(T["rrf_k"])
POOL = int(T["pool"])
RESCORE = int(T["rescore"])


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate chunk with its scores and its sentences' similarity to the question."""

    info: Passage  # the whole chunk
    score: float
    sentence: float
    lexical: float
    fused: float
    spans: list[tuple[int, int]]  # sentence spans within info.text
    sims: list[float]  # similarity of each sentence to the question
    evidence: list[float]  # each sentence's evidence score: similarity plus the question words it holds

    def passage(self) -> Passage:
        return dataclasses.replace(self.info, score=self.score)

    def best_sentence(self) -> str:
        start, end = self.spans[int(np.argmax(self.evidence))]
        return self.info.text[start:end]


class SentenceCache:
    """Sentence vectors, kept across questions: the same candidate chunks come back often in a chat. Query
    vectors too: one question is searched as a whole, per part and per time window, and its sentences are
    chosen by the same vector."""

    def __init__(self, size: int = 20_000, queries: int = 64) -> None:
        self._items: OrderedDict[str, Vectors] = OrderedDict()
        self._size = size
        self._queries: OrderedDict[str, Vectors] = OrderedDict()
        self._query_size = queries

    def query(self, parts: Parts, text: str) -> Vectors:
        """The question's vector (embedded as a query, not as a document)."""
        if text in self._queries:
            self._queries.move_to_end(text)
        else:
            self._queries[text] = parts.embedder.embed([text], "query")[0]
            if len(self._queries) > self._query_size:
                self._queries.popitem(last=False)
        return self._queries[text]

    def embed(self, parts: Parts, texts: list[str], corpus: Corpus | None = None) -> Vectors:
        """The vectors of `texts`: remembered, else stored by the index run in `corpus`, else embedded now."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._items))
        if missing:
            found = corpus.sentence_vectors(missing) if corpus else {}
            self._items.update(found)
            rest = [t for t in missing if t not in found]
            for text, vector in zip(rest, parts.embedder.embed(rest, "document") if rest else [], strict=True):
                self._items[text] = vector
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return np.stack([self._items[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)


def dense_search(
    question: str, corpus: Corpus, parts: Parts, k: int, filters: Filters | None = None
) -> list[Passage]:
    """Plain dense retrieval (a baseline and an eval config)."""
    return _dense(corpus, parts.embedder.embed([question], "query")[0], k, filters)


def _dense(corpus: Corpus, vector: Vectors, k: int, filters: Filters | None) -> list[Passage]:
    # Over-fetch: chunks of a run that crashed before its commit may sit in the store; they are skipped.
    return corpus.passages(corpus.store.search(vector, k * 2 + 8, filters), filters)[:k]


def keyword_search(question: str, corpus: Corpus, k: int, filters: Filters | None = None,
                   outlet: str | None = None) -> list[Passage]:
    return corpus.passages(corpus.keyword(question, k, filters, outlet), filters)[:k]


def fuse(*rankings: list[str]) -> dict[str, float]:
    """Reciprocal rank fusion, normalised so a chunk ranked first by every retriever scores 1."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
    top = len(rankings) / (RRF_K + 1)
    return {cid: s / top for cid, s in sorted(scores.items(), key=lambda item: -item[1])}


def _fused(
    question: str, corpus: Corpus, parts: Parts, filters: Filters | None, cache: SentenceCache | None = None
) -> tuple[Vectors, list[Passage]]:
    """Dense and keyword candidates fused by reciprocal rank, best first, each scored by its fused value."""
    vector = cache.query(parts, question) if cache else parts.embedder.embed([question], "query")[0]
    dense = _dense(corpus, vector, POOL, filters)
    keyword = keyword_search(question, corpus, POOL, filters)
    by_id = {p.chunk_id: p for p in dense + keyword}
    fused = fuse([p.chunk_id for p in dense], [p.chunk_id for p in keyword])
    return vector, [dataclasses.replace(by_id[cid], score=s) for cid, s in fused.items()]


def fused_search(
    question: str, corpus: Corpus, parts: Parts, k: int, filters: Filters | None = None
) -> list[Passage]:
    """Dense and keyword results fused by reciprocal rank, no rescoring (an eval config)."""
    return _fused(question, corpus, parts, filters)[1][:k]


def hybrid_search(
    question: str,
    corpus: Corpus,
    parts: Parts,
    k: int,
    filters: Filters | None = None,
    cache: SentenceCache | None = None,
) -> list[Scored]:
    """The full pipeline: fuse, rescore at sentence level, drop near-duplicates, best `k`."""
    question = corpus.spelled_apart(question)
    cache = cache or SentenceCache()
    vector, fused = _fused(question, corpus, parts, filters, cache)
    scored = _rescore(question, vector, fused[:RESCORE], corpus, parts, cache)
    return diversify(drop_near_duplicates(scored), k)


def outlet_search(
    question: str,
    outlet: str,
    corpus: Corpus,
    parts: Parts,
    k: int,
    filters: Filters | None = None,
    cache: SentenceCache | None = None,
) -> list[Scored]:
    """The best `k` chunks of the articles of `outlet`, which the question names: found by their words (the
    outlet's name left out, every one of its titles holds it), rescored like `hybrid_search`'s so the two
    compare. The fused value counts one ranking of two, as a chunk only the keyword search found does there."""
    found = keyword_search(outlets.without(question, outlet), corpus, int(T["rescore_outlet"]), filters, outlet)
    fused = fuse([p.chunk_id for p in found], [])
    infos = [dataclasses.replace(p, score=fused[p.chunk_id]) for p in found]
    cache = cache or SentenceCache()
    return drop_near_duplicates(_rescore(question, cache.query(parts, question), infos, corpus, parts, cache))[:k]


def _rescore(
    question: str,
    vector: Vectors,
    infos: list[Passage],
    corpus: Corpus,
    parts: Parts,
    cache: SentenceCache,
) -> list[Scored]:
    spans = [sentence_spans(info.text) or [(0, len(info.text))] for info in infos]
    texts = [info.text[a:b] for info, sp in zip(infos, spans, strict=True) for a, b in sp]
    sims_all = cache.embed(parts, texts, corpus) @ vector if texts else np.zeros(0)
    weights = question_weights(question, corpus)
    out, offset = [], 0
    for info, sp in zip(infos, spans, strict=True):
        fused = info.score
        sims = [float(s) for s in sims_all[offset:offset + len(sp)]]
        offset += len(sp)
        top2 = sorted(sims, reverse=True)[:2]
        sentence = 0.7 * top2[0] + 0.3 * (top2[-1])
        lexical = lexical_overlap(weights, info.title + " " + info.text)
        score = T["w_sentence"] * sentence + T["w_lexical"] * lexical + T["w_fused"] * fused
        evidence = [s + 0.5 * lexical_overlap(weights, info.text[a:b]) for s, (a, b) in zip(sims, sp, strict=True)]
        out.append(Scored(info, score, sentence, lexical, fused, sp, sims, evidence))
    return sorted(out, key=lambda s: -s.score)


def question_weights(question: str, corpus: Corpus) -> dict[str, float]:
    """IDF weight of each question word; names and numbers count double (they are what dense vectors miss)."""
    raw = question.replace("’", "'")
    names = {w.lower() for w in raw.split()[1:] if w[:1].isupper()}
    weights: dict[str, float] = {}
    for word in dict.fromkeys(content_words(question)):
        weight = corpus.idf(word)
        if word.isdigit() or any(word in n for n in names):
            weight *= 2
        weights[word] = weight
    return weights


def lexical_overlap(weights: dict[str, float], text: str) -> float:
    """Share of the question's IDF weight whose words appear in `text`."""
    total = sum(weights.values())
    if total == 0:
        return 0.0
    present = set(with_joined(content_words(text)))  # "websummit" is in "Web Summit"
    return sum(w for word, w in weights.items() if word in present) / total


def drop_near_duplicates(scored: list[Scored]) -> list[Scored]:
    """Keep the best of passages whose word sets overlap heavily (syndicated copies, repeated stories)."""
    kept: list[tuple[Scored, set[str]]] = []
    for candidate in scored:
        words = set(content_words(candidate.info.text))
        if all(jaccard(words, other) < T["duplicate_jaccard"] for _, other in kept):
            kept.append((candidate, words))
    return [c for c, _ in kept]


def diversify(scored: list[Scored], k: int, per_article: int = int(T["per_article"])) -> list[Scored]:
    """Best `k`, at most `per_article` from one article while others remain, so a question that spans two
    stories sees both."""
    first = [s for i, s in enumerate(scored) if _rank_in_article(scored, i) < per_article]
    rest = [s for s in scored if s not in first]
    return sorted((first + rest)[:k], key=lambda s: -s.score)


def _rank_in_article(scored: list[Scored], index: int) -> int:
    article = scored[index].info.article_id
    return sum(1 for s in scored[:index] if s.info.article_id == article)


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
