"""RGB with the counterfactual passages in place of the positive ones (see rgb.py)."""

from __future__ import annotations

from pathlib import Path

from evals.cases import Suite
from evals.suites import rgb


def load(work: Path) -> Suite:
    return rgb.load(work, counterfactual=True)
