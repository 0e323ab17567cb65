"""After generation: normalise and resolve `[n]` markers, and check each cited sentence against its passage.

No NLI model ships offline, so support is judged from sentence embeddings and lexical evidence: the cited
sentence must be close in meaning to some sentence of the passage, and its numbers must appear there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.ports import Embedder
from rag.text import content_words, sentences, words
from rag.types import Citation, Passage

_MARKER = re.compile(r"\[(\d+)\]")
# Forms small models produce instead of "[1][2]": "[1, 2]", "[Passage 1]", "【1】", "[^1]", "[1-2]".
_LIST = re.compile(r"[\[【]\s*(?:passages?|source|\^)?\s*(\d+(?:\s*(?:,|and|-|–)\s*\d+)*)\s*[\]】]", re.I)
_REFUSALS = re.compile(
    r"(do(es)? not (say|contain|mention|provide|specify|include|state)|no information|not (mentioned|provided|"
    r"specified|stated|available)|cannot (answer|determine|find)|can't (answer|determine)|don't know|"
    r"unable to (answer|determine|find)|there is no mention|none of the passages)",
    re.I,
)
SUPPORT_SIMILARITY = 0.55
SUPPORT_LEXICAL = 0.6


def normalise_markers(text: str, n_passages: int) -> str:
    """Rewrite marker variants as `[n]`; drop markers that point at no passage."""

    def expand(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.findall(r"\d+", match.group(1))]
        if re.search(r"[-–]", match.group(1)) and len(numbers) == 2:
            numbers = list(range(numbers[0], numbers[1] + 1))
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers) if 1 <= n <= n_passages)

    text = _LIST.sub(expand, text)
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def is_refusal(text: str) -> bool:
    return bool(_REFUSALS.search(text))


@dataclass(frozen=True, slots=True)
class Support:
    similarity: float
    lexical: float
    numbers_ok: bool

    @property
    def supported(self) -> bool:
        return self.numbers_ok and (self.similarity >= SUPPORT_SIMILARITY or self.lexical >= SUPPORT_LEXICAL)


def support(claim: str, passage: Passage, embedder: Embedder) -> Support:
    """How well `passage` supports `claim` (a sentence of the answer, markers removed)."""
    claim = _MARKER.sub("", claim).strip()
    parts = sentences(passage.text) or [passage.text]
    vectors = embedder.embed([claim, *parts], "document")
    similarity = float(np.max(vectors[1:] @ vectors[0])) if len(parts) else 0.0
    claim_words = set(content_words(claim))
    passage_words = set(content_words(passage.title + " " + passage.text))
    lexical = len(claim_words & passage_words) / len(claim_words) if claim_words else 0.0
    numbers = {w for w in words(claim) if any(ch.isdigit() for ch in w)}
    dated = passage.published.strftime("%d %B %Y %-d") if passage.published else ""
    return Support(similarity, lexical, numbers <= set(words(f"{passage.text} {passage.title} {dated}")))


def resolve(text: str, passages: list[Passage], embedder: Embedder) -> tuple[str, list[Citation]]:
    """Citations in marker order, each checked; an answer with no markers gets them repaired: every
    sentence is attributed to the passage that supports it best, when one does."""
    if not _MARKER.search(text):
        text = _attach_markers(text, passages, embedder)
    verdicts: dict[int, bool] = {}
    for sentence in sentences(text):
        for n in dict.fromkeys(int(m) for m in _MARKER.findall(sentence)):
            ok = support(sentence, passages[n - 1], embedder).supported
            verdicts[n] = verdicts.get(n, True) and ok
    return text, [Citation(n, passages[n - 1], verdicts[n]) for n in verdicts]


def _attach_markers(text: str, passages: list[Passage], embedder: Embedder) -> str:
    out = []
    for sentence in sentences(text):
        scored = [(support(sentence, p, embedder), n) for n, p in enumerate(passages, 1)]
        best = max(scored, key=lambda s: s[0].similarity + s[0].lexical, default=None)
        if best is not None and best[0].supported:
            sentence = _insert_marker(sentence, best[1])
        out.append(sentence)
    return " ".join(out)


def _insert_marker(sentence: str, n: int) -> str:
    match = re.search(r"[.!?]['\"”’]?$", sentence)
    return f"{sentence[:match.start()]} [{n}]{sentence[match.start():]}" if match else f"{sentence} [{n}]"
