"""Did it happen, or is it only expected? (the `prospect` rule)

News is written before the outcome: "did the UK suspend its extradition treaty with Hong Kong?" is asked of an
archive whose article says the treaty "could now be suspended". A small model settles it anyway ("No, the UK
has not suspended it [1]") or reads the lead-up as the event ("Yes, Microsoft ended up buying TikTok [2]" from
a sentence on its talks to buy). When a question asks whether something happened ("did …", "has …") and every
sentence of the passages that holds its verb tells it as a prospect (a modal: "could be suspended"; an
infinitive of an aim: "wants Congress to pass", "a bid to buy"; a condition: "if it sells"), the
articles do not say whether it happened.

The question's verb and each sentence's use of it are read by spaCy's small English parser (the pipeline
that the `names` rule uses for entities); a verb close in meaning to the question's counts as its verb
(MiniLM, the two lemmas embedded alone).

    >>> asked_event("did the UK suspend its extradition treaty with Hong Kong")
    'suspend'
    >>> asked_event("did microsoft end up buying tiktok in the end?"), asked_event("is uber putting cameras in cars")
    ('buy', None)
    >>> same_word("sold", "selling"), same_word("signed", "sign"), same_word("won", "heads")
    (True, True, False)
"""

from __future__ import annotations

from typing import Any

from rag.answering import nlp
from rag.answering.subject import same_stem
from rag.ports import Embedder
from rag.text import content_words, sentences
from rag.tuning import EVENT_SIMILARITY
from rag.types import Passage

# Verbs that frame a question or say too little to find the event by ("did the article suggest …", "did he
# get …", "did they do any damage").
_GENERIC = frozenset("be have do get go make take come say tell report suggest mention indicate claim state "
                     "describe note end happen try".split())
_PAST_AUX = frozenset({"did", "has", "have", "had"})
_MODALS = frozenset({"would", "could", "may", "might", "will", "shall", "should", "can", "must", "'ll", "wo", "ca"})
_CONDITION = frozenset({"if", "unless", "whether"})
# Verbs and nouns whose infinitive is an aim, not an act: "wants to pass", "plans to sell", "a bid to buy".
_AIMS = frozenset("want plan seek aim expect intend threaten hope propose agree prepare try attempt push urge call "
                  "ask consider offer bid ultimatum deadline talk negotiation effort proposal deal threat pressure "
                  "demand order need".split())
_IRREGULAR = {  # a past form and its stem, for the verbs questions about news use most
    "won": "win", "sold": "sell", "paid": "pay", "bought": "buy", "made": "make", "got": "get", "took": "take",
    "gave": "give", "left": "leave", "lost": "lose", "met": "meet", "told": "tell", "ran": "run", "began":
    "begin", "held": "hold", "spent": "spend", "brought": "bring", "fought": "fight", "led": "lead", "sent": "send",
    "struck": "strike", "chose": "choose", "chosen": "choose", "rose": "rise", "fell": "fall", "drew": "draw"}


def _parse(texts: list[str]) -> list[Any]:
    return nlp.run(texts, nlp.PARSE)


def asked_event(question: str) -> str | None:
    """The verb of a question that asks whether something happened ("did X pass …", "has X suspended …"),
    as its lemma; None for another question or a verb too generic to find the event by."""
    if not question.split() or question.split()[0].lower() not in _PAST_AUX:
        return None
    root = next((t for t in _parse([question])[0] if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    if root.lemma_.lower() == "end":  # "did X end up buying Y": the event is the buying
        root = next((c for c in root.children if c.dep_ == "xcomp"), root)
    lemma = str(root.lemma_).lower()
    return None if lemma in _GENERIC else lemma


def same_word(a: str, b: str) -> bool:
    """The same word in another form: a shared stem, or an irregular verb's past."""
    a, b = _IRREGULAR.get(a, a), _IRREGULAR.get(b, b)
    return a == b or same_stem(a, b)  # "signed"/"sign", "selling"/"sell"


def _prospective(token: Any) -> bool:
    """Whether the verb is told as a prospect: under a modal, an infinitive of an aim, or in a condition."""
    children = list(token.children)
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS for c in children):
        return True
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in children) and token.head.lemma_.lower() in _AIMS:
        return True  # "wants Congress to pass", "a bid to buy"; not "among the nations to vote against"
    return any(c.dep_ == "mark" and c.lower_ in _CONDITION for c in children)


def only_prospects(event: str, passages: list[Passage], question: str, embedder: Embedder) -> tuple[int, str] | None:
    """When every verb of the passages that tells the event (its verb in any form, or a verb at least
    `EVENT_SIMILARITY` close to it: "acquire" for "buy") tells it as a prospect: the sentence of those
    sharing most words with the question, and its passage's number; None when one tells it as done (or not
    done), or none tells it."""
    held = [(n, s) for n, p in enumerate(passages, 1) for s in sentences(p.text)]
    docs = _parse([s for _, s in held])
    lemmas = sorted({t.lemma_.lower() for doc in docs for t in doc if t.pos_ == "VERB"} - _GENERIC)
    if not lemmas:
        return None
    vectors = embedder.embed([event, *lemmas], "document")
    close = {lemma for lemma, score in zip(lemmas, vectors[1:] @ vectors[0], strict=True)
             if same_word(event, lemma) or float(score) >= EVENT_SIMILARITY}
    prospects: list[tuple[int, str]] = []
    for sentence, doc in zip(held, docs, strict=True):
        uses = [t for t in doc if t.pos_ == "VERB" and t.lemma_.lower() in close]
        if any(not _prospective(t) for t in uses):
            return None
        prospects += [sentence] if uses else []
    asked = set(content_words(question))
    return max(prospects, key=lambda found: len(asked & set(content_words(found[1]))), default=None)
