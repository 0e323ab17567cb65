"""After generation: resolve `[n]` markers and check each cited sentence against its passage
(rag/answering/support.py), moving a marker to the sentence or passage that supports it."""

from __future__ import annotations

import re

from rag.answering.items import date_label
from rag.answering.markers import _drop_marker, _insert_marker
from rag.answering.question import answers_kind, expected_type
from rag.answering.support import (
    _NON_CLAIM,
    ITEM,
    Support,
    _given,
    _vocabulary,
    covered,
    names_item,
    support,
)
from rag.ports import Embedder
from rag.text import MARKER as _MARKER
from rag.text import content_words, sentences, strip_markers
from rag.types import Citation, Passage


def cites_asked_fact(text: str, citations: list[Citation], question: str) -> bool:
    """Whether the kind of fact the question asks for (a name, a number, a date) stands where a verified
    citation vouches for it: in a cited sentence, or in the unmarked sentences before it on its line ("The
    service is Beeper Mini. It reverse-engineered iMessage [1]."), with its words in the cited passage.
    Grounding lets a name come from any passage the model was given, so "the deputy speaker is said to be named
    Rahul Gandhi [3]" passed when only another passage named him; and a figure in an uncited sentence passed
    beside a cited one that did not hold it."""
    if expected_type(question) is None:
        return True
    verified = {c.marker: c.passage for c in citations if c.supported}
    for line in text.split("\n"):
        run: list[str] = []
        for sentence in sentences(line):
            run.append(sentence)
            markers = [int(m) for m in _MARKER.findall(sentence)]
            if not markers:
                continue
            scope, run = " ".join(run), []
            cited = [verified[n] for n in markers if n in verified]
            known = _vocabulary(" ".join(map(_given, cited)))
            # A word the passage lacks leaves a gap, so the words around it do not join into one name.
            held = " ".join(t if _vocabulary(t) <= known else "|" for t in strip_markers(scope).split())
            if cited and answers_kind(held, question):
                return True
    return False


def resolve(
    text: str, passages: list[Passage], embedder: Embedder, question: str = "", held: bool | None = None,
    *, repair: bool = True, aliases: bool = False, moves: list[str] | None = None, items: bool = False,
    subject: bool = False, off_subject: list[int] | None = None,
) -> tuple[str, list[Citation]]:
    """Check every cited sentence against its passages and return citations in marker order.

    Repairs: a marker whose passage does not support its sentence is moved back to an unmarked sentence before
    it that the passage supports, else to the passage that supports its sentence (small models often cite the
    neighbouring number); an answer with no markers at all gets each sentence
    attributed to the passage that supports it best, when one does. `held` is `covered(question, passages)`
    when the caller has it already. Without `repair`, markers stay where the model put them and are only
    checked; `moves` collects what each repair did, for the trace. With `items` (a list's answer), a line
    "- Name: …" is supported by a passage that names it, and an unmarked one cites the first such passage.
    With `subject`, a sentence naming the question's subject is supported only by a passage naming it too;
    `off_subject` collects the passages that check turned down for a cited sentence."""
    context = " ".join([question, *map(_given, passages)])
    about = question if subject else ""
    if held is None:
        held = bool(question) and covered(question, passages)
    asked = question if held else ""
    if items and repair:
        text = "\n".join(_cite_item(line, passages) for line in text.split("\n"))
    if not _MARKER.search(text) and repair:
        text = _attach_markers(text, passages, embedder, context, asked, about)
        if moves is not None and _MARKER.search(text):
            moves.append("markers added to an answer that had none")
    verdicts: dict[int, bool] = {}
    lines = []
    previous = ""
    for line in text.split("\n"):
        item = items and bool(ITEM.match(line))
        # A timeline line's date label is read from its sentence and its article's date ("On August 6" in a
        # 12 Sep 2020 article), so the year is in neither: the sentence is the claim, not the label.
        head, line = date_label(line)
        repaired: list[str] = []
        unmarked: list[int] = []  # sentences of this line since its last cited one
        for sentence in sentences(line):
            cited = list(dict.fromkeys(int(m) for m in _MARKER.findall(sentence)))
            if cited:
                claim = sentence if item else claim_of(sentence, previous, question)
                checks = [support(claim, p, embedder, context, asked, aliases, item, about) for p in passages]
                joint = _joint(claim, cited, passages, checks, embedder, context)
                if off_subject is not None:  # the passages this sentence could not be cited to, by the rule
                    off_subject.extend(i for i, c in enumerate(checks, 1) if c.off_subject)
                for n in cited:
                    ok = checks[n - 1].supported or n in joint
                    earlier = None if ok or not repair else _earlier_claim(
                        repaired, unmarked, passages[n - 1], embedder, context, question, asked, about)
                    better = None if ok or earlier is not None or not repair else _best(checks, set(cited))
                    if moves is not None and (earlier is not None or better is not None):
                        moves.append(f"[{n}] moved to " + ("an earlier sentence it supports" if earlier is not None
                                                           else f"[{better}], the passage that supports it"))
                    if earlier is not None:
                        # "A. B, restating the question [2]": the marker closes a run and belongs to its claim.
                        repaired[earlier] = _insert_marker(repaired[earlier], n)
                        sentence = _drop_marker(sentence, n)
                        ok = True
                    elif better is not None:
                        sentence = sentence.replace(f"[{n}]", f"[{better}]")
                        n, ok = better, True
                    verdicts[n] = verdicts.get(n, True) and ok
                unmarked = []
            else:
                unmarked.append(len(repaired))
            repaired.append(sentence)
            previous = sentence
        lines.append(head + " ".join(repaired))
    text = "\n".join(lines)
    order = list(dict.fromkeys(int(m) for m in _MARKER.findall(text)))
    return text, [Citation(n, passages[n - 1], verdicts.get(n, False)) for n in order]


_YES_NO = re.compile(r"^\s*(yes|no)\b[,.!]?", re.I)


def claim_of(sentence: str, previous: str, question: str) -> str:
    """What a cited sentence claims. "Yes [1]." claims the question's statement; "This is stated in passage
    [2]." claims the sentence before it; anything with two words of its own claims itself."""
    own = [w for w in content_words(_MARKER.sub("", sentence)) if w not in _NON_CLAIM]
    if len(own) >= 2:
        return sentence
    if re.match(r"\s*(yes|no)\b", sentence, re.I) and question:
        return question + " " + _YES_NO.sub("", sentence)
    return f"{previous} {sentence}" if previous else sentence


def _joint(claim: str, cited: list[int], passages: list[Passage], checks: list[Support], embedder: Embedder,
           context: str) -> set[int]:
    """A comparison or a two-article claim ("X said A [1], while Y said B [2]") is supported by its cited
    passages together when no one of them holds all of it; each passage must hold some of its words."""
    if len(cited) < 2 or all(checks[n - 1].supported for n in cited):
        return set()
    together = passages[cited[0] - 1]
    together = Passage(together.chunk_id, together.article_id, together.title, together.source, together.published,
                       " ".join(passages[n - 1].text for n in cited), together.score, together.start, together.end)
    if not support(claim, together, embedder, context).supported:
        return set()
    words = set(content_words(_MARKER.sub("", claim)))
    return {n for n in cited if words & set(content_words(passages[n - 1].text))}


def _earlier_claim(repaired: list[str], unmarked: list[int], passage: Passage, embedder: Embedder, context: str,
                   question: str, asked: str, about: str) -> int | None:
    """The nearest unmarked sentence before a wrongly cited one that its passage supports, if any: small models
    often put one marker at the end of a paragraph whose first sentence holds the answer."""
    for i in reversed(unmarked):
        claim = claim_of(repaired[i], repaired[i - 1] if i else "", question)
        if support(claim, passage, embedder, context, asked, subject=about).supported:
            return i
    return None


def _cite_item(line: str, passages: list[Passage]) -> str:
    """An unmarked list line cites the first passage that names its item."""
    if not ITEM.match(line) or _MARKER.search(line):
        return line
    naming = next((n for n, p in enumerate(passages, 1) if names_item(line, p)), None)
    return line if naming is None else f"{line.rstrip()} [{naming}]"


def _best(checks: list[Support], exclude: set[int]) -> int | None:
    scored = [(c.similarity + c.lexical, n) for n, c in enumerate(checks, 1) if c.supported and n not in exclude]
    return max(scored)[1] if scored else None


def _attach_markers(text: str, passages: list[Passage], embedder: Embedder, context: str, asked: str,
                    about: str) -> str:
    lines = []
    for line in text.split("\n"):  # the model's line breaks (an answer word, then its reasons) stay
        out = []
        for sentence in sentences(line):
            scored = [(support(sentence, p, embedder, context, asked, subject=about), n)
                      for n, p in enumerate(passages, 1)]
            best = max(scored, key=lambda s: s[0].similarity + s[0].lexical, default=None)
            if best is not None and best[0].supported:
                sentence = _insert_marker(sentence, best[1])
            out.append(sentence)
        lines.append(" ".join(out))
    return "\n".join(lines)
