"""What reaches the prompt, without the LLM: for variants of the named-outlet search and selection bonus, how
many of a question's gold articles the selected passages come from, and how many questions have passages
that hold every name and number they ask about (`rag.answering.citations.covered`), on a suite's dev split. This is
how `per_outlet` and `named_outlet` in rag/tuning.py were chosen:

    python -m evals.bench.selection --suite multihop --split dev --variant 0:0 --variant 2:0.5

A variant is PER_OUTLET:NAMED_OUTLET (chunks searched per named outlet, selection bonus).
"""

from __future__ import annotations

import rag.chain
from evals.bench.budget import prompt_passages, retrieval_chain, suite_parser
from evals.cases import Case
from rag.answering.support import covered
from rag.chain import AnswerChain
from rag.tuning import SELECTION


def _from(title: str, gold: str) -> bool:
    """A passage's title is a gold article's title, with or without the outlet it ends in."""
    return title == gold or title.startswith(f"{gold} — ")


def measure(chain: AnswerChain, cases: list[Case], per_outlet: int, bonus: float) -> dict[str, float]:
    rag.chain.PER_OUTLET, SELECTION["named_outlet"] = per_outlet, bonus
    found = wanted = complete = held = 0
    for case in cases:
        passages = prompt_passages(chain, case.question)
        hits = sum(any(_from(p.title, gold) for p in passages) for gold in case.titles)
        found, wanted, complete = found + hits, wanted + len(case.titles), complete + (hits == len(case.titles))
        held += covered(case.question, passages)
    return {"gold_articles": found / max(wanted, 1), "all_gold_articles": complete, "covered": held,
            "questions": len(cases)}


def main() -> None:
    parser = suite_parser(__doc__, "multihop")
    parser.add_argument("--variant", action="append", help="PER_OUTLET:NAMED_OUTLET, e.g. 2:0.5")
    args = parser.parse_args()
    variants = [(int(a), float(b)) for a, b in (v.split(":") for v in args.variant or ["0:0", "2:0.5"])]
    with retrieval_chain(args.suite, args.split, args.limit, args.work) as (chain, cases):
        print("| per_outlet | named_outlet | gold articles in the prompt | questions with all of them |"
              " questions whose names the passages hold |\n|---|---|---|---|---|")
        for per_outlet, bonus in variants:
            r = measure(chain, cases, per_outlet, bonus)
            print(f"| {per_outlet} | {bonus} | {r['gold_articles']:.3f} | {r['all_gold_articles']}/{r['questions']} |"
                  f" {r['covered']}/{r['questions']} |", flush=True)


if __name__ == "__main__":
    main()
