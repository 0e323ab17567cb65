"""Whether an open question that asks several things ("How many X …, and how many Y …?") is answered better
part by part: each part retrieved for, selected and put to the model on its own, the replies joined, against
the whole answers of a committed run. Scored by the suite's gold rule (`evals.scores.is_right`):

    python -m evals.bench.parts --suite seed --split dev --rows docs/eval/seed/results/seed-newsrag.jsonl

A measurement for a rule nothing in rag/ has yet. Seed dev's multi-part questions lose a part in the whole
answer: the model repeats one article's title in place of the second figure, or names one person twice.
Seed dev has only three questions the cheap split divides (s31, s33, s34): whole answers right on 1, part by
part on 2 (s34's second figure now answered), at a median 14.3 s a question for all parts. The "Which two
X, one A and the other B?" questions (s29, s30, s32, s35) are not split by the rule and not measured here.
"""

from __future__ import annotations

import time
from pathlib import Path

from langchain_core.output_parsers import StrOutputParser

from evals.bench.budget import prompt_passages, retrieval_chain, suite_parser
from evals.metrics import median
from evals.report import load_results
from evals.scores import is_right
from rag.answering.prompt import PROMPT, human_message
from rag.answering.question import choices, question_parts
from rag.config import Settings
from rag.models.llm import build_chat_model


def main() -> None:
    parser = suite_parser(__doc__, "seed")
    parser.add_argument("--rows", type=Path, help="a results file whose whole answers to compare with")
    args = parser.parse_args()
    rows = load_results(args.rows) if args.rows else {}
    generate = PROMPT | build_chat_model(Settings.load()) | StrOutputParser()
    tally = {"whole": 0, "parts": 0, "questions": 0}
    seconds = []
    print("| id | whole | parts | answer part by part |\n|---|---|---|---|")
    with retrieval_chain(args.suite, args.split, args.limit, args.work) as (chain, cases):
        for case in cases:
            parts = question_parts(case.question)
            if len(parts) < 2 or choices(case.question) is not None:
                continue
            started = time.perf_counter()
            replies = [generate.invoke(human_message(part, prompt_passages(chain, part))).strip() for part in parts]
            seconds.append(time.perf_counter() - started)
            text = "\n".join(replies)
            row = {"answer": text, "refused": False, "error": None}
            whole = case.id in rows and is_right(case, rows[case.id])
            parted = is_right(case, row)
            tally["whole"] += whole
            tally["parts"] += parted
            tally["questions"] += 1
            print(f"| {case.id} | {whole} | {parted} | {text[:300]!r} |")
    print(f"\nright: whole {tally['whole']}, part by part {tally['parts']}, of {tally['questions']}")
    if seconds:
        print(f"median seconds per question (all parts): {median(seconds):.1f}")


if __name__ == "__main__":
    main()
