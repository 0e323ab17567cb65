"""Do the cited passages bear on the question? What a "No" denies (the `unsaid` rule), and what a fact
answer is about (the `off_topic` rule).

The small model answers a yes/no question about the world "No" when its passages never mention what is asked:
"did amazon lay off workers?" came back "No, Amazon did not lay off workers [2]", citing "Amazon tumbled 4 per
cent after the Federal Trade Commission … filed an antitrust lawsuit against it". Those passages name Amazon and
say nothing of lay-offs: the articles do not say, which is not the same as "No". The words a question asks with
beyond its names (its predicate: "lay off workers", "buying") must meet the cited passages somewhere.

    >>> bears_on("did amazon lay off workers?", ["Amazon tumbled 4 per cent after the FTC filed a lawsuit."])
    False
    >>> bears_on("did sbf plead guilty?", ["SBF, as he's known, has pleaded not-guilty to seven charges."])
    True
    >>> bears_on("did the hackers do any damage?", ["The NCSC said the hackers did not damage the research."])
    True

A fact answer has the same failure with a value: "how many jobs did spotify cut?" came back "Taylor Swift has
already sold over $100 million worth of music [2]", a figure its passage does hold, about something else. When
the question names something (a word the passages write as a name), a passage it cites must name some of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answering.names import TITLES
from rag.answering.spec import topic_words
from rag.answering.subject import any_held, names_subject
from rag.text import content_words, sentences


def named_words(question: str, texts: Sequence[str]) -> set[str]:
    """The question's topic words that are names: written capitalised in it past its first word, or written in
    the texts only capitalised ("spotify" typed, "Spotify" written)."""
    joined = " ".join(texts)
    capitalised = {w.lower() for w in re.findall(r"\b[A-Z][\w'’-]*", joined)}
    lower = set(re.findall(r"\b[a-z][\w'’-]*", joined))
    named = {w.lower() for w in re.findall(r"\b[A-Z][\w'’-]*", question.split(" ", 1)[-1])}
    return {w for w in topic_words(question) if w in named or (w in capitalised and w not in lower)}


def asked_names(question: str, texts: Sequence[str]) -> set[str]:
    """`named_words` as the passages write them: without a possessive ("openai's" names "OpenAI"), a web
    address's ending ("CBSSports.com" names CBSSports, as a headline's "— CBSSports.com" does), and without a
    title ("CEO" is written capitalised, but it names no one).

    >>> sorted(asked_names("Did CBSSports.com report on Tyreek Hill's goal?", []))
    ['cbssports', 'hill', 'tyreek']
    """
    bare = re.sub(r"(?<=[A-Za-z0-9])\.(?=[a-z]{2,}\b)", " ", re.sub(r"['’]s\b", "", question))
    return named_words(bare, texts) - TITLES


def asked_words(question: str, texts: Sequence[str]) -> set[str]:
    """The question's topic words that are not names (`named_words`)."""
    return topic_words(question) - named_words(question, texts)


def names_asked(question: str, cited: Sequence[str], texts: Sequence[str]) -> bool:
    """Whether any of the `cited` texts names something the question names (`named_words`, read over `texts`,
    all the passages given), in any spelling `names_subject` accepts; True when the question names nothing.

    >>> read = ["Spotify cuts jobs", "The tour crashed Ticketmaster's site."]
    >>> names_asked("how many jobs did spotify cut?", [read[1]], read)
    False
    >>> names_asked("how many jobs did spotify cut?", ["SPOTIFY: 1,500 roles go"], read)
    True
    """
    names = asked_names(question, texts)
    return not names or any(names_subject(names, text) for text in cited)


def bears_on(question: str, texts: Sequence[str]) -> bool:
    """Whether the texts hold any of the question's words beyond its names, in some form ("pleaded" for
    "plead", "not-guilty" for "guilty"); a question of names only is borne on by any text naming them."""
    asked = asked_words(question, texts)
    held = {part for w in content_words(" ".join(texts)) for part in [w, *w.split("-")]}
    return not asked or any_held(asked, held)


def nearest_sentence(question: str, text: str) -> str | None:
    """The sentence of `text` holding the most of the question's topic words (the first of equals); None when
    none holds any."""
    asked = topic_words(question)
    held = [(len(asked & set(content_words(s))), s) for s in sentences(text)]
    best = max(held, key=lambda pair: pair[0], default=(0, ""))
    return best[1] if best[0] else None
