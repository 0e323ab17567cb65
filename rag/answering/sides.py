"""The sides a comparison names, and which of the passages' lines tells each side's part (the `sides` rule).

"how did chinese state media and trump describe the deal?", "epic v google: how is each side making its
case?", "techcrunch vs engadget on chatgpt turning one" name two sides around "and", "vs", "v" or "compared
with"; "what did the different outlets say about …?" asks for the outlets the passages come from.

    >>> [s.label for s in sides("how did chinese state media and trump describe the deal differently?")]
    ['chinese state media', 'trump']
    >>> [s.label for s in sides("washington's hk law vs beijing's security law for the city - how do they clash")]
    ["washington's hk law", "beijing's security law"]
    >>> [s.label for s in sides("epic v google: how is each side making its case?")]
    ['epic', 'google']
    >>> [s.label for s in sides("how does the hong kong autonomy act compare with china's security law?")]
    ['the hong kong autonomy act', "china's security law"]
    >>> [s.label for s in sides("Compare how China and the US see the TikTok sale")]
    ['China', 'the US']
    >>> [s.label for s in sides("compare how google and amazon were treated by regulators")]
    ['google', 'amazon']
    >>> by_outlet("What did the different outlets say about the sale?")
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answering.lines import Line, _stem
from rag.text import content_words

_CONNECTOR = re.compile(r"\s+(?:and|vs\.?|versus|v\.?|compared? (?:with|to))\s+", re.I)
_LEAD = re.compile(r"^\W*(?:(?:how|what|why|where|when|in what way)\s+(?:did|do|does|have|has|were|are|was|is)\s+|"
                   r"(?:compare|contrast)\s+(?:(?:how|what)\s+)?|(?:did|do|does)\s+)?", re.I)
_END = re.compile(r"\s+(?:each|both|describ\w*|portray\w*|fram\w*|cover\w*|report\w*|see|saw|view\w*|differ\w*|"
                  r"clash\w*|compar\w*|present\w*|characteri[sz]\w*|say|said|tell|told|on|about|over|for|in|"
                  r"regarding|mak\w*|tak\w*|treat\w*|react\w*|respond\w*|argu\w*|explain\w*|talk\w*|spoke|speak\w*|"
                  r"discuss\w*|writ\w*|wrote|were|was|are|is|have|has|had|got|get)\b|\s*[:?,;—–]|\s+-\s",
                  re.I)
_OUTLETS = re.compile(r"\b(?:different|various|several|other|the|all the|both) (?:outlets|papers|newspapers|sources|"
                      r"publications|media outlets|reports|articles)\b", re.I)
_MOST_WORDS = 6  # a longer "side" is a clause, not a name


@dataclass(frozen=True, slots=True)
class Side:
    label: str  # as the question writes it
    words: frozenset[str]  # its words' stems, possessives taken off


def sides(question: str) -> list[Side]:
    """The two sides around the question's first "and"/"vs"/"v" that has a short name on each side; [] when
    it names none."""
    for match in _CONNECTOR.finditer(question):
        left = _LEAD.sub("", question[:match.start()], count=1).strip()
        rest = question[match.end():]
        end = _END.search(rest)
        right = (rest[:end.start()] if end else rest).strip(" ?.!")
        if 0 < len(left.split()) <= _MOST_WORDS and 0 < len(right.split()) <= _MOST_WORDS:
            found = [Side(label, _stems(label)) for label in (left, right)]
            if all(s.words for s in found):
                return found
    return []


def by_outlet(question: str) -> bool:
    """The question asks how the outlets (papers, sources) told it."""
    return bool(_OUTLETS.search(question))


def side_of(line: Line, found: list[Side], outlets: list[str | None]) -> int | None:
    """Which side a line tells: the side whose outlet published it (`outlets`: the outlet of each passage), else
    the side whose own words (those the other side lacks) it names first: a sentence's subject comes first
    ("Epic will also suggest that Google hid items …" is Epic's case); None when it names neither."""
    for i, side in enumerate(found):
        if any(_stems(outlet or "") == side.words for outlet in (outlets[m - 1] for m in line.markers)):
            return i
    stems = _stem_list(line.text)
    firsts = []
    for i, side in enumerate(found):
        own = side.words - _others(found, i)
        firsts.append(next((at for at, stem in enumerate(stems) if stem in own), len(stems)))
    first = min(firsts)
    return firsts.index(first) if first < len(stems) and firsts.count(first) == 1 else None


def names_whole(line: Line, side: Side) -> bool:
    """Whether the line names a side of several words as a phrase: its last two words together ("state
    media" for "chinese state media"). A nationality alone is not the side: "Chinese social media apps feed
    data to Beijing", said by Pompeo, is no line of Chinese state media's."""
    label = _stem_list(side.label)
    if len(label) < 2:
        return False
    stems = _stem_list(line.text)
    return any(stems[i:i + 2] == label[-2:] for i in range(len(stems) - 1))


def _others(found: list[Side], i: int) -> frozenset[str]:
    return frozenset().union(*(s.words for j, s in enumerate(found) if j != i))


def _stem_list(text: str) -> list[str]:
    """The stems of `text`'s content words in order, possessives taken off."""
    return [_stem(re.sub(r"['’]s$", "", w)) for w in content_words(text)]


def _stems(text: str) -> frozenset[str]:
    return frozenset(_stem_list(text))
