"""Does a passage support a cited sentence? No NLI model ships offline, so support is judged from sentence
embeddings and lexical evidence: the cited sentence must be close in meaning to some sentence of the passage
(or share most of its words), and its numbers and names must appear in the passages or the question (a small
model's typical error is a plausible name or figure that nothing it was given holds)."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.answering.names import TITLES
from rag.answering.outlets import without, without_taglines
from rag.answering.subject import names_subject, subject_names
from rag.ports import Embedder
from rag.store.outlet import headline
from rag.text import MARKER as _MARKER
from rag.text import STOPWORDS, content_words, sentences, without_possessive, words
from rag.tuning import SUPPORT
from rag.types import Passage

SUPPORT_SIMILARITY = SUPPORT["similarity"]
SUPPORT_LEXICAL = SUPPORT["lexical"]
_NON_CLAIM = frozenset({"yes", "no", "stated", "mentioned", "reported", "said", "described", "found", "passage",
                        "passages", "article", "articles", "according", "true", "correct", "both", "published",
                        "information", "source", "sources", "cited", "given", "provided"})


@dataclass(frozen=True, slots=True)
class Support:
    similarity: float
    lexical: float
    grounded: bool  # every number and name of the claim occurs in the passages or the question
    completes: bool = False  # restates the question and adds only words of the passage: "X is <the question>"
    off_subject: bool = False  # names the question's subject, which the passage does not (rag/answering/subject.py)

    @property
    def supported(self) -> bool:
        close = self.similarity >= SUPPORT_SIMILARITY or self.lexical >= SUPPORT_LEXICAL
        return self.grounded and (close or self.completes) and not self.off_subject


def key_terms(claim: str) -> set[str]:
    """Numbers and capitalised names of a claim, lower-cased ("Zhao Ziyang" -> {"zhao", "ziyang"}).
    The sentence's first word is skipped: it is capitalised for grammar, not because it is a name."""
    tokens = re.findall(r"[\w][\w'’.,-]*", _MARKER.sub("", claim))
    terms: set[str] = set()
    for i, token in enumerate(tokens):
        token = token.strip(".,'’-")
        if any(ch.isdigit() for ch in token) or (i > 0 and token[:1].isupper() and len(token) > 1):
            terms.update(without_possessive(w) for w in words(token))
    return terms - STOPWORDS


_AMOUNT = re.compile(r"(\d[\d,.]*)(?:\s*(billion|million|trillion|thousand|tonnes|tons|percent|per cent|%)"
                     r"|(bn|mn|[bmk])(?![\w.,]\w))", re.I)
# The same unit as headlines and answers write it: "$4.3B" is "$4.3 billion", "62%" "62 per cent".
_UNITS = {"b": "billion", "bn": "billion", "m": "million", "mn": "million", "k": "thousand", "%": "percent",
          "per cent": "percent", "tons": "tonnes"}


def amounts(text: str) -> set[str]:
    """Numbers with their magnitude or unit ("$1 billion" -> "1 billion"): "1" alone is too common a word
    to show that a figure was in the passages.

        >>> sorted(amounts("Binance to pay $4.3B, a 2.7M extension, 62% and 1 per cent, the 3M company"))
        ['1 percent', '2.7 million', '3 million', '4.3 billion', '62 percent']
    """
    return {f"{n.replace(',', '').rstrip('.')} {_UNITS.get(unit.lower(), unit.lower())}"
            for n, word, short in _AMOUNT.findall(text) for unit in [word or short]}


_SCORE = re.compile(r"(?<![\w.,])(\d{1,3})\s*[-–—]\s*(\d{1,3})(?![\w.,]\d|\w)")


def scores(text: str) -> set[str]:
    """Pairs of figures such as a score or a vote ("won 23-20" -> "23-20"): each number alone is no proof that
    the pair was in the passages ("52-52" was read out of a "52-yard field goal").

        >>> sorted(scores("Michigan won 30–24 after a 52-yard kick and a 3 - 1 vote"))
        ['3-1', '30-24']
    """
    return {f"{a}-{b}" for a, b in _SCORE.findall(text)}


def _known(term: str, known: set[str]) -> bool:
    """Exact for numbers and short words; a long name may be misspelt slightly ("Parasazan" for "Paradazan")."""
    if term in known:
        return True
    return term.isalpha() and len(term) >= 5 and bool(difflib.get_close_matches(term, known, n=1, cutoff=0.85))


def support(claim: str, passage: Passage, embedder: Embedder, context: str = "", question: str = "",
            aliases: bool = False, item: bool = False, subject: str = "") -> Support:
    """How well `passage` supports `claim` (a sentence of the answer, markers removed). `context` is the
    other text the model was given (all passages, the question): names and numbers may come from there.
    With `question`, a claim that restates the question supports by the words it adds to it: a long question
    answered "The person who ... is Sam Altman" is as close to the passage as "Sam Altman" is.

    Meaning is judged against the passage's sentences and its headline, which is the article's first claim (a
    short excerpt's headline may be all that states the fact: "Binance to pay $4.3B in fines …"); whether a
    claim answers the question is the caller's check. With `subject` (the question), a claim naming the question's
    subject needs a passage that names it (the `subject` rule)."""
    claim = _MARKER.sub("", claim).strip()
    parts = [*(sentences(passage.text) or [passage.text]), *([headline(passage.title)] if passage.title else [])]
    vectors = embedder.embed([claim, *parts], "document")
    similarity = float(np.max(vectors[1:] @ vectors[0])) if len(parts) else 0.0
    claim_words = _stems(claim)
    passage_words = _stems(passage.text)
    title_words = _stems(passage.title)
    lexical = len(claim_words & passage_words) / len(claim_words) if claim_words else 0.0
    held = _given(passage)
    given = f"{held} {context}"
    known = _vocabulary(given)
    pairs = names(claim)
    terms = key_terms(claim)
    if aliases:  # "United States" is grounded by "US", "US" by "U.S." or "United States"
        known |= acronyms(given)
        by_alias = {w for run in _runs(claim) if _acronym(run) in known for w in words(run)}
        terms -= by_alias
        pairs = [p for p in pairs if not set(p.split()) <= by_alias]
    capitalised = _capitalised(given) if pairs else set()
    grounded = (all(_known(t, known) for t in terms) and amounts(claim) <= amounts(given)
                and scores(claim) <= scores(given)
                and all(_known_phrase(n, given) for n in pairs if set(n.split()) <= capitalised))
    completes = bool(question) and _completes(claim_words, _stems(question), passage_words | title_words)
    if item:  # a list's line "- Huawei: …" is vouched for by a passage that names Huawei
        completes = completes or names_item(claim, passage)
    about = subject_names(claim, subject) if subject else set()
    return Support(similarity, lexical, grounded, completes, bool(about) and not names_subject(about, held))


ITEM = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+")


def item_name(line: str) -> str:
    """The name a list line gives: "- Huawei Technologies: blacklisted [2]" -> "Huawei Technologies"."""
    body = _MARKER.sub("", ITEM.sub("", line)).strip()
    return re.split(r"\s*(?::|—|–| - |\()", body, maxsplit=1)[0].strip(" .*")


def names_item(line: str, passage: Passage) -> bool:
    name = item_name(line)
    return 0 < len(name) <= 60 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", f"{passage.title} {passage.text}",
                                             re.I) is not None


_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w’'-]*)+")


def _runs(text: str) -> list[str]:
    return _RUN.findall(text)


def _acronym(run: str) -> str:
    """"United States" -> "us", "Federal Trade Commission" -> "ftc" (joining words left out)."""
    words = run.split()
    if words[0].lower() == "the":
        words = words[1:]
    return "".join(w[0] for w in words if w[0].isupper()).lower()


def acronyms(text: str) -> set[str]:
    """What a text's names are also written as: the initials of its capitalised runs, and its dotted
    acronyms without dots ("U.S." -> "us")."""
    found = {_acronym(run) for run in _runs(text)}
    found |= {a.replace(".", "").lower() for a in re.findall(r"\b(?:[A-Z]\.){2,}", text)}
    return {a for a in found if len(a) >= 2}


def _completes(claim_words: set[str], asked: set[str], passage_words: set[str]) -> bool:
    """The claim is mostly the question's words, and what it adds is all in the passage (title or body)."""
    claim_words = claim_words - _NON_CLAIM
    added = claim_words - asked
    return bool(added) and len(claim_words & asked) >= len(added) and added <= passage_words


def restates(sentence: str, question: str) -> bool:
    """The sentence adds no word to the question but words that say where it stands ("The passage states …").

        >>> restates("The senior Chinese officer killed in the clash was a senior officer [3].",
        ...          "Who was the senior Chinese officer killed in the clash?")
        True
        >>> restates("Xi is set to visit Moscow in the coming months [1].", "When is Xi going to Moscow?")
        False
    """
    return not _stems(_MARKER.sub("", sentence)) - _stems(question) - _NON_CLAIM


def covered(question: str, passages: list[Passage], outlets: Sequence[str] = ()) -> bool:
    """Every name and number of the question occurs in the passages: the articles are at least about what is
    asked (a question about a company no passage mentions is not answered by restating it)."""
    return coverage(question, passages, outlets) == 1.0


def coverage(question: str, passages: list[Passage], outlets: Sequence[str] = ()) -> float:
    """The share of the question's names and numbers that occur in the passages (1.0 when it has none).
    Not counted: the feed name after an outlet the question names (`outlets`; titles carry only the outlet's
    short name), a title before a name ("Rep."), and the given names of a person whose surname the passages
    hold (articles write "McHenry" for "Patrick McHenry")."""
    question = without_taglines(question, outlets)
    terms = key_terms(question) - TITLES
    if not terms:
        return 1.0
    known = _vocabulary(" ".join(map(_given, passages)))
    people = question
    for outlet in outlets:
        people = without(people, outlet)
    forgiven = _given_names(people, known)
    return sum(_known(t, known) or t in forgiven for t in terms) / len(terms)


def _given_names(question: str, known: set[str]) -> set[str]:
    """The words before a known surname in a run of capitalised words ("Jung Hoo Lee" -> {"jung", "hoo"} when
    "lee" is known). A run that ends in a stopword is no person's name; the caller takes named outlets out
    first, since "Sporting News" is not a person called News."""
    forgiven: set[str] = set()
    for run in re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)+", question):
        *given, surname = [without_possessive(w.strip(".'’-").lower()) for w in run.split()]
        if surname not in STOPWORDS and len(surname) > 2 and surname in known:
            forgiven.update(given)
    return forgiven


def _vocabulary(text: str) -> set[str]:
    """The words of `text` with possessives folded: "Britain’s" grounds "Britain"."""
    return {without_possessive(w) for w in words(text)}


def _stems(text: str) -> set[str]:
    """Content words with possessives folded ("TikTok's" -> "tiktok")."""
    return {without_possessive(w) for w in content_words(text)}


def names(claim: str) -> list[str]:
    """Adjacent pairs of capitalised words ("Paradazan System"): a name the model assembled from words that
    each occur somewhere ("Zhao Raab") is not grounded by its words alone."""
    pairs = []
    for segment in re.split(r"[:;,()“”\"—–]", _MARKER.sub("", claim)):  # "- Microsoft: Microsoft bid" pairs nothing
        tokens = re.findall(r"[\w][\w'’.-]*", segment)
        for i in range(len(tokens) - 1):
            a, b = tokens[i].strip(".'’-"), tokens[i + 1].strip(".'’-")
            if a[:1].isupper() and b[:1].isupper() and len(a) > 1 and len(b) > 1 and not tokens[i].endswith(".") \
                    and not _DESCRIBES.fullmatch(a):
                pairs.append(f"{a} {b}".lower())
    return [p for p in pairs if not set(p.split()) & (STOPWORDS | _STARTERS)]


_STARTERS = frozenset({"yes", "no", "according", "both", "however", "while", "although", "in", "on"}) | TITLES
# A nationality or a country's acronym before a name describes it ("Chinese Foreign Ministry", "US Treasury"):
# the pair is not one name the model could have assembled.
_DESCRIBES = re.compile(r"[A-Z]\w+(?:ese|ian|ish|ean|can|ch)|[A-Z]{2,3}")


def _capitalised(text: str) -> set[str]:
    """Words `text` writes capitalised, lower-cased: the names a claim's name could be assembled from. "the
    Republican senators" makes "Republican Party" no invented name ("party" is a common word there)."""
    return _vocabulary(" ".join(re.findall(r"\b[A-Z][\w'’-]*", text)))


def _known_phrase(pair: str, given: str) -> bool:
    """The pair occurs as adjacent words in `given` (a possessive or a slight misspelling allowed)."""
    tokens = [without_possessive(w) for w in words(given)]
    known = {f"{a} {b}" for a, b in itertools.pairwise(tokens)}
    pair = " ".join(without_possessive(w) for w in words(pair))
    return pair in known or bool(difflib.get_close_matches(pair, known, n=1, cutoff=0.85))


def _given(passage: Passage) -> str:
    """What a passage gives the model: its title, its text and its date as questions write it."""
    return f"{passage.title} {passage.text} {_dated(passage)}"


def _dated(passage: Passage) -> str:
    """The passage's date as questions write it: "3 November 2023", "Nov 3", "2023-11-03", "November 3rd"."""
    day = passage.published
    if day is None:
        return ""
    ordinal = "th" if 10 <= day.day <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day:%d %B %b %Y %-d %Y-%m-%d} {day.day}{ordinal}"
