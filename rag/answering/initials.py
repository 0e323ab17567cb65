"""A name typed by its initials (the `initials` rule).

People type the short form of a name ("sbf trial timeline", "did CZ plead guilty?") where most sentences write
it out ("Sam Bankman-Fried", "Changpeng Zhao"). The embedder does not know they are one name, so the sentences
that tell the story rank below the few that repeat the initials, and the lines of an open answer come from
those few. A word of the question that is the initials of a name the retrieved passages write is read as that
name too: the question becomes "Sam Bankman-Fried (sbf) trial timeline", searched again and given to the
model so.

    >>> spelled_out("sbf trial timeline", ["SBF, as he is known, denies it.", "Sam Bankman-Fried spoke."])
    {'sbf': 'Sam Bankman-Fried'}
    >>> spelled_out("did CZ plead guilty?", ["The case of Changpeng Zhao, founder of Binance."])
    {'CZ': 'Changpeng Zhao'}
    >>> spelled_out("tell us about the ban", ["The US ban.", "The United States acted."])
    {}
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.answering.intent import ASKING
from rag.answering.names import TITLES
from rag.ports import Embedder
from rag.text import STOPWORDS
from rag.trace import Trace
from rag.tuning import INITIALS_KNOWN
from rag.types import Passage

if TYPE_CHECKING:
    from rag.answering.spec import QuestionSpec

_TYPED = re.compile(r"\b[A-Za-z]{2,5}\b")
# A run of capitalised words ("of", "and", "for" may join them: "Securities and Exchange Commission").
_WORD = r"[A-Z][a-z][\w'’]*(?:-[A-Z][a-z][\w'’]*)*"  # "Bankman-Fried", not "US"
_RUN = re.compile(rf"{_WORD}(?:\s+(?:(?:of|and|for)\s+)?{_WORD})+")
_JOINS = frozenset({"of", "and", "for"})


def spell(spec: QuestionSpec, passages: Sequence[Passage], trace: Trace, on: bool,
          embedder: Embedder) -> QuestionSpec | None:
    """The spec with the names it types by their initials written out, as the passages (the candidates) write
    them; None when it types none, or the rule is off. Initials the embedder already reads as their name
    ("US" for "United States") are left as typed: searching them again would find the same passages."""
    found = spelled_out(spec.question, [f"{p.title}\n{p.text}" for p in passages])
    names = {typed: name for typed, name in found.items() if not _known(typed, name, embedder)}
    if names:
        trace.fire("initials")
    if not names or not on:
        return None
    trace.record("initials", "; ".join(f"read '{typed}' as '{name}'" for typed, name in names.items()),
                 "the question types a name by its initials, and the passages write it out")
    spelled = spec.spelled(names)
    trace.spec = spelled.describe()
    return spelled


def _known(typed: str, name: str, embedder: Embedder) -> bool:
    vectors = embedder.embed([typed, name], "document")
    return float(vectors[0] @ vectors[1]) >= INITIALS_KNOWN


def spelled_out(question: str, texts: Sequence[str]) -> dict[str, str]:
    """Each word of `question` typed as a name's initials, with the name `texts` write for them most often.
    A word counts when it is typed in capitals ("CZ"), or has three letters or more and the texts write it
    only in capitals ("sbf" for their "SBF"; "ban" is a word they write in lower case); a stopword, a word
    that asks ("list") or a title ("ceo") is none."""
    joined = "\n".join(texts)
    found: dict[str, str] = {}
    for typed in dict.fromkeys(_TYPED.findall(question)):
        low = typed.lower()
        if low in STOPWORDS or low in ASKING or low in TITLES or low in found:
            continue
        capitals = typed.isupper() or (len(typed) >= 3 and re.search(rf"\b{typed.upper()}\b", joined) is not None
                                       and re.search(rf"\b{low}\b", joined) is None)
        name = _name_for(low, joined) if capitals else None
        if name and name.lower() not in question.lower():
            found[typed] = name
    return found


def _name_for(initials: str, text: str) -> str | None:
    """The name `text` writes most often whose words' initials (a hyphened word's parts each) are `initials`."""
    counts: Counter[str] = Counter()
    for run in _RUN.finditer(text):
        words = [w for w in re.finditer(r"\S+", run.group(0)) if w.group(0) not in _JOINS]
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                parts = [part for w in words[start:end] for part in w.group(0).split("-")]
                letters = "".join(part[0] for part in parts).lower()
                if letters == initials and len(parts) >= 2:  # the span as written, "and" and all
                    counts[run.group(0)[words[start].start():words[end - 1].end()].rstrip("'’")] += 1
                if len(letters) >= len(initials):
                    break
    return max(counts, key=lambda name: (counts[name], -len(name))) if counts else None


def written_out(text: str, names: dict[str, str]) -> str:
    """`text` with each typed initials given their name first: "the sbf trial" -> "the Sam Bankman-Fried (sbf)
    trial", "sbf's lawyers" -> "Sam Bankman-Fried's (sbf) lawyers"."""
    for typed, name in names.items():
        def beside(match: re.Match[str], name: str = name) -> str:
            return f"{name}{match.group(2) or ''} ({match.group(1)})"
        text = re.sub(rf"\b({re.escape(typed)})(['’]s)?\b", beside, text, flags=re.I)
    return text
