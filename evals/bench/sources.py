"""Time to the sources, without the LLM: each question's retrieval and evidence selection (parse, retrieve,
plan, select), with a cold sentence cache, once with the sentence vectors the index run stored
(index/sentences.py) and once embedding them while the question waits, as before they were stored. The two
alternate, twice each, in one command; medians per question:

    python -m evals.bench.sources --suite news --split dev --work docs/eval/news/work
"""

from __future__ import annotations

import statistics
import time
from unittest import mock

from evals.bench.budget import prompt_passages, retrieval_chain, suite_parser
from evals.cases import Case
from rag.answering import evidence
from rag.chain import AnswerChain
from rag.retrieve import SentenceCache

ROUNDS = 2


def timed(chain: AnswerChain, cases: list[Case], stored: bool) -> list[float]:
    """Seconds to the sources for each question, nothing remembered from an earlier round."""
    chain._cache = SentenceCache()
    evidence._words.cache_clear()
    corpus = chain._corpus()
    seconds = []
    with mock.patch.object(corpus, "sentence_vectors", wraps=corpus.sentence_vectors if stored else lambda _: {}):
        for case in cases:
            started = time.perf_counter()
            prompt_passages(chain, case.question)
            seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    args = suite_parser(__doc__, "news").parse_args()
    with retrieval_chain(args.suite, args.split, args.limit, args.work) as (chain, cases):
        prompt_passages(chain, cases[0].question)  # the embedder and spaCy loaded before any clock runs
        runs: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(ROUNDS):
            for stored in (False, True):
                runs[stored].append(statistics.median(timed(chain, cases, stored)))
    print(f"{len(cases)} questions of {args.suite} {args.split}, median seconds to the sources, {ROUNDS} rounds each:")
    for stored, medians in runs.items():
        label = "sentence vectors stored" if stored else "embedded while the question waits"
        print(f"  {label}: {' '.join(f'{m:.3f}' for m in medians)}")


if __name__ == "__main__":
    main()
