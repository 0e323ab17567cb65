"""Where open answers lose their key points: for each open intent, how many nugget sentences the retrieved
passages hold (retrieval), how many nuggets the answer states (selection), and how many of its citations point
at a passage holding a nugget's sentence. Read from a committed run's rows, dev only; no model runs:

    python -m evals.bench.nugget_pool news:dev docs/eval/ablation-dates/news-dates.jsonl
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals import nuggets
from evals.cases import Case
from evals.metrics import holds_evidence
from evals.report import load_results
from evals.scores import shown_answer
from evals.suites import question_set

COLUMNS = ("questions", "nuggets", "in retrieved passages", "stated", "citations", "on a nugget")


def pool_table(cases: list[Case], rows: dict[str, dict[str, Any]]) -> list[list[int | str]]:
    """One row per open intent (dev questions only): the counts of COLUMNS."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for case in cases:
        row = rows.get(case.id)
        if row is None or not case.open_ended or case.split == "test":
            continue
        shown, count = shown_answer(row), counts[case.intent]
        count[0] += 1
        for nugget in case.nuggets:
            count[1] += 1
            count[2] += any(holds_evidence(text, [nugget.sentence]) for text in row.get("ranked") or [])
            count[3] += nuggets.nugget_found(shown, nugget.aliases)
        for cited in row.get("citations") or []:
            count[4] += 1
            count[5] += holds_evidence(cited["text"], [n.sentence for n in case.nuggets])
    return [[intent, *values] for intent, values in sorted(counts.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", help="SUITE_OR_FILE:SPLIT (dev or all; test questions are left out)")
    parser.add_argument("rows", type=Path)
    args = parser.parse_args()
    if args.questions.endswith(":test"):
        parser.error("test rows are never read: tune on dev")
    with tempfile.TemporaryDirectory() as work:
        cases = question_set(args.questions, Path(work)).cases
    print("| intent | " + " | ".join(COLUMNS) + " |\n|" + "---|" * (len(COLUMNS) + 1))
    for line in pool_table(cases, load_results(args.rows)):
        print("| " + " | ".join(map(str, line)) + " |")


if __name__ == "__main__":
    main()
