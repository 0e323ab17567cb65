"""Fit the shown confidence on a dev split: a logistic map (Platt scaling) from the chain's raw confidence
to the chance that what it shows is right, one map for answers and one for refusals, right or wrong as the
gold rule scores them (`evals.report.is_right`). The printed constants go into `rag/tuning.py`.

    python -m evals.calibrate seed docs/eval/pareto-250/results/seed-newsrag.jsonl --split dev
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from evals.report import is_right, load_results
from evals.suites import load

L2 = 0.05  # pulls the slope towards 0: with little signal the map stays near the dev rate of being right


def platt(raw: list[float], right: list[bool], steps: int = 20_000) -> tuple[float, float]:
    """Slope and intercept of sigmoid(a * raw + b), fitted by gradient descent on the log loss."""
    x, y = np.array(raw), np.array(right, dtype=float)
    a = b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * x + b)))
        a -= 0.5 * (float(np.mean((p - y) * x)) + L2 * a)
        b -= 0.5 * float(np.mean(p - y))
    return round(a, 3), round(b, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite")
    parser.add_argument("results", type=Path,
                        help="newsrag rows made with CALIBRATION = None in rag/tuning.py (their confidence is raw)")
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    rows = load_results(args.results)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [c for c in load(args.suite, Path(tmp), split=args.split).cases if c.id in rows]
    fits = {}
    for kind, refused in (("answer", False), ("refusal", True)):
        mine = [(c, rows[c.id]) for c in cases if bool(rows[c.id].get("refused")) == refused]
        raw = [float(r["confidence"]) for _, r in mine]
        fits[kind] = platt(raw, [is_right(c, r) for c, r in mine]) if mine else (0.0, 0.0)
        print(f"{kind}s: {len(mine)}, right {sum(is_right(c, r) for c, r in mine)}, fit {fits[kind]}")
    print(f"CALIBRATION = {fits}")


if __name__ == "__main__":
    main()
