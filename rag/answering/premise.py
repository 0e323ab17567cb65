"""A why question's premise: the things it names must meet in a passage (the `premise` rule).

Asked "Why did Apple buy TikTok?" (Apple never did), the why answer showed the most relevant lines it had: one
on Microsoft's bid for TikTok, one on Zhao Lijian's briefing, one from a review of Apple's MacBook. Each line
names Apple or TikTok, none both: the articles tell of no such thing, so there is no reason to give. When a
why question names two things or more (runs of name words: "Apple", "TikTok"), a passage its lines come from
must name every one of them (a hyphened run, "US-China", by any of its parts); else it is refused.

    >>> unmet("Why did Apple buy TikTok?", ["Microsoft bid for TikTok.", "Apple's MacBook review."])
    ['apple', 'tiktok']
    >>> unmet("Why did Microsoft bid for TikTok?", ["Microsoft bid for TikTok.", "Apple's MacBook review."])
    []
    >>> unmet("why is the housing market so bad right now", ["Mortgage rates rose."])
    []
    >>> unmet("Why does the Hong Kong professor think US-China ties are spiralling?", ["Hong Kong's Law: the US acts."])
    []
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answering.bearing import asked_names
from rag.answering.policy import Policy
from rag.answering.spec import QuestionSpec
from rag.answering.subject import names_subject
from rag.answering.support import _given
from rag.text import words
from rag.trace import Trace
from rag.types import Passage


def unpremised(spec: QuestionSpec, passages: list[Passage], cited: list[int], policy: Policy, trace: Trace) -> bool:
    """Whether a why answer whose lines come from the `cited` passages (1-based) is refused; the question's
    names are looked up in every passage it read."""
    if spec.intent != "why" or not cited:
        return False
    given = [_given(p) for p in passages]
    names = unmet(spec.question, [given[m - 1] for m in cited], given)
    if not names:
        return False
    return trace.refuses("premise", policy.on("premise"),
                         f"no passage its lines come from names {' and '.join(names)} together")


def unmet(question: str, cited: Sequence[str], given: Sequence[str] = ()) -> list[str]:
    """The question's names (one word for each run of name words), when it names two or more and no cited text
    names them all; empty otherwise."""
    runs = _runs(question, asked_names(question, [*cited, *given]))
    if len(runs) < 2 or any(all(names_subject(set(run), text) for run in runs) for text in cited):
        return []
    return [" ".join(run) for run in runs]


def _runs(question: str, names: set[str]) -> list[list[str]]:
    """The runs of consecutive name words in the question ("Sam Bankman-Fried", "FTX")."""
    found: list[list[str]] = [[]]
    for word in words(re.sub(r"['’]s\b", "", question)):
        if word in names:  # "US-China" is named by a passage naming the US or China
            found[-1].extend([word, *word.split("-")] if "-" in word else [word])
        elif found[-1]:
            found.append([])
    return [run for run in found if run]
