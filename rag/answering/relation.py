"""Does the passage sentence that gives a fact answer's value say what the question asks of it? (the
`relation` rule)

A small model asked for a fact the articles do not hold answers with a value of the asked kind that the
passages do hold, from a sentence about something else: "who won the world series 2023" came back "The
Arizona Diamondbacks won the World Series 2023 [1]" from a sentence saying Game 3 heads to Arizona. The
answer restates the question, so it is close to the passage in meaning and every name in it is grounded.
What gives it away is the sentence the value comes from: it does not say the question's relation ("won").

A question's relation words are its content words less the question's own framing ("how much", "which
team"), its figures, and the names the passage writes capitalised (the subject: "World Series", "Ohtani").
The value's sentence must hold one of them, in any form ("signed" for "sign", "sold" for "selling"), or a
word close to it in meaning ("globally" for "worldwide"; MiniLM's similarity of the two words).

    >>> sorted(relation_words("which team did ohtani sign with", "Ohtani won't be back with the Angels."))
    ['sign']
    >>> same_word("sold", "selling"), same_word("signed", "sign"), same_word("won", "heads")
    (True, True, False)
"""

from __future__ import annotations

import re

import numpy as np

from rag.answering.names import TITLES
from rag.answering.recite import values
from rag.ports import Embedder
from rag.text import MARKER, content_words, sentences, words
from rag.tuning import RELATION_SIMILARITY
from rag.types import Citation

# Words that frame a question rather than say what it asks: the kind it wants and how it is typed.
_FRAMING = frozenset(
    "much many long old far big large often tall high year years date day month time name named called exactly "
    "actually really currently now still ever just new current end ended get got go going happen happened "
    "take took make made say according reported report along under against through between across during since "
    "per via among within around toward towards upon onto off down near behind beyond despite amid".split())
# "which team", "what company", "whose club": the noun after the question word names the kind of answer.
_KIND_NOUN = re.compile(r"\b(?:which|what|whose)\s+(\w+)", re.I)
_IRREGULAR = {  # a past form and its stem, for the verbs questions about news use most
    "won": "win", "sold": "sell", "paid": "pay", "bought": "buy", "made": "make", "got": "get", "took": "take",
    "gave": "give", "left": "leave", "lost": "lose", "met": "meet", "told": "tell", "ran": "run", "began":
    "begin", "held": "hold", "spent": "spend", "brought": "bring", "thought": "think", "fought": "fight", "led":
    "lead", "sent": "send", "struck": "strike", "chose": "choose", "chosen": "choose", "knew": "know", "rose":
    "rise", "fell": "fall", "drew": "draw", "hit": "hit", "cut": "cut", "set": "set", "died": "die", "dead": "die",
    "death": "die"}
_SHARED = 4  # "signed"/"sign", "selling"/"sell", "offered"/"offer"


def relation_words(question: str, passage_text: str) -> set[str]:
    """The question's words that say what it asks about its subject."""
    named = {w for token in re.findall(r"\b[A-Z][\w'’-]*", passage_text) for w in words(token)}
    kind_nouns = {m.group(1).lower() for m in _KIND_NOUN.finditer(question)}
    return {w for w in content_words(question)
            if len(w) > 2 and not any(ch.isdigit() for ch in w) and w not in _FRAMING | TITLES | kind_nouns
            and re.sub(r"'s$", "", w) not in named}


def _stem(word: str) -> str:
    return _IRREGULAR.get(word, word)


def same_word(a: str, b: str) -> bool:
    """The same word in another form: a shared stem, or an irregular verb's past."""
    a, b = _stem(a), _stem(b)
    shorter = min(len(a), len(b))
    shared = next((i for i in range(shorter) if a[i] != b[i]), shorter)
    return a == b or (shared >= _SHARED and shared >= shorter - 3)


def relates(relation: set[str], sentence: str, embedder: Embedder) -> bool:
    """Whether the sentence holds one of the relation words, in any form or by a word close in meaning."""
    held = {w for w in content_words(sentence) if len(w) > 2 and not w.isdigit()}
    if any(same_word(w, h) for w in relation for h in held):
        return True
    if not held:
        return False
    wanted, others = sorted(relation), sorted(held)
    vectors = embedder.embed([*wanted, *others], "document")
    return float(np.max(vectors[: len(wanted)] @ vectors[len(wanted):].T)) >= RELATION_SIMILARITY


def unrelated(text: str, citations: list[Citation], question: str, kind: str,
              embedder: Embedder) -> list[tuple[int, str]]:
    """The supported citations whose passage gives the answer's value only in sentences that do not say the
    question's relation, each with the first such sentence. Empty when any supported citation's sentence does
    (or none can be judged: the value stands in no one sentence, or the question says nothing beyond its
    subject)."""
    supported = {c.marker: c.passage for c in citations if c.supported}
    judged: list[tuple[int, str]] = []
    for sentence in sentences(text):
        wanted = values(sentence, question, kind)
        for n in sorted({int(m) for m in MARKER.findall(sentence)} & set(supported)):
            passage = supported[n]
            holders = [s for s in [passage.title, *sentences(passage.text)] if wanted and set(wanted) <= set(words(s))]
            relation = relation_words(question, f"{passage.title} {passage.text}")
            if not holders or not relation:
                return []
            if any(relates(relation, s, embedder) for s in holders):
                return []
            body = [s for s in holders if s != passage.title]  # shown in the refusal: the article's own words
            if n not in dict(judged):
                judged.append((n, (body or holders)[0]))
    return judged
