"""The hand-written gold set over the bundled sample articles (see README.md here): `seed.jsonl` is the dev
split (the defaults were tuned on it), `seed_test.jsonl` the held-out test split."""

from __future__ import annotations

from pathlib import Path

from evals.cases import Suite, read_cases

HERE = Path(__file__).resolve().parent
ARTICLES = HERE.parent.parent / "data" / "articles"


def load(work: Path) -> Suite:
    cases = read_cases(HERE / "seed.jsonl", "dev")
    test = HERE / "seed_test.jsonl"
    if test.exists():
        cases += read_cases(test, "test")
    return Suite("seed", cases, [ARTICLES], work / "seed-home")
