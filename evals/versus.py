"""Two runs of the same dev questions, question by question: which factoid answers one gets right and the
other wrong (the one scoring rule, `evals.scores.is_right`), how each open answer's nugget recall, citations on
a nugget and timeline order moved, and the fact first-token medians. This is how a change is read against its
base in docs/eval/ablation.md (both runs from one script, one after the other):

    python -m evals.versus news:dev BASE.jsonl CHANGED.jsonl
    python -m evals.versus docs/eval/ablation-timelines/timelines.jsonl:all BASE.jsonl CHANGED.jsonl

Rows of test-split questions are never compared: they are dropped, and the count dropped is printed.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path
from typing import Any

from evals.cases import Case
from evals.metrics import mean, median
from evals.report import load_results
from evals.scores import OpenScores, is_right, open_row
from evals.suites import question_set


def compare(cases: list[Case], base: dict[str, dict[str, Any]], changed: dict[str, dict[str, Any]]) -> list[str]:
    """The lines the command prints, for the cases both runs answered."""
    both = [c for c in cases if c.id in base and c.id in changed and c.split != "test"]
    factoid = [c for c in both if not c.open_ended]
    right = {c.id: (is_right(c, base[c.id]), is_right(c, changed[c.id])) for c in factoid}
    out = [f"factoid: {len(factoid)}; right {sum(a for a, _ in right.values())} -> "
           f"{sum(b for _, b in right.values())}; gained {[i for i, (a, b) in right.items() if b and not a]} "
           f"lost {[i for i, (a, b) in right.items() if a and not b]}; "
           f"answers changed {sum(base[c.id].get('answer') != changed[c.id].get('answer') for c in factoid)}"]
    firsts = [_median([r[c.id] for c in factoid], "t_first_token") for r in (base, changed)]
    out.append(f"  first token median (answers the model wrote): {_shown(firsts[0])} -> {_shown(firsts[1])}")
    opened = [(c, open_row(c, base[c.id]), open_row(c, changed[c.id])) for c in both if c.open_ended]
    for c, a, b in opened:
        if _row(a) != _row(b):
            out.append(f"  {c.id} ({c.intent}): recall, cited, order {_row(a)} -> {_row(b)}")
    for name in ("recall", "cited", "order"):
        means = [mean([getattr(s[k], name) for s in opened]) for k in (1, 2)]
        out.append(f"open {name}: {_shown(means[0])} -> {_shown(means[1])} ({len(opened)} open questions)")
    return out


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return median([r[key] for r in rows if r.get(key) and (r.get("trace") or {}).get("model_tokens")])


def _shown(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"


def _row(scores: OpenScores) -> str:
    return " ".join(_shown(v) for v in (scores.recall, scores.cited, scores.order))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", help="SUITE_OR_FILE:SPLIT, e.g. news:dev or a question file with :all")
    parser.add_argument("base", type=Path, help="the base run's results file (RUN/results/SUITE-newsrag.jsonl)")
    parser.add_argument("changed", type=Path, help="the changed run's results file")
    args = parser.parse_args()
    if args.questions.endswith(":test"):
        parser.error("test rows are never compared: tune on dev")
    with tempfile.TemporaryDirectory() as work:
        cases = question_set(args.questions, Path(work)).cases
    held_out = sum(c.split == "test" for c in cases)
    if held_out:
        print(f"({held_out} test-split questions left out)")
    print("\n".join(compare(cases, load_results(args.base), load_results(args.changed))))


if __name__ == "__main__":
    main()
