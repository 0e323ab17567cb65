"""Cheap follow-up handling: no LLM call (a rewrite would cost a second prompt read on this CPU).

    >>> resolve_pronouns("Who interviewed him?", "What did Dominic Raab say on Sky News?", "")
    'Who interviewed Dominic Raab?'
"""

from __future__ import annotations

import re

_NAME = re.compile(r"\b([A-Z][a-z'’.-]+(?:\s+[A-Z][a-z'’.-]+)+)")
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his)\b", re.I)
_NOT_NAMES = {"What", "Which", "Who", "When", "Where", "How", "Why", "The", "According", "Did", "Does", "In", "On"}


def first_name(text: str) -> str | None:
    """The first run of two or more capitalised words ("Dominic Raab"), skipping question words."""
    for match in _NAME.finditer(re.sub(r"\[\d+\]", "", text)):
        words = match.group(1).split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if len(words) >= 2:
            return " ".join(words)
    return None


def resolve_pronouns(question: str, previous_question: str, previous_answer: str) -> str:
    """Replace he/she/him/her/his with the person the last turn was about: the first name in the previous
    answer (it usually names who was asked for), else in the previous question."""
    if not _PERSON_PRONOUN.search(question):
        return question
    name = first_name(previous_answer) or first_name(previous_question)
    if name is None:
        return question

    def swap(match: re.Match[str]) -> str:
        return f"{name}'s" if match.group(1).lower() == "his" else name

    return _PERSON_PRONOUN.sub(swap, question)
