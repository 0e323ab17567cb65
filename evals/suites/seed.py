"""The hand-written gold set over the bundled sample articles (seed.jsonl; see README.md here)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.cases import Case, Suite

HERE = Path(__file__).resolve().parent
ARTICLES = HERE.parent.parent / "data" / "articles"


def load(work: Path) -> Suite:
    cases = []
    for line in (HERE / "seed.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(Case(
                id=row["id"], type=row["type"], question=row["question"], answers=tuple(row["answers"]),
                evidence=tuple(row["evidence"]), history=tuple((q, a) for q, a in row["history"]),
                all_answers=row["all_answers"], titles=tuple(row["titles"]),
            ))
    return Suite("seed", cases, [ARTICLES], work / "seed-home")
