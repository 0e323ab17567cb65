"""The outlets a question names ("Does The Verge article say ..., while TechCrunch reports ...?").

A question that says where something was reported wants that outlet's article, but its other words often
match another outlet's story of the same event better, so the named article never reaches the prompt. The
outlet rides in each title ("… — The Verge", index/load.py), so a named outlet can be searched on its own.

    >>> named("Did the Guardian and CNBC agree?", ["The Guardian", "Cnbc", "The Age"])
    ['The Guardian', 'Cnbc']
    >>> named("Who won at the age of 19?", ["The Age"])
    []
    >>> without_taglines("Did The Roar | Sports Writers Blog agree?", ["The Roar"])
    'Did The Roar agree?'
    >>> attributed("what did the verge say about the trial?", ["The Verge"])
    ['The Verge']
    >>> attributed("is tiktok on the verge of a sale?", ["The Verge"])
    []
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from rag.store.corpus import Corpus
from rag.store.outlet import _TAGLINE_SEPARATOR, SEPARATOR, outlet_of, short_name
from rag.trace import Trace

if TYPE_CHECKING:
    from rag.retrieve import Scored

__all__ = ["SEPARATOR", "asked", "attributed", "lookup", "named", "outlet_of", "own_chunks", "short_name", "without",
           "without_taglines"]


def lookup(corpus: Corpus) -> Callable[[str], list[str]]:
    """The outlets of `corpus` a question names."""
    return lambda question: named(question, corpus.outlets())


def named(question: str, outlets: Iterable[str]) -> list[str]:
    """The outlets `question` mentions, in the order it mentions them. A name counts when it is written with
    a capital ("Fortune", "CNBC", "the Guardian"), so "at the age of 19" is not The Age."""
    found: list[tuple[int, str]] = []
    for outlet in set(outlets):
        match = _mention(outlet, question)
        if match is not None:
            found.append((match.start(), outlet))
    return [outlet for _, outlet in sorted(found)]


# What follows an outlet's name when a question asks what it reported ("what did the verge say", "fortune's take",
# "techcrunch coverage"), and what comes before it ("according to cnbc"): so typed in lower case it is the outlet,
# where "on the verge of" or "at the age of" is not.
_REPORTED = re.compile(
    r"\s*(?:['’]s\s+)?(?:been\s+)?(?:say|says|said|saying|report|reports|reported|reporting|write|writes|wrote|written|"
    r"writing|cover|covers|covered|covering|coverage|claim|claims|claimed|describe|describes|described|tell|tells|"
    r"told|think|thinks|thought|suggest|suggests|suggested|note|notes|noted|mention|mentions|mentioned|argue|argues|"
    r"argued|article|articles|story|stories|piece|pieces|take|headline|headlines)\b", re.I)
_ACCORDING = re.compile(r"(?:according\s+to|(?:reported|written|published|covered)\s+(?:by|in))\s+$", re.I)


def attributed(question: str, outlets: Iterable[str]) -> list[str]:
    """The outlets `question` names however typed, where it asks what they reported ("what did the verge say
    about …", "according to techcrunch", "fortune's take on …"), in the order it names them."""
    found: list[tuple[int, str]] = []
    for outlet in set(outlets):
        match = next((m for m in _mentions(outlet, question, any_case=True) if _reporting(question, m)), None)
        found += [(match.start(), outlet)] if match else []
    return [outlet for _, outlet in sorted(found)]


def asked(question: str, outlets: Iterable[str]) -> list[str]:
    """The `outlets` whose reporting the question as a whole asks for: named, however typed, in its first few
    words and as the one that reported ("what did the verge say about …", "according to cnbc, …", "how has
    techcrunch covered …"). An outlet named further on ("…, as reported by TechCrunch, …") sources one clue of
    the question, not all of it.

    >>> asked("what did the verge say about the trial?", ["The Verge"])
    ['The Verge']
    >>> asked("Who is the founder, as reported by TechCrunch, who faces trial?", ["TechCrunch"])
    []
    """
    found = []
    for outlet in outlets:
        match = _mention(outlet, question, any_case=True)
        if match and len(question[:match.start()].split()) <= _OPENING_WORDS and _reporting(question, match):
            found.append(outlet)
    return found


_OPENING_WORDS = 3  # "what did", "how has", "according to", "summarize what"


def _reporting(question: str, mention: re.Match[str]) -> bool:
    """Whether the outlet `mention` names is the one that reported: "the verge said", "according to cnbc"."""
    return bool(_REPORTED.match(question, mention.end()) or _ACCORDING.search(question[:mention.start()]))


def own_chunks(scored: list[Scored], outlets: Sequence[str], intent: str, trace: Trace, on: bool) -> list[Scored]:
    """The retrieved chunks from the articles of the `outlets` whose reporting a question asks for (`asked`),
    when any is (the `outlet_only` rule): asked what an outlet reported, the model cited another outlet's story
    of the same event ("The Verge said … [2]" for a TechCrunch passage). A yes/no weighs each outlet's claim and
    a comparison sets them side by side: both keep every chunk."""
    own = [s for s in scored if outlet_of(s.info.title) in outlets]
    if not own or intent in ("yesno", "compare"):
        return scored
    trace.fire("outlet_only")
    if not on or len(own) == len(scored):
        return scored
    trace.record("outlet_only", f"evidence from {', '.join(outlets)} only", "the question asks what it reported")
    return own


def without(question: str, outlet: str) -> str:
    """The question with its mentions of `outlet` taken out (the words every article of the outlet holds in its
    title would only add the same weight to all of them)."""
    match = _mention(outlet, question)
    while match is not None:
        question = question[:match.start()] + question[match.end():]
        match = _mention(outlet, question)
    return " ".join(question.split())


def without_taglines(question: str, outlets: Iterable[str]) -> str:
    """The question with the feed names that follow the outlets it names taken out ("The Roar | Sports Writers
    Blog" -> "The Roar"): titles carry only the short name, so those words are in no article."""
    for outlet in outlets:
        for match in reversed(list(_mentions(outlet, question))):  # from the end, so earlier offsets hold
            tail = _TAGLINE.match(question, match.end())
            if tail is not None:
                question = question[:match.end()] + question[tail.end():]
    return question


# A feed's name after its outlet: a separator, then capitalised words.
_TAGLINE = re.compile(rf"(?:{_TAGLINE_SEPARATOR})[A-Z][\w&]*(?:\s+(?:(?:and|of|&)\s+)?[A-Z][\w&]*)*")


def _mention(outlet: str, question: str, any_case: bool = False) -> re.Match[str] | None:
    return next(_mentions(outlet, question, any_case), None)


def _mentions(outlet: str, question: str, any_case: bool = False) -> Iterator[re.Match[str]]:
    words = outlet.split()
    if len(outlet) < 3 or not words:
        return
    the = words[0].lower() == "the" and len(words) > 1
    core = r"\s+".join(re.escape(w) for w in (words[1:] if the else words))
    pattern = rf"(?<![\w-])(?:the\s+){'' if the else '?'}(?P<core>{core})(?![\w-])"
    for match in re.finditer(pattern, question, re.I):
        if any_case or match.group("core")[0].isupper():
            yield match
