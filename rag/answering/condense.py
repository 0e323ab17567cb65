"""Cheap follow-up handling: no LLM call (a rewrite would cost a second prompt read on this CPU).

    >>> resolve_pronouns("Who interviewed him?", "What did Dominic Raab say on Sky News?", "")
    'Who interviewed Dominic Raab?'
    >>> resolve_pronouns("Which party do they belong to?", "Which two senators were sanctioned?",
    ...                  "Ted Cruz and Marco Rubio.")
    'Which party do Ted Cruz and Marco Rubio belong to?'
    >>> lost_topic("and then what?", "What happened next?", "what happened to sam altman?", "He was fired.")
    True
    >>> lost_topic("what happened next?", "What happened next?", "what happened to sam altman?", "He was fired.")
    True
    >>> lost_topic("and then what?", "What happened to Sam Altman next?", "what happened to sam altman?", "")
    False
    >>> lost_topic("what about huawei?", "What happened to Huawei?", "what happened to sam altman?", "")
    False
"""

from __future__ import annotations

import re

from rag.answering.names import TITLES
from rag.answering.spec import topic_words

_NAME = re.compile(r"\b([A-Z][a-z'’.-]+(?:\s+[A-Z][a-z'’.-]+)+)")
# A title's office: "Secretary of State", "Minister of Defence", "Chief of Staff".
_OFFICE = re.compile(rf"\b({'|'.join(sorted(TITLES))})\s+of\s+(?:the\s+)?[A-Z][\w'’-]*", re.I)
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his)\b", re.I)
_GROUP_PRONOUN = re.compile(r"\b(they|them|their)\b", re.I)
# Question words and the titles before a name: "US Secretary of State Mike Pompeo" is Mike Pompeo.
_QUESTION_WORDS = frozenset("what which who when where how why the according did does in on".split())
# A previous question that asked for someone ("Who warned ...?", "Which spokeswoman ...?"): its answer names
# the person a pronoun then refers to. After "What did Dominic Raab say ...?" the answer's first name is
# whatever he talked about ("Hong Kong"), and the pronoun means the person asked about.
_ASKED_FOR_SOMEONE = re.compile(r"^\W*(?:and\s+)?(?:who|whom|which)\b", re.I)


def names_in(text: str) -> list[str]:
    """Runs of two or more capitalised words ("Dominic Raab"), question words and titles skipped; after a
    title one word is a name ("Mr Raab" is Raab)."""
    found = []
    text = _OFFICE.sub(r"\1", re.sub(r"\[\d+\]", "", text))  # "Secretary of State X" -> "Secretary X"
    for match in _NAME.finditer(text):
        words = [w.rstrip(".") for w in match.group(1).split()]
        titled = False
        while words and words[0].lower() in _QUESTION_WORDS | TITLES:
            titled = words.pop(0).lower() in TITLES or titled
        if words and words[-1].lower() in TITLES:
            continue  # an office, not a person: "Foreign Minister", "Prime Minister"
        if len(words) >= 2 or (titled and words):
            found.append(" ".join(words))
    return found


def first_name(text: str) -> str | None:
    """The first name in `text` (see `names_in`)."""
    return next(iter(names_in(text)), None)


def resolve_pronouns(question: str, previous_question: str, previous_answer: str) -> str:
    """Replace he/she/him/her/his with the person the last turn was about, and they/them/their with the
    people its answer listed ("Ted Cruz and Marco Rubio"). The person is the first name in the previous
    answer when the previous question asked for someone, else the first name in the previous question."""
    asked_for_someone = bool(_ASKED_FOR_SOMEONE.match(previous_question))
    if _PERSON_PRONOUN.search(question):
        ordered = [previous_answer, previous_question] if asked_for_someone else [previous_question, previous_answer]
        name = next((n for n in map(first_name, ordered) if n), None)
        if name is not None:
            question = _PERSON_PRONOUN.sub(lambda m: f"{name}'s" if m.group(1).lower() == "his" else name, question)
    listed = list(dict.fromkeys(names_in(previous_answer)))
    if asked_for_someone and len(listed) >= 2 and _GROUP_PRONOUN.search(question):
        group = ", ".join(listed[:-1]) + " and " + listed[-1]
        question = _GROUP_PRONOUN.sub(lambda m: f"{group}'s" if m.group(1).lower() == "their" else group, question)
    return question


def lost_topic(follow_up: str, rewrite: str, previous: str, answer: str) -> bool:
    """Whether the model's rewrite of a follow-up that names no topic of its own ("and then what?") dropped the
    topic of the turn before it: "What happened next?" after "what happened to sam altman?" searched the
    whole archive and listed Taylor Swift's tour."""
    return not topic_words(follow_up) and not topic_words(rewrite) & topic_words(f"{previous} {answer}")
