"""The confidence shown with an answer: the chance that what is shown (an answer, or a refusal) is right.

The raw signal comes from retrieval and verification, not from the prompt: how far the best passage clears
the refusal floor, and the share of the answer's citations that were verified. Whether the question is closed
and whether the passages hold its names also count, and for answers their length against the question's: on
the seed dev split a small model's long, hedging answers were the wrong ones far more often (answer length
alone ranked right above wrong answers 81% of the time; the raw signal 69%), while a multi-article answer
that restates a long question is as long as the question. A logistic map fitted on the pooled dev splits
(`evals/calibrate.py`, constants in `rag/tuning.py`) turns these into a chance.
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


def signals_for(raw: float, closed: bool, covered: bool) -> dict[str, float]:
    """What the calibration reads besides the texts, kept with every answer so that a fit can read a run's
    rows. On dev, answers to closed questions were right less often than others (the model leans towards
    "Yes"), and refusals of them more rarely right; passages that lack a name of the question make an answer
    unlikely to be right and a refusal likely to be."""
    return {"raw": raw, "closed": float(closed), "covered": float(covered)}


def features(signals: dict[str, float], question: str, text: str, refused: bool) -> dict[str, float]:
    """What the calibration map reads; the same function serves the chain and the fit."""
    common = {"raw": signals["raw"], "covered": signals["covered"], "closed": signals["closed"], "bias": 1.0}
    if refused:
        return common
    length = math.log((len(strip_markers(text).split()) + 1) / (len(question.split()) + 1))
    return {**common, "relative_length": length}


def shown_confidence(signals: dict[str, float], question: str, text: str, refused: bool,
                     calibrated: bool = True) -> float:
    """The calibrated chance, or the raw signal while no calibration is set (or it was fitted on another
    model's answers: `calibrated` False)."""
    if CALIBRATION is None or not calibrated:
        return round(signals["raw"], 3)
    weights = CALIBRATION["refusal" if refused else "answer"]
    z = sum(weights.get(name, 0.0) * value for name, value in features(signals, question, text, refused).items())
    return round(1 / (1 + math.exp(-z)), 3)
