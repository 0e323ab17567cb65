"""The one refusal rule, for every config."""

from __future__ import annotations

import re

from rag.text import MARKER

# Decided from the text a user is shown, never from a system's own `refused` flag: a refusal declines in its
# first sentence, and says what does not hold the answer: the articles, passages, context ("The articles do
# not say."), or the writer ("I don't know."). A sentence that merely reports someone declining ("Raab said
# Britain cannot say when …") is an answer, and so is a first sentence that opens with a verdict ("No, …").
_SOURCE = r"(?:articles?|passages?|context|texts?|sources?|documents?|information (?:given|provided))"
_DECLINES = re.compile(
    rf"\b{_SOURCE}\b[^.]{{0,60}}?\b(?:(?:do(?:es)?(?: not|n't|n’t)|cannot|can't) (?:say|mention|state|provide|"
    r"contain|include|specify|give|report|address|discuss|answer|tell|name)|make no mention|say nothing|are silent)\b"
    r"|\bI (?:do not|don't|don’t|cannot|can't|am unable to) (?:know|say|find|answer|determine|tell)\b"
    rf"|\b(?:no|not enough) (?:information|mention|details?)\b[^.]{{0,60}}?\b(?:in|from|about|on|of)\b"
    rf"|\bnot (?:mentioned|stated|specified|provided|given|reported|available) in (?:the |these |any )?{_SOURCE}"
    r"|\bnone of the (?:passages|articles)\b|\bthere is no (?:mention|information)\b"
    r"|\bunable to (?:answer|determine|find)\b|\bcannot (?:be )?(?:answered|determined)\b",
    re.I,
)
_VERDICT = re.compile(r"^\W*(?:yes|no)\s*[,.;:!]", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def refusal_kind(text: str | None) -> str:
    """"answer", "refusal", or "refusal_with_claims": it declines in its first sentence, then shows claims
    anyway (a citation marker, or a later sentence that does not decline). No text (an error, an empty
    reply) is no refusal: it is scored wrong everywhere.

        >>> refusal_kind("The articles do not say."), refusal_kind("I don't know.")
        ('refusal', 'refusal')
        >>> refusal_kind("The articles do not say. They say only: Microsoft made a bid [1].")
        'refusal_with_claims'
        >>> refusal_kind("No, the articles do not say that Oracle won [2]."), refusal_kind("Oracle [1].")
        ('answer', 'answer')
        >>> refusal_kind("No information about the price is given in the articles.")
        'refusal'
        >>> refusal_kind("Raab said Britain cannot say when talks resume [1]."), refusal_kind("")
        ('answer', 'answer')
    """
    plain = (text or "").strip()
    if not plain:
        return "answer"
    first, *rest = _SENTENCE_END.split(plain, maxsplit=1)
    if _VERDICT.match(first) or not _DECLINES.search(first):
        return "answer"
    later = _SENTENCE_END.split(rest[0]) if rest else []
    claims = MARKER.search(plain) or any(s.strip() and not _DECLINES.search(s) for s in later)
    return "refusal_with_claims" if claims else "refusal"


def refused(text: str | None) -> bool:
    """The rule's verdict: the shown text declines (with or without claims after)."""
    return refusal_kind(text) != "answer"
