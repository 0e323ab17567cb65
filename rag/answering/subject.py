"""Whether a cited passage is about what the question asks about (the `subject` rule).

A small model asked about something the articles do not cover answers from the nearest passage and puts the
question's name on it: "who is bumble's new ceo?" came back "Bumble's new CEO is Changpeng Zhao [3]", from a
passage about Binance's chief executive. The sentence is close in meaning to the passage and every name in it
is in the question or the passages, so the support check passed it. A sentence that names the question's
subject is supported only by a passage that names it too (in any spelling: "Chinese" for China, "U.S." or
"United States" for US).

A sentence naming two of the question's things needs a passage that names both: asked "what did Japan say about
the Galwan Valley clash?", the model wrote "Japan said the Galwan Valley clash was a 'dispute' [1]" from a passage
that names Galwan and not Japan.

    >>> sorted(subject_names("Bumble's new CEO is Changpeng Zhao [3].", "who is bumble's new ceo?"))
    ['bumble']
    >>> runs = subject_runs("Rishi Sunak said China will speak up on Huawei [1].", "what did rishi sunak say about "
    ...                     "huawei?", "as we have done on Huawei")
    >>> [sorted(run) for run in runs]
    [['rishi', 'sunak'], ['huawei']]
    >>> names_subject({"china"}, "Chinese troops have built at least 186 huts.")
    True
"""

from __future__ import annotations

import calendar
import re

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


_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’.-]*)*")


def subject_runs(claim: str, question: str, passages: str, outlets: tuple[str, ...] = ()) -> list[set[str]]:
    """`subject_names` grouped by the name they are written in ("Rishi Sunak", "Huawei"): a passage must name
    each. The claim's capitalised first word counts only when it is not written in lower case elsewhere
    ("Troops have built …" is not a name), and a name the claim repeats inside the question's own phrasing does
    not count: "… was interviewed about Washington's new Hong Kong sanctions law [2]" restates the question.
    Nor does a named outlet ("According to TechCrunch, …"): it is where a passage comes from, not what it says."""
    text = MARKER.sub("", claim).strip()
    asked = subject_names(text, question) - _restated(text, question) - _words(" ".join(outlets))
    # The first word is a name unless written in lower case in the passages ("Troops …"), or in a question
    # that capitalises its names ("… in another TechCrunch article"); "what did japan say" capitalises none.
    cased = any(word[:1].isupper() for word in question.split()[1:])
    first = _sequence(text)[:1]
    if first and re.search(rf"\b{first[0]}\b", f"{passages} {question if cased else ''}"):
        asked -= set(first)
    runs = [_words(match.group(0)) & asked for match in _RUN.finditer(text)]
    return [names for names in runs if names]


_RESTATED_WORDS = 4  # "Washington's new Hong Kong sanctions law" copied from the question; "Rishi Sunak said" is not


def _restated(claim: str, question: str) -> set[str]:
    """The claim's words that stand in a run of at least `_RESTATED_WORDS` words copied from the question."""
    said, asked = _sequence(claim), " ".join(_sequence(question))
    found: set[str] = set()
    for i in range(len(said)):
        n = next((n for n in range(len(said) - i, _RESTATED_WORDS - 1, -1)
                  if f" {' '.join(said[i:i + n])} " in f" {asked} "), 0)
        found.update(said[i:i + n])
    return found


def _sequence(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", re.sub(r"['’]s\b", "", text.lower()))


def names_subject(names: set[str], passage: str) -> bool:
    """Whether the passage names any of `names`: as written, as an acronym of its capitalised runs ("United
    States" -> "us"), or as a form sharing the name's stem ("Chinese" for "china")."""
    held = _words(passage) | _acronyms(passage)
    return any(name in held or any(same_stem(name, word) for word in held) for name in names)


def same_stem(name: str, word: str) -> bool:
    """Two forms of one word: a shared prefix of at least `_SHARED_PREFIX` letters, the shorter word ending at
    most three letters after it ("china"/"chinese", "sign"/"signed")."""
    shorter = min(len(name), len(word))
    shared = next((i for i in range(shorter) if name[i] != word[i]), shorter)
    return shared >= _SHARED_PREFIX and shared >= shorter - 3


def _acronyms(text: str) -> set[str]:
    runs = re.findall(r"\b(?!The\b)[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+)+", text)
    dotted = re.findall(r"\b(?:[A-Z]\.){2,}", text)
    return {"".join(w[0] for w in run.split() if w != "of").lower() for run in runs} | {
        d.replace(".", "").lower() for d in dotted}
