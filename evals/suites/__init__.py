"""One loader module per suite; `load(name, work, limit)` finds it by name."""

from __future__ import annotations

import importlib
from pathlib import Path

from evals.cases import Suite

NAMES = ("seed", "multihop", "rgb", "rgb_counterfactual")


def load(name: str, work: Path, limit: int | None = None) -> Suite:
    if name not in NAMES:
        raise ValueError(f"unknown suite {name!r}: choose one of {', '.join(NAMES)}")
    module = importlib.import_module(f"evals.suites.{name}")
    suite: Suite = module.load(work)
    return Suite(suite.name, suite.cases[:limit] if limit else suite.cases, suite.corpus, suite.home, suite.notes)
