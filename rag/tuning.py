"""The answer path's tuned constants in one place, with where each value came from. Values are calibrated
for the bundled all-MiniLM-L6-v2 embedder (its cosine similarities) and were chosen on the `dev` splits only
(`seed` dev, `multihop` dev); `test` figures in the README were never looked at while choosing them.
"""

from __future__ import annotations

# Retrieval (rag/retrieve.py). `rrf_k` is the constant of the reciprocal rank fusion paper (Cormack et al.
# 2009). The pool sizes and the rescoring weights were set on the seed questions that are now the dev split,
# before the test split existed, by reading hit@4 / MRR of the retrieval config (`newsrag eval seed --config
# retrieval`): sentence similarity is the strongest signal, lexical evidence catches names and numbers,
# and the fused rank breaks ties.
RETRIEVAL: dict[str, float] = {
    "rrf_k": 60,
    "pool": 20,  # candidates from each retriever (dense, keyword)
    "rescore": 12,  # fused candidates that get sentence-level rescoring
    "duplicate_jaccard": 0.6,  # word-set overlap above which two passages are the same story
    "w_sentence": 0.55,  # weight of the question's similarity to the chunk's best sentences
    "w_lexical": 0.25,  # weight of the IDF-weighted share of question words in the chunk
    "w_fused": 0.20,  # weight of the normalised fused rank
    "per_article": 2,  # at most this many chunks of one article while other articles remain
    # A question that names an outlet ("Does The Verge article ...") also gets the best `per_outlet` chunks of
    # that outlet's articles (per part of the question), chosen from its `rescore_outlet` best keyword hits.
    # On the 326 articles of the MultiHop dev index the plain search already finds them (no change in the
    # prompts of its 250 questions); in an archive with many outlets' stories of one event it does not.
    "per_outlet": 2,
    "rescore_outlet": 6,
    # A query word held by more than this share of the chunks (and more than `common_floor` of them) is left
    # out of the keyword search: its BM25 weight is small, and its posting list is what makes a search grow
    # with the archive. It still counts in the lexical rescoring. Set from `make bench-scale` (a 10,000-article
    # archive); an index of fewer than 2,000 chunks never drops a word, so no eval suite's retrieval changes.
    "common_share": 0.05,
    "common_floor": 2000,
}

# Citation support (rag/answering/citations.py): a cited sentence is supported when its names and figures occur in
# what the model was given and it is close in meaning to a sentence of its passage or shares most of its
# words. Set on seed dev answers (then the whole seed set) by reading MiniLM similarities of right and wrong
# citations: a restated fact scores about 0.6-0.9, a neighbouring but different fact 0.3-0.5.
SUPPORT: dict[str, float] = {"similarity": 0.55, "lexical": 0.6}

# A passage verb counts as the verb a yes/no question asks about when its lemma is at least this close to it
# (MiniLM, the two words embedded alone; rag/answering/prospect.py). Read from word pairs, not tuned on a
# question set: a synonym scores 0.5-0.9 ("bought"/"acquired" 0.66, "killed"/"died" 0.79, "worldwide"/"globally"
# 0.81), a word of the same story 0.25-0.46 ("won"/"heads" 0.26, "won"/"game" 0.46).
EVENT_SIMILARITY = 0.5

# Initials the embedder already reads as their name are not written out (rag/answering/initials.py): MiniLM,
# the two embedded alone, puts a well-known short form at 0.60-0.83 of its name ("US", "UK", "EU", "UN", "FBI",
# "NFL", "NBA") and a name it does not know at 0.18-0.49 ("SBF" 0.29, "CZ" 0.33, "FTC" 0.38, "SEC" 0.49, "DOJ"
# 0.22). Read from those pairs, not tuned on a question set.
INITIALS_KNOWN = 0.55

# A "No" to a closed question stands without a citation when the passages hold at least this share of the
# question's names and numbers ("Yes" needs all of them: it affirms every compared fact). On MultiHop dev
# (`python -m evals.bench.verdict --suite multihop --split dev`, retrieval and selection only) the passages
# held 0.6 or more for 49 of 50 closed "no" questions and for 4 of its 36 unanswerable ones (median 0.22;
# none of those is a yes/no question). In the first 60 dev questions' run, four "No" answers the model gave
# on passages lacking a name were shown as refusals, and all four golds were "no".
NO_VERDICT_COVERAGE = 0.6

# A question that asks for a name and describes it at length ("Who is the individual who ..., as reported by
# A, B and C?") needs a sentence from each article that describes it, and the name is often in none of the
# sentences the 250-token budget keeps. Such questions get a wider budget. On the first 60 MultiHop dev
# questions, 400 tokens for every question took inference questions 0.765 -> 0.882 (17) but comparisons
# 0.682 -> 0.591 (22); a name question of 25 words or more is 61 of MultiHop dev's 78 inference questions,
# none of its comparisons, and no seed dev question.
WIDE_CONTEXT: dict[str, int] = {"tokens": 400, "question_words": 25}

# A "when" question whose model answer is refused is answered with the passage sentence that holds a date and
# at least this share of the question's words (rag/answering/dating.py). Chosen before any run, not tuned; the
# `dating` rule's dev ablation (docs/eval/ablation.md, round five) fired on no unanswerable question with it.
DATING_SHARE = 0.6

# An open question (a list, a summary, …) is broader than a fact, and its best passage scores lower: the refusal
# floor for it is `min_score` less this. On the news dev open questions and the 28 dev lists of round nine, the
# lowest best-passage score of an answerable one was 0.416 (0.45 refused it) and the highest of 10 of 12 written
# about what the articles do not hold, 0.39 (docs/eval/ablation.md, round nine).
OPEN_FLOOR_DROP = 0.05

# Evidence selection (rag/answering/evidence.py). A sentence's relevance is its similarity to the question (0..1)
# plus half its lexical evidence (0..1) plus `chunk_prior` x its chunk's rescored score; the gains below
# are added to it while choosing. Set by reading the scores of seed dev questions (answer sentences score
# about 0.9-1.3, unrelated ones 0.3-0.6); `min_gain` 0.5 rather than 0.75 put gold evidence in the context
# for 41 rather than 39 of the 46 seed dev questions that have evidence (`evals/bench/budget.py`).
SELECTION: dict[str, float] = {
    "chunk_prior": 0.3,  # a sentence of a better chunk is a little more likely to matter
    "cover": 0.3,  # per part of the question, the share of its IDF weight a sentence newly covers
    "new_article": 0.05,  # a second article helps multi-article questions
    # From an outlet the question names ("Does The Verge say ...") that nothing chosen is from: at 0.5 the named
    # outlet's best sentence is always taken. On all 250 MultiHop dev questions (retrieval and selection only),
    # gold articles in the prompt 0.696 -> 0.742 (0.3) -> 0.746 (0.5); questions whose passages hold every
    # name they ask about 116 -> 139 -> 142.
    "named_outlet": 0.5,
    "answer_type": 0.15,  # holds the kind of answer asked for (a number for "how long", a name for "who")
    "adjacent": 0.1,  # next to a chosen sentence: the answer often follows the best-matching sentence
    "min_gain": 0.5,  # below this, a sentence is not worth its tokens (the best one is always taken)
    "neighbours_of": 6,  # the best sentences whose neighbours in the article are also candidates
}

# Extractive open answers (rag/answering/strategies/extractive.py): the `articles` best retrieved articles are read
# whole (sentences gaining at least `min_gain`, up to `evidence_tokens`); a line's relevance is its similarity to
# the question (0..1) plus `lexical` x its share of the question's IDF weight; a line is shown when it scores at
# least `share` x the best line's score and above `floor`, from an article on the topic whose best line scores at
# least `gate` x the best article's (a summary's and a why's: the second best article's, round sixteen; a
# timeline's and the latest's gate is `story_gate`). Chosen on the 42 news dev open questions
# (docs/eval/ablation.md, "Round seven": nugget recall 0.462 -> 0.500, citations on a nugget 0.563 -> 0.633; "Round
# eight": the timeline gate); share 0.7 -> 0.5 and the lexical term earlier (0.343 -> 0.383 on 28 of them).
EXTRACTIVE: dict[str, float] = {
    "evidence_tokens": 2000,  # sentences read for the lines (no prompt: reading more costs no generation)
    "passages": 14,
    "articles": 5,
    "min_gain": 0.3,
    "share": 0.3,
    "gate": 0.7,
    "lexical": 0.5,  # a line's relevance: similarity + this x its share of the question's IDF weight
    "floor": 0.25,
    "summary_lines": 6,  # 5 -> 6 and why 5 -> 7: 41 dev summaries and whys 0.424 -> 0.461 (round thirteen)
    "timeline_lines": 7,  # dated by their sentence first, then the best others at their article's date (round eleven)
    # a timeline's and the latest's article gate (0.7 kept one article's events; none let in other stories); the
    # latest had none until round fourteen (23 dev latest questions: citations on a nugget 0.475 -> 0.496, same
    # nuggets)
    "story_gate": 0.5,
    "latest_lines": 4,
    "latest_recency": 0.2,  # added to the relevance of the newest article's lines (less for older ones)
    "why_lines": 7,
    "list_items": 8,
    "list_pool": 30,  # the most relevant lines a list reads names from
    "list_lines": 6,  # a list of things (not names of a kind): its most relevant lines
    "compare_lines": 4,  # lines per side: 3 -> 4 took 22 dev comparisons 0.497 -> 0.523 (round twelve; 5 no more)
    "compare_sides": 3,  # outlets shown when the question asks how "the outlets" told it
    "roster_articles": 30,  # the newest articles whose names answer "who is mentioned the most?" (every chunk read)
    "overview_articles": 6,  # the newest articles whose opening line answers a question about the whole collection
}

# The shown confidence (rag/answering/confidence.py): sigmoid of a weighted sum of its features, one set of weights for
# answers and one for refusals, fitted on the pooled seed dev rows (65) and MultiHop dev rows (the first 200)
# in docs/eval/calibration/ by `python -m evals.calibrate seed=docs/eval/calibration/seed-newsrag-dev.jsonl
# multihop=docs/eval/calibration/multihop-newsrag-dev.jsonl`. The rows are a run of fb375d9 (this answer path)
# with each answer's signals kept (`Result.signals`, patched in for that run only: a field in evals/configs.py
# would make the baselines' committed rows stale). Read on those dev rows, the calibration error went
# 0.174 -> 0.083 on seed and 0.081 -> 0.104 on MultiHop against the previous map (fitted on 125 rows of
# f8f2640). None shows the raw value.
CALIBRATION: dict[str, dict[str, float]] | None = {
    # 215 dev answers, 170 right
    "answer": {"raw": 0.032, "covered": 0.213, "closed": -0.347, "bias": 1.481, "relative_length": -0.608},
    # 50 dev refusals, 38 right
    "refusal": {"raw": 0.432, "covered": -1.032, "closed": -1.091, "bias": 1.498},
}
