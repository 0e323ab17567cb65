"""Whether the model, asked about one half of a two-part yes/no question at a time, tells "yes" golds from
"no" golds better than its own answer to the whole question does. For each half, the passages that would
reach the prompt (those of the outlet the half names, if it names one) and a short prompt: does this hold,
Yes or No? A question is checked "yes" when every half is. Compares with the verdicts of a committed run:

    python -m evals.bench.halfcheck --suite multihop --split dev \
        --rows docs/eval/multihop-dev/results/multihop-newsrag.jsonl --work docs/eval/multihop/work

The measurement behind rag/answering/halves.py, with its prompt and passages. MultiHop's "no" comparisons are often
false premises whose passages hold every name, and the model answers the whole question "Yes". On the whole MultiHop dev
split (47 such questions) the halves checked one at a time are right on 37: 23 of 26 "yes" golds and 14 of
21 "no" golds, at a median 7.2 s a question; on the first 60 dev questions (14 such), the whole answers of
the committed run were right on 10 (7 of 7 "yes", 3 of 7 "no") and the checks on 11.
"""

from __future__ import annotations

import time
from pathlib import Path

from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable

from evals.bench.budget import prompt_passages, retrieval_chain, suite_parser
from evals.metrics import gold_polarity, median, polarity
from evals.report import load_results
from rag.answering import outlets
from rag.answering.halves import CHECK, check_part
from rag.answering.question import choices, question_parts, verdict
from rag.chain import AnswerChain
from rag.config import Settings
from rag.models.llm import build_chat_model


def check_halves(chain: AnswerChain, generate: Runnable[dict[str, str], str], question: str,
                 parts: list[str]) -> list[str | None]:
    """The model's Yes/No for each half, against the prompt passages of the outlet that half names."""
    passages = prompt_passages(chain, question)
    said = []
    for part in parts:
        _, reply, _ = check_part(generate, part, passages, outlets.lookup(chain._corpus()))
        said.append({"Yes": "yes", "No": "no"}.get(verdict(reply, ("Yes", "No")) or ""))
    return said


def main() -> None:
    parser = suite_parser(__doc__, "multihop")
    parser.add_argument("--rows", type=Path, help="a results file whose verdicts to compare with")
    args = parser.parse_args()
    rows = load_results(args.rows) if args.rows else {}
    answered = {case_id: None if row["refused"] else polarity(row["answer"]) for case_id, row in rows.items()}
    generate = CHECK | build_chat_model(Settings.load()) | StrOutputParser()
    counts: dict[tuple[str, str], int] = {}
    seconds = []
    print("| id | gold | whole answer | halves checked |\n|---|---|---|---|")
    with retrieval_chain(args.suite, args.split, args.limit, args.work) as (chain, cases):
        for case in cases:
            gold = gold_polarity(case.answers)
            parts = question_parts(case.question)
            if not gold or choices(case.question) != ("Yes", "No") or len(parts) < 2:
                continue
            started = time.perf_counter()
            halves = check_halves(chain, generate, case.question, parts)
            seconds.append(time.perf_counter() - started)
            checked = "yes" if all(h == "yes" for h in halves) else "no"
            counts[(gold, checked)] = counts.get((gold, checked), 0) + 1
            whole = answered.get(case.id, "-")
            print(f"| {case.id} | {gold} | {whole} | {checked} ({', '.join(str(h) for h in halves)}) |")
    print("\n| gold | checked yes | checked no |\n|---|---|---|")
    for gold in ("yes", "no"):
        print(f"| {gold} | {counts.get((gold, 'yes'), 0)} | {counts.get((gold, 'no'), 0)} |")
    if seconds:
        print(f"\nmedian seconds per question (all halves): {median(seconds):.1f}")


if __name__ == "__main__":
    main()
