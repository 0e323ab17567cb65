"""Tiny pure metrics. Retrieval takes ranked chunk texts and gold evidence sentences; answers take strings.

    >>> hit_at_k(["x", "gold sentence here"], {"gold sentence"}, 2)
    1.0
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence


def squash(text: str) -> str:
    """MultiHop-RAG's matching rule: whitespace removed (we also fold case and curly quotes)."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", text).lower()


def relevance(ranked: Sequence[str], evidence: Iterable[str]) -> list[set[int]]:
    """For each ranked chunk, which evidence sentences (by index) it contains."""
    gold = [squash(e) for e in evidence]
    return [{i for i, g in enumerate(gold) if g and g in squash(text)} for text in ranked]


def hit_at_k(ranked: Sequence[str], evidence: Iterable[str], k: int) -> float:
    """1 when any of the top k chunks contains a gold evidence sentence."""
    return 1.0 if any(relevance(ranked[:k], evidence)) else 0.0


def mrr_at_k(ranked: Sequence[str], evidence: Iterable[str], k: int) -> float:
    for rank, found in enumerate(relevance(ranked[:k], evidence), 1):
        if found:
            return 1.0 / rank
    return 0.0


def evidence_recall_at_k(ranked: Sequence[str], evidence: Sequence[str], k: int) -> float:
    """Share of the gold evidence sentences found in the top k (recall@k over sentences)."""
    if not evidence:
        return 0.0
    found = set().union(*relevance(ranked[:k], evidence)) if ranked else set()
    return len(found) / len(evidence)


def all_evidence_at_k(ranked: Sequence[str], evidence: Sequence[str], k: int) -> float:
    return 1.0 if evidence and evidence_recall_at_k(ranked, evidence, k) == 1.0 else 0.0


def ndcg_at_k(ranked: Sequence[str], evidence: Sequence[str], k: int) -> float:
    """Binary gain: a chunk is relevant when it holds an evidence sentence not already credited above it."""
    seen: set[int] = set()
    dcg = 0.0
    for rank, found in enumerate(relevance(ranked[:k], evidence), 1):
        if found - seen:
            dcg += 1.0 / math.log2(rank + 1)
            seen |= found
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(k, len(evidence)) + 1))
    return dcg / ideal if ideal else 0.0


def normalise_answer(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"\[\d+\]", " ", text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    text = re.sub(r"[^\w\s%$.]", " ", text)
    return " ".join(text.replace(".", " ").split())


def contains_answer(prediction: str, answers: Sequence[str], require_all: bool = False) -> float:
    """1 when the prediction contains an acceptable answer (all of them with `require_all`), normalised."""
    if not answers:
        return 0.0
    pred = f" {normalise_answer(prediction)} "
    hits = [f" {normalise_answer(a)} " in pred for a in answers]
    return 1.0 if (all(hits) if require_all else any(hits)) else 0.0


def token_f1(prediction: str, answers: Sequence[str]) -> float:
    """SQuAD-style token F1 against the best-matching acceptable answer."""
    best = 0.0
    pred = normalise_answer(prediction).split()
    for answer in answers:
        gold = normalise_answer(answer).split()
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            precision, recall = common / len(pred), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


_CONFLICT = re.compile(
    r"conflict|contradict|inconsisten|disagree|differ(s|ent)? (report|account|claim)|however, (another|one)", re.I
)


def flags_conflict(answer: str) -> bool:
    """Whether an answer points out that its sources disagree (RGB's "error detection")."""
    return bool(_CONFLICT.search(answer))


def refusal_scores(refused: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float]:
    """Precision and recall of refusing, where the positive class is "the articles cannot answer"."""
    true_pos = sum(1 for r, a in zip(refused, answerable, strict=True) if r and not a)
    refusals = sum(refused)
    unanswerable = sum(1 for a in answerable if not a)
    return {
        "refusal_precision": true_pos / refusals if refusals else 0.0,
        "refusal_recall": true_pos / unanswerable if unanswerable else 0.0,
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan
