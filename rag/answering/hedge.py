"""The model's own "it does not say", written after an answer: "The trial started on Tuesday [1]. However, it
does not provide information about the number of years in prison Sam Bankman-Fried received." Such an answer
has not answered the question, whatever its first sentence said, and is shown as a refusal that keeps what the
passages do say. Only a sentence that declines what the question asks counts: one that declines a side detail
("… does not say when the deal closed" after "who bought it") leaves the answer standing.

    >>> q = "how many years in prison did sam bankman-fried get?"
    >>> unhedged("The trial started on Tuesday [1]. However, it does not provide information about the number "
    ...          "of years in prison Sam Bankman-Fried received.", q)
    'The trial started on Tuesday [1].'
    >>> unhedged("He got 25 years [1]. The passage does not say when he will appeal.", q) is None
    True
    >>> unhedged("Shou Zi Chew is TikTok's CEO [1]. The article does not name TikTok's former CEO.",
    ...          "Who is TikTok's CEO?")
    >>> unhedged("No [1]. Apple says it does not provide user data to the police [1].",
    ...          "does apple provide user data to the police?")
    >>> unhedged("No, the Senate did not pass the bill [1]. The passage states that a committee advanced the "
    ...          "bill, but it does not mention the Senate [1].", "Did the Senate pass the bill?")
    'The passage states that a committee advanced the bill [1].'
"""

from __future__ import annotations

import re

from rag.answering.question import verdict
from rag.text import MARKER, content_words, sentence_spans

_SOURCE = r"(?:passages?|articles?|texts?|reports?|context|sources?)"
# The passages, or "it" for them, declining: "The passage does not specify …", "However, it does not provide …",
# "X [1], but it does not mention Y" after "The passage states …". Not a claim the articles report: "Apple says it
# does not provide user data" and "Microsoft did not name a price" are answers.
_DECLINE = re.compile(
    rf"(?:\b(?:the|this|that|these|those)\s+{_SOURCE}|^(?:however|but|unfortunately|yet),?\s+(?:it|they)|"
    rf"\b{_SOURCE}\b.*\bbut\s+(?:it|they))\s+(?P<verb>(?:also\s+)?(?:do(?:es)?(?: not|n't|n’t)|cannot|can't)\s+"
    rf"(?:explicitly\s+|specifically\s+)?(?:say|mention|state|provide|contain|include|specify|give|report|tell|"
    rf"name|indicate|reveal)\b)|\bthere (?:is|are) no (?:information|mention|details?)\b", re.I)
# A clause before the one that declines, kept when it says something: "X, but it does not mention Y".
_BUT = re.compile(r"(?:,|;)\s*(?:but|however|although|though)\b", re.I)
# Words a declining clause says about the thing it declines, not the thing itself.
_FRAME = frozenset("information details detail exact specific specifically number amount whether passage "
                   "passages article articles text any further more much many explicitly clear clearly "
                   "regarding concerning".split())


def unhedged(text: str, question: str) -> str | None:
    """`text` without its sentences that decline what `question` asks (a claim before ", but" in one stays),
    and without a Yes/No verdict it opened with (the decline undoes it); None when no sentence after the first
    declines the question's own words, or when the answer states elsewhere what it declines."""
    asked = {_stem(w) for w in content_words(question)}
    kept: list[str] = []
    declined: set[str] = set()
    for i, (a, b) in enumerate(sentence_spans(text)):
        sentence = text[a:b].strip()
        decline = _DECLINE.search(sentence) if i else None
        what = _said(sentence[decline.end():]) if decline else set()
        if decline is None or len(what & asked) * 2 < len(what) or not what:
            kept.append(sentence)
            continue
        declined |= what & asked
        before = _BUT.search(sentence[: decline.start("verb") if decline.group("verb") else decline.start()])
        if before and content_words(sentence[: before.start()]):
            markers = "".join(f" [{m}]" for m in MARKER.findall(sentence))
            kept.append(f"{sentence[: before.start()].rstrip()}{markers}.")
    if kept and declined and verdict(kept[0], ("Yes", "No")):
        kept = kept[1:]
    stated = set().union(*(_said(s) for s in kept))
    if not declined - stated:  # "the CEO is X [1]. The article does not name the former CEO": a side detail
        return None
    return " ".join(kept)


def _said(text: str) -> set[str]:
    """The stems of the words `text` says about its subject (markers and the words that frame a decline left
    out)."""
    return {_stem(w) for w in content_words(MARKER.sub("", text)) if w not in _FRAME}


def _stem(word: str) -> str:
    return word[:5]
