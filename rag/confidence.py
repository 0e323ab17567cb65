"""The confidence shown with an answer: the chance that what is shown (an answer, or a refusal) is right.

The raw signal comes from retrieval and verification, not from the prompt: how far the best passage clears
the refusal floor, and the share of the answer's citations that were verified. For answers, length also
counts: on the seed dev split a small model's long, hedging answers were the wrong ones far more often
(answer length alone ranked right above wrong answers 81% of the time; the raw signal 69%). A logistic map
fitted on the dev split (`evals/calibrate.py`, constants in `rag/tuning.py`) turns these into a chance.
"""

from __future__ import annotations

import math

from rag.text import strip_markers
from rag.tuning import CALIBRATION
from rag.types import Citation


def raw_confidence(refused: bool, top: float, citations: list[Citation], floor: float) -> float:
    """`margin` is how far the best passage clears the refusal floor (0.5 at the floor); a refusal is as
    confident as that passage is weak, an answer as its margin and the share of its verified citations."""
    margin = min(1.0, max(0.0, 0.5 + 2 * (top - floor)))
    if refused:
        return 1.0 - margin
    verified = sum(1 for c in citations if c.supported) / len(citations) if citations else 0.0
    return 0.5 * margin + 0.5 * verified


def features(raw: float, text: str, refused: bool) -> dict[str, float]:
    """What the calibration map reads; the same function serves the chain and the fit."""
    if refused:
        return {"raw": raw, "bias": 1.0}
    return {"raw": raw, "log_words": math.log1p(len(strip_markers(text).split())), "bias": 1.0}


def shown_confidence(raw: float, text: str, refused: bool) -> float:
    """The calibrated chance, or `raw` itself while no calibration is set (how a fit's rows are made)."""
    if CALIBRATION is None:
        return round(raw, 3)
    weights = CALIBRATION["refusal" if refused else "answer"]
    z = sum(weights.get(name, 0.0) * value for name, value in features(raw, text, refused).items())
    return round(1 / (1 + math.exp(-z)), 3)
