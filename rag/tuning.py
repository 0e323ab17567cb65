"""The answer path's tuned constants in one place, with where each value came from. Values are calibrated
for the bundled all-MiniLM-L6-v2 embedder (its cosine similarities) and were chosen on the `dev` splits only
(`seed` dev, `multihop` dev); `test` figures in the README were never looked at while choosing them.
"""

from __future__ import annotations

# Evidence selection (rag/evidence.py). A sentence's relevance is its similarity to the question (0..1)
# plus half its lexical evidence (0..1) plus `chunk_prior` x its chunk's rescored score; the gains below
# are added to it while choosing. Set by reading the scores of seed dev questions (answer sentences score
# about 0.9-1.3, unrelated ones 0.3-0.6); `min_gain` 0.5 rather than 0.75 put gold evidence in the context
# for 41 rather than 39 of the 46 seed dev questions that have evidence (`evals/bench_budget.py`).
SELECTION: dict[str, float] = {
    "chunk_prior": 0.3,  # a sentence of a better chunk is a little more likely to matter
    "cover": 0.3,  # per part of the question, the share of its IDF weight a sentence newly covers
    "new_article": 0.05,  # a second article helps multi-article questions
    "answer_type": 0.15,  # holds the kind of answer asked for (a number for "how long", a name for "who")
    "adjacent": 0.1,  # next to a chosen sentence: the answer often follows the best-matching sentence
    "min_gain": 0.5,  # below this, a sentence is not worth its tokens (the best one is always taken)
    "neighbours_of": 6,  # the best sentences whose neighbours in the article are also candidates
}

# The shown confidence: sigmoid(a * raw + b) of the chain's raw confidence (retrieval margin and verified
# citations), one (a, b) for answers and one for refusals, fitted on seed dev rows by `evals/calibrate.py`.
# None shows the raw value (how the rows that a fit reads are made).
CALIBRATION: dict[str, tuple[float, float]] | None = None
