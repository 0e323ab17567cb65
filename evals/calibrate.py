"""Fit the shown confidence on the dev splits: logistic regression from `rag.answering.confidence.features` (the signals
every answer carries, and for answers their length) to whether what was shown is right as the gold rule
scores it (`evals.scores.is_right`), one fit for answers and one for refusals. Prints `CALIBRATION` for
`rag/tuning.py`. Calibration changes only the shown number, never an answer or its signals, so dev rows made
with any calibration serve, as long as they carry the answers' `signals`; the suites are pooled so that the
map fits both short seed answers and long multi-article ones.

    python -m evals.calibrate seed=docs/eval/calibration/seed-newsrag-dev.jsonl \\
        multihop=docs/eval/calibration/multihop-newsrag-dev.jsonl
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from evals.report import load_results
from evals.scores import is_right
from evals.suites import load
from rag.answering.confidence import features

L2 = 0.05  # pulls the weights (not the bias) towards 0: with little signal the map stays near the dev rate


def fit(rows: list[dict[str, float]], right: list[bool], steps: int = 20_000) -> dict[str, float]:
    """Weights of sigmoid(sum of weight x feature), by gradient descent on the regularised log loss."""
    names = list(rows[0])
    x = np.array([[row[n] for n in names] for row in rows])
    y = np.array(right, dtype=float)
    w = np.zeros(len(names))
    penalty = np.array([0.0 if n == "bias" else L2 for n in names])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        w -= 0.5 * (x.T @ (p - y) / len(y) + penalty * w)
    return {n: round(float(v), 3) for n, v in zip(names, w, strict=True)}


class DevRow(NamedTuple):
    """One dev answer as the fit reads it: what the chain saw and showed, and whether it was right."""

    signals: dict[str, float]
    question: str
    text: str
    refused: bool
    right: bool

    def features(self) -> dict[str, float]:
        return features(self.signals, self.question, self.text, self.refused)


def dev_rows(suite: str, results: Path, split: str) -> list[DevRow]:
    """Each dev case with a result, which must carry its signals."""
    rows = load_results(results)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [c for c in load(suite, Path(tmp), split=split).cases if c.id in rows]
    missing = [c.id for c in cases if not rows[c.id].get("signals")]
    if missing:
        raise SystemExit(f"{results}: {len(missing)} rows carry no signals (made before they were recorded): "
                         f"{', '.join(missing[:5])} ...")
    return [DevRow(rows[c.id]["signals"], c.question, rows[c.id].get("answer") or "",
                   bool(rows[c.id].get("refused")), is_right(c, rows[c.id])) for c in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", metavar="SUITE=ROWS", help="newsrag result rows of a suite")
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    pooled: list[DevRow] = []
    for item in args.results:
        suite, _, path = item.partition("=")
        pooled += dev_rows(suite, Path(path), args.split)
    fits = {}
    for kind, refused in (("answer", False), ("refusal", True)):
        mine = [row for row in pooled if row.refused == refused]
        if not mine:
            continue
        fits[kind] = fit([row.features() for row in mine], [row.right for row in mine])
        print(f"{kind}s: {len(mine)}, right {sum(row.right for row in mine)}")
    print(f"CALIBRATION = {fits}")


if __name__ == "__main__":
    main()
