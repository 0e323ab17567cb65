"""Fit the shown confidence on a dev split: logistic regression from `rag.confidence.features` (the chain's
raw confidence, and for answers their length) to whether what was shown is right as the gold rule scores
it (`evals.report.is_right`), one fit for answers and one for refusals. Prints `CALIBRATION` for
`rag/tuning.py`; the rows must come from a run with `CALIBRATION = None` (their confidence is the raw one).

    python -m evals.calibrate seed docs/eval/calibration/seed-newsrag-dev.jsonl
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from evals.report import is_right, load_results
from evals.suites import load
from rag.confidence import features

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite")
    parser.add_argument("results", type=Path, help="newsrag result rows made with CALIBRATION = None")
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    rows = load_results(args.results)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [c for c in load(args.suite, Path(tmp), split=args.split).cases if c.id in rows]
    fits = {}
    for kind, refused in (("answer", False), ("refusal", True)):
        mine = [(c, rows[c.id]) for c in cases if bool(rows[c.id].get("refused")) == refused]
        if not mine:
            continue
        x = [features(float(r["confidence"]), r.get("answer") or "", refused) for _, r in mine]
        fits[kind] = fit(x, [is_right(c, r) for c, r in mine])
        print(f"{kind}s: {len(mine)}, right {sum(is_right(c, r) for c, r in mine)}")
    print(f"CALIBRATION = {fits}")


if __name__ == "__main__":
    main()
