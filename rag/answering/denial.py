"""Does the cited passage deny what a "Yes" affirms? (the `denied` rule)

"Was SBF found guilty?" came back "Yes, SBF was found guilty [1]", cited to "SBF … has pleaded not-guilty to
some seven charges": an article written before the verdict. The claim is close to its passage in meaning and
in words, so the support check passes it, and the `verdict` rule keeps a "Yes" anyway when the passages name
the question's names. What gives it away is polarity: the word the claim affirms ("guilty") stands in the
passages it cites only denied ("not-guilty", "not guilty", "never approved", "no longer chief executive"). The
articles then do not bear the "Yes" out, and what they do say is shown instead. A capitalised word is a name,
the claim's subject, and is not read ("CEO" included).

    >>> denied_words("SBF was found guilty", "SBF, as he's known, has pleaded not-guilty to seven charges.")
    ['guilty']
    >>> denied_words("SBF was found guilty", "He was found guilty. His friend was not guilty.")
    []
    >>> denied_words("The deal was approved", "Not only was the deal approved, it was praised.")
    []
    >>> denied_words("He did not resign", "He has not resigned.")
    []
"""

from __future__ import annotations

import re

from rag.text import STOPWORDS, sentences, strip_markers, words

# A word is denied by one of these at most two words before it ("not guilty", "never been approved", "isn't
# the chief", "no longer chief executive"), or joined to it ("not-guilty").
_DENIALS = frozenset({"not", "never", "no", "nor", "neither", "without"})
_REACH = 2
_SAID = frozenset({"yes", "found", "stated", "mentioned", "reported", "said", "according", "passage", "article",
                   "articles", "true", "correct", "indeed", "did", "does", "do"})


def _denial(word: str) -> bool:
    return word in _DENIALS or word.endswith("n't")


def _claimed(claim: str) -> set[str]:
    """The words a claim affirms: its lower-case content words (a name is the subject, not what is affirmed),
    none of them denied in the claim itself."""
    tokens = re.findall(r"[\w'’-]+", strip_markers(claim))
    said = [t.lower().replace("’", "'") for t in tokens]
    found = set()
    for i, token in enumerate(tokens):
        word = said[i]
        if not token.islower() or word in STOPWORDS or word in _SAID or len(word) < 3 or "-" in word:
            continue
        if any(_denial(w) for w in said[max(0, i - _REACH):i]):
            continue
        found.add(word)
    return found


def denied_words(claim: str, text: str) -> list[str]:
    """The words `claim` affirms that `text` holds, and only ever denied; a claim that denies them itself, or a
    "not only", affirms nothing here."""
    if any(_denial(w) for w in words(claim)):
        return []
    uses: dict[str, list[bool]] = {}
    for sentence in sentences(text):
        said = words(sentence)
        for i, word in enumerate(said):
            head, _, tail = word.partition("-")
            if _denial(head) and tail:  # "not-guilty"
                uses.setdefault(tail, []).append(True)
                continue
            before = said[max(0, i - _REACH):i]
            uses.setdefault(word, []).append(any(map(_denial, before)) and "only" not in before)
    return sorted(w for w in _claimed(claim) if uses.get(w) and all(uses[w]))


def denying_sentence(claim: str, text: str) -> str | None:
    """The sentence of `text` that denies a word `claim` affirms, or None."""
    denied = denied_words(claim, text)
    for sentence in sentences(text):
        said = words(sentence)
        if any(w in said or any(s.endswith(f"-{w}") for s in said) for w in denied):
            return sentence
    return None
