"""Whether each half of a two-part yes/no question ("Does A suggest X, while B indicates Y?") is matched by a
sentence of the passages that reach the prompt, without the LLM. For each part, the best MiniLM similarity
between the part and a sentence from the outlet it names (any passage when it names none); the weaker half
is the question's score. Prints how well that score ranks "yes" golds above "no" golds on a suite's split:

    python -m evals.bench.halves --suite multihop --split dev

A measurement for a future rule (nothing in rag/ reads it yet): MultiHop's "no" comparisons are often false
premises whose passages hold every name, so the model's "Yes" passes the name checks.
"""

from __future__ import annotations

import statistics

from evals.bench.budget import prompt_passages, retrieval_chain, suite_parser
from evals.metrics import gold_polarity
from rag.answering import outlets
from rag.answering.outlets import outlet_of
from rag.answering.question import choices, question_parts
from rag.chain import AnswerChain
from rag.text import sentences
from rag.types import Passage


def outlet_passages(chain: AnswerChain, part: str, passages: list[Passage]) -> list[Passage]:
    """The passages from the outlets a question part names; all of them when it names none."""
    named = outlets.lookup(chain._corpus())(part)
    return [p for p in passages if not named or outlet_of(p.title) in named]


def weaker_half(chain: AnswerChain, question: str, parts: list[str]) -> float:
    passages = prompt_passages(chain, question)
    best = []
    for part in parts:
        pool = [s for p in outlet_passages(chain, part, passages) for s in sentences(p.text)]
        if not pool:
            best.append(0.0)
            continue
        vector = chain.parts.embedder.embed([part], "query")[0]
        best.append(float(max(chain.parts.embedder.embed(pool, "document") @ vector)))
    return min(best)


def auc(high: list[float], low: list[float]) -> float:
    """The chance that a score from `high` exceeds one from `low` (ties count half)."""
    pairs = [(a > b) + 0.5 * (a == b) for a in high for b in low]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def main() -> None:
    parser = suite_parser(__doc__, "multihop")
    args = parser.parse_args()
    scores: dict[str, list[float]] = {"yes": [], "no": []}
    with retrieval_chain(args.suite, args.split, args.limit, args.work) as (chain, cases):
        for case in cases:
            gold = gold_polarity(case.answers)
            parts = question_parts(case.question)
            if gold and choices(case.question) == ("Yes", "No") and len(parts) >= 2:
                scores[gold].append(weaker_half(chain, case.question, parts))
    print("| gold | questions | median weaker-half similarity |\n|---|---|---|")
    for gold, values in scores.items():
        print(f"| {gold} | {len(values)} | {statistics.median(values) if values else float('nan'):.3f} |")
    print(f"\nAUC (weaker half ranks yes above no): {auc(scores['yes'], scores['no']):.3f}")


if __name__ == "__main__":
    main()
