"""How much of a question the selected passages hold, without the LLM: for a suite's closed yes/no questions
(grouped by their gold answer) and its unanswerable questions (closed or not), the share of each question's
names and numbers that occur in the passages (`rag.answering.citations.coverage`). A "No" verdict stands without a
citation when that share reaches `NO_VERDICT_COVERAGE` in rag/tuning.py; this is how it was chosen:

    python -m evals.bench.verdict --suite multihop --split dev
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from evals.bench.budget import prompt_passages, retrieval_chain, suite_parser
from evals.metrics import gold_polarity
from rag.answering.question import choices
from rag.answering.support import coverage
from rag.tuning import NO_VERDICT_COVERAGE


def _group(answers: tuple[str, ...], question: str) -> str | None:
    if not answers:
        return "unanswerable"
    return gold_polarity(answers) if choices(question) == ("Yes", "No") else None


def main() -> None:
    parser = suite_parser(__doc__, "multihop")
    parser.add_argument("--threshold", type=float, default=NO_VERDICT_COVERAGE)
    args = parser.parse_args()
    shares: dict[str, list[float]] = defaultdict(list)
    with retrieval_chain(args.suite, args.split, args.limit, args.work) as (chain, cases):
        for case in cases:
            group = _group(tuple(case.answers), case.question)
            if group is None:
                continue
            shares[group].append(coverage(case.question, prompt_passages(chain, case.question)))
    print(f"| questions | count | lowest share held | median | at or above {args.threshold} |\n|---|---|---|---|---|")
    for group in ("yes", "no", "unanswerable"):
        values = shares.get(group, [])
        if values:
            above = sum(v >= args.threshold for v in values)
            print(f"| {group} | {len(values)} | {min(values):.2f} | {statistics.median(values):.2f} |"
                  f" {above}/{len(values)} |")


if __name__ == "__main__":
    main()
