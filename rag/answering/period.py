"""An answer taken from another period than the one asked (the `period` rule).

Asked "What was Uber's revenue in the fourth quarter of 2023?", the small model answered "$219 million" from
a passage that says "In the third quarter, Uber generated … $219 million worth of net income": the passage
is about the right company and close in meaning, and names a figure, so the support check passed it. When the
question names a period of a kind that counts (a quarter, a year, a week or a game of a season or a series)
and every passage its answer cites names a period of that kind but never the one asked, the answer is about
another period, and is refused.

    >>> other_period("What was Uber's revenue in the fourth quarter?", ["In the third quarter, Uber made $219m."])
    'fourth quarter'
    >>> other_period("what did uber make in q3?", ["In the third quarter, Uber made $219m."]) is None
    True
    >>> other_period("how much did google spend in 2022?", ["Google spent $26.3 billion in 2021."])
    '2022'
    >>> other_period("how much did google spend in 2022?", ["Google spent $26.3 billion."]) is None  # says none
    True
    >>> other_period("who won game 3?", ["Game 2 went to the Rangers; Game 3 is on Monday."]) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ORDINAL = {"first": "1", "second": "2", "third": "3", "fourth": "4", "1st": "1", "2nd": "2", "3rd": "3", "4th": "4"}
_KINDS = {  # a kind of period, its pattern (the period's number in the first group that matched)
    "quarter": re.compile(r"\bq([1-4])\b|\b(first|second|third|fourth|1st|2nd|3rd|4th)[ -]quarter\b", re.I),
    "year": re.compile(r"\b((?:19|20)\d\d)\b"),
    "week": re.compile(r"\bweek (\d{1,2})\b", re.I),
    "game": re.compile(r"\bgame (\d)\b", re.I),
}


def _periods(pattern: re.Pattern[str], text: str) -> dict[str, str]:
    """The periods of one kind the text names: number -> the words naming it."""
    found = {}
    for match in pattern.finditer(text):
        number = next(g for g in match.groups() if g)
        found[_ORDINAL.get(number.lower(), number.lower())] = match.group(0)
    return found


def other_period(question: str, cited: Sequence[str]) -> str | None:
    """The period the question asks about, when every cited text names another period of its kind and not
    that one; None otherwise (no period asked, nothing cited, or one cited text that names it or no period)."""
    for pattern in _KINDS.values():
        asked = _periods(pattern, question)
        if not asked or not cited:
            continue
        told = [_periods(pattern, text) for text in cited]
        if all(t and not (t.keys() & asked.keys()) for t in told):
            return next(iter(asked.values()))
    return None
