"""A fact answer cited to the wrong passage: the small model often gives the right name or figure and the number
of a neighbouring passage ("Willow Smith is 22 years old [2]" when [1] says "Jaden, 25, and Willow, 22"). The
support check then fails, or passes on the topic alone, and the answer would be refused for lacking the fact
asked for. Here the marker moves to the passage whose sentence holds the asked-for value beside the question's
subject (a name the answer and the question share), and that sentence vouches for it.

    >>> values("Willow Smith is 22 years old [2].", "how old is willow smith", "number")
    ['22']
    >>> values("The spokeswoman was Mao Ning [4].", "who was the chinese spokeswoman?", "name")
    ['mao', 'ning']
"""

from __future__ import annotations

import re

from rag.answering.question import word_of_kind
from rag.answering.subject import names_subject, subject_names
from rag.text import MARKER, sentences, strip_markers, words
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


def holder(wanted: list[str], passage: Passage, subject: set[str]) -> bool:
    """Whether one sentence of the passage holds every wanted word and names the subject. A figure beside
    another story's words is not the answer: "Ohtani's new contract is worth $394 million [3]" took the figure
    from a sentence about Uber's income."""
    return any(set(wanted) <= set(words(s)) and names_subject(subject, s) for s in sentences(passage.text))


def recite(text: str, passages: list[Passage], question: str, kind: str) -> tuple[str, set[int]]:
    """The answer with each cited sentence's markers moved to the first passage that holds its asked-for value,
    where none of the cited passages does; and the passages so cited (they vouch for their sentence)."""
    vouched: set[int] = set()
    out = text
    for sentence in sentences(text):
        cited = [int(m) for m in MARKER.findall(sentence)]
        wanted = values(sentence, question, kind)
        subject = subject_names(sentence, question)
        if not cited or not wanted or not subject or any(
                0 < n <= len(passages) and holder(wanted, passages[n - 1], subject) for n in cited):
            continue
        found = next((i for i, p in enumerate(passages, 1) if holder(wanted, p, subject)), None)
        if found is None:
            continue
        bare = strip_markers(sentence).rstrip()
        end = re.search(r"[.!?][”\"’]?$", bare)
        cut = end.start() if end else len(bare)
        out = out.replace(sentence, f"{bare[:cut]} [{found}]{bare[cut:]}", 1)
        vouched.add(found)
    return out, vouched
