"""Whether a cited passage is about what the question asks about (the `subject` rule).

A small model asked about something the articles do not cover answers from the nearest passage and puts the
question's name on it: "who is bumble's new ceo?" came back "Bumble's new CEO is Changpeng Zhao [3]", from a
passage about Binance's chief executive. The sentence is close in meaning to the passage and every name in it
is in the question or the passages, so the support check passed it. A sentence that names the question's
subject is supported only by a passage that names it too (in any spelling: "Chinese" for China, "U.S." or
"United States" for US).

    >>> sorted(subject_names("Bumble's new CEO is Changpeng Zhao [3].", "who is bumble's new ceo?"))
    ['bumble']
    >>> names_subject({"china"}, "Chinese troops have built at least 186 huts.")
    True
    >>> names_subject({"sbf"}, "Sam Bankman-Fried was found guilty.")
    True
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Iterable

from rag.answering.names import TITLES
from rag.text import MARKER, STOPWORDS

_CALENDAR = frozenset(n.lower() for n in [*calendar.month_name, *calendar.month_abbr, *calendar.day_name] if n)
_SHARED_PREFIX = 4  # "china"/"chinese", "britain"/"british", "russia"/"russian"


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", re.sub(r"['’]s\b", "", text.lower())))


def subject_names(claim: str, question: str) -> set[str]:
    """The words a claim writes as a name (capitalised, its first word too) that the question holds, typed in
    any case; titles ("CEO"), dates and stopwords aside."""
    capitalised = " ".join(re.findall(r"\b[A-Z][\w'’.-]*", MARKER.sub("", claim)))
    return {w for w in _words(capitalised) & _words(question)
            if len(w) > 1 and w not in STOPWORDS and w not in TITLES and w not in _CALENDAR and not w.isdigit()}


def names_subject(names: set[str], passage: str) -> bool:
    """Whether the passage names any of `names`: as written, as an acronym of its capitalised runs ("United
    States" -> "us"), or as a form sharing the name's stem ("Chinese" for "china")."""
    return any_held(names, _words(passage) | _acronyms(passage))


def any_held(words: Iterable[str], held: Collection[str]) -> bool:
    """Whether any of `words` is in `held` as written or as a form sharing its stem (`same_stem`)."""
    return any(w in held or any(same_stem(w, h) for h in held) for w in words)


def same_stem(name: str, word: str) -> bool:
    """Two forms of one word: a shared prefix of at least `_SHARED_PREFIX` letters, the shorter word ending at
    most three letters after it ("china"/"chinese", "sign"/"signed")."""
    shorter = min(len(name), len(word))
    shared = next((i for i in range(shorter) if name[i] != word[i]), shorter)
    return shared >= _SHARED_PREFIX and shared >= shorter - 3


def _acronyms(text: str) -> set[str]:
    """The initials of its runs of capitalised words, a hyphened name's parts each counted too ("Sam
    Bankman-Fried" -> "sb" and "sbf"), and its dotted initials ("U.S." -> "us")."""
    run = r"\b(?!The\b)[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+)+"
    runs = re.findall(run, text) + re.findall(run, text.replace("-", " "))
    dotted = re.findall(r"\b(?:[A-Z]\.){2,}", text)
    return {"".join(w[0] for w in run.split() if w != "of").lower() for run in runs} | {
        d.replace(".", "").lower() for d in dotted}
