"""`news`: the questions people ask a news archive, over the bundled sample articles and the MultiHop-RAG
evidence corpus (see README.md here). About half factoid (a fact, two articles, a follow-up, a plausible
question the articles do not answer), half open-ended (summary, timeline, list, why/how, comparison,
latest), each open question with 3 to 6 nuggets. Every question carries its intent."""

from __future__ import annotations

from pathlib import Path

from evals.cases import Suite, read_cases
from evals.suites import multihop
from evals.suites.seed import ARTICLES

HERE = Path(__file__).resolve().parent
FILES = ("news_seed.jsonl", "news_multihop.jsonl")


def load(work: Path) -> Suite:
    cases = [case for name in FILES for case in read_cases(HERE / name, "dev")]
    corpus = multihop.corpus_file(work)
    notes = ["Questions written the way people type them, from the articles alone, by someone who had not seen "
             "newsrag's answers. Open-ended questions are scored by their nuggets: **nugget recall** (share of "
             "the key points the answer states, by alias as whole words), **citations on a nugget** (share of "
             "the answer's citations whose passage holds a nugget's sentence), **timeline order** (share of "
             "pairs of dated nuggets stated in date order) and **answer words**. naive may write 400 answer "
             "tokens on open-ended questions (newsrag its default)."]
    return Suite("news", cases, [ARTICLES, corpus], work / "news-home", notes)
