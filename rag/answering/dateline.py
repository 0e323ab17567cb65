"""A "when" answer that gives only its article's date (the `dateline` rule).

The prompt dates each passage, so a small model asked when something happened that its passage does not date
answers with the article's own date: "When did Jada Pinkett Smith and Will Smith get married?" came back
"on October 16, 2023, according to passage [1]", the day an article on their marriage was published. That
date is the news's, not the event's: an answer whose every date is a cited article's publication date, when
no sentence of that article gives the date (written out, or as "on Monday", "yesterday", "last week"), does not
answer the question.

    >>> import datetime as dt
    >>> from rag.types import Passage
    >>> day = dt.date(2023, 10, 16)
    >>> wed = Passage("c1", "a1", "Jada", "j.txt", day, "Jada praised her husband of many years.", 1.0, 0, 40)
    >>> only_dateline("They married on October 16, 2023 [1].", [wed])
    '16 Oct 2023'
    >>> said = Passage("c2", "a2", "Jada", "j.txt", day, "Jada said on Monday that they never signed a prenup.",
    ...                1.0, 0, 50)
    >>> only_dateline("She said it on October 16, 2023 [1].", [said]) is None  # "on Monday" is that day
    True
    >>> only_dateline("They married in 1997 [1].", [wed]) is None  # not the article's date: grounding's case
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rag.answering.dates import EventDate, event_date, written_dates
from rag.text import sentences, strip_markers
from rag.types import Passage


def only_dateline(answer: str, cited: Sequence[Passage]) -> str | None:
    """The date, when every day or month the answer gives is the publication date of a cited passage that no
    sentence of that passage gives; None otherwise (no such date, or one a passage writes or points to)."""
    dated = [p for p in cited if p.published is not None]
    if not dated:
        return None
    given = [d for d in written_dates(strip_markers(answer), dated[0].published) if d.precision != "year"]
    if not given or not all(any(_is_dateline(d, p) for p in dated) for d in given):
        return None
    return given[0].label


def _is_dateline(day: EventDate, passage: Passage) -> bool:
    """The answer's date is the passage's publication date (its day, or its month) and no sentence of the
    passage dates anything to it."""
    assert passage.published is not None
    if not _same(day, passage.published):
        return False
    for sentence in sentences(passage.text):
        told = [*written_dates(sentence, passage.published), event_date(sentence, passage.published)]
        if any(t is not None and t.precision != "year" and _same(day, t.day) for t in told):
            return False
    return True


def _same(day: EventDate, other: dt.date) -> bool:
    """The same day, or for a month the answer gives, a day in it."""
    if day.precision == "day":
        return day.day == other
    return (day.day.year, day.day.month) == (other.year, other.month)
