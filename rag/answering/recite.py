"""A fact answer cited to the wrong passage: the small model often gives the right name or figure and the number
of a neighbouring passage ("Willow Smith is 22 years old [2]" when [1] says "Jaden, 25, and Willow, 22"). The
support check then fails, or passes on the topic alone, and the answer would be refused for lacking the fact
asked for. Here the marker moves to the passage whose sentence holds the asked-for value beside the question's
own words, and that sentence vouches for it.

    >>> values("Willow Smith is 22 years old [2].", "how old is willow smith", "number")
    ['22']
    >>> values("The spokeswoman was Mao Ning [4].", "who was the chinese spokeswoman?", "name")
    ['mao', 'ning']
"""

from __future__ import annotations

import re

from rag.answering.question import word_of_kind
from rag.text import MARKER, content_words, sentences, strip_markers, words
from rag.types import Passage


def values(sentence: str, question: str, kind: str) -> list[str]:
    """The sentence's words of the asked kind that the question does not already hold, lower-cased."""
    asked = set(words(question))
    found = []
    for token in strip_markers(sentence).split():
        bare = token.strip(".,;:!?\"'()“”‘’")
        held = [w for w in words(bare) if w not in asked]
        if not held:
            continue
        if word_of_kind(bare, kind):
            found.extend(held)
    return found


def holder(wanted: list[str], passage: Passage, question: str) -> bool:
    """Whether one sentence of the passage holds every wanted word and one of the question's content words."""
    topic = set(content_words(question))
    for sentence in sentences(passage.text):
        have = set(words(sentence.lower()))
        if set(wanted) <= have and topic & set(content_words(sentence)):
            return True
    return False


def recite(text: str, passages: list[Passage], question: str, kind: str) -> tuple[str, set[int]]:
    """The answer with each cited sentence's markers moved to the first passage that holds its asked-for value,
    where none of the cited passages does; and the passages so cited (they vouch for their sentence)."""
    vouched: set[int] = set()
    out = text
    for sentence in sentences(text):
        cited = [int(m) for m in MARKER.findall(sentence)]
        wanted = values(sentence, question, kind)
        if not cited or not wanted or any(0 < n <= len(passages) and holder(wanted, passages[n - 1], question)
                                          for n in cited):
            continue
        found = next((i for i, p in enumerate(passages, 1) if holder(wanted, p, question)), None)
        if found is None:
            continue
        bare = strip_markers(sentence).rstrip()
        end = re.search(r"[.!?][”\"’]?$", bare)
        cut = end.start() if end else len(bare)
        out = out.replace(sentence, f"{bare[:cut]} [{found}]{bare[cut:]}", 1)
        vouched.add(found)
    return out, vouched
