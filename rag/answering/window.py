"""The time a question asks about ("in September 2020", "last month", "since the summer", "from 2017 up to
September 2020"), resolved against the newest article of the collection: a news archive's "now" is its
newest story, not today's date.

    >>> newest = dt.date(2020, 9, 20)
    >>> window("what happened with TikTok in September 2020?", newest)
    Window(since=datetime.date(2020, 9, 1), until=datetime.date(2020, 9, 30), phrase='September 2020')
    >>> window("tiktok news last month", newest).since
    datetime.date(2020, 8, 1)
    >>> window("how did it unfold from 2017 up to september 2020?", newest)[:2]
    (datetime.date(2017, 1, 1), datetime.date(2020, 9, 30))
    >>> window("what happened with TikTok in August and September 2020?", dt.date(2023, 12, 1))[:2]
    (datetime.date(2020, 8, 1), datetime.date(2020, 9, 30))
    >>> window("Who bought TikTok?", newest) is None
    True
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple

# Month names and abbreviations, lower-case, to their number; and the pattern of any of them (match with re.I).
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_POINT = rf"(?:(?P<{{g}}m>{MONTH})\.?(?:\s+(?P<{{g}}y>(?:19|20)\d\d))?|(?P<{{g}}yo>(?:19|20)\d\d))"
_RANGE = re.compile(
    rf"\b(?:from|between|since)\s+{_POINT.format(g='a')}(?:\s+(?:to|and|until|till|up to|through)\s+"
    rf"{_POINT.format(g='b')})?", re.I)
_AT = re.compile(rf"\b(?:in|during|on|of|for|around|by)\s+(?:late\s+|early\s+|mid-?)?{_POINT.format(g='a')}\b"
                 rf"(?:\s*(?:and|or|to|through|until|-|–)\s*{_POINT.format(g='b')}\b)?", re.I)
_RELATIVE = re.compile(r"\b(?P<which>last|this|past|previous)\s+(?P<unit>week|month|year|summer|fall|autumn|winter|"
                       r"spring)\b|\bsince the (?P<since>summer|fall|autumn|winter|spring)\b", re.I)
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 2)}


class Window(NamedTuple):
    since: dt.date
    until: dt.date
    phrase: str  # the words that set it, for the trace


def window(question: str, newest: dt.date | None) -> Window | None:
    """The dates the question restricts itself to, or None when it names none. Without a year, a month is
    the last such month up to `newest` (the collection's newest article)."""
    today = newest or dt.date.today()
    for pattern in (_RANGE, _AT):  # "from X to Y", "between X and Y"; "in X", "in X and Y"
        match = pattern.search(question)
        if not match:
            continue
        until = _point(match, "b", today) if match.group("bm") or match.group("byo") else None
        since = _point(match, "a", today, until[1] if until else None)
        if since:
            end = until[1] if until else (today if pattern is _RANGE else since[1])
            return Window(since[0], end, match.group(0).split(None, 1)[1])
    match = _RELATIVE.search(question)
    if match:
        return _relative(match, today)
    return None


def _point(match: re.Match[str], g: str, today: dt.date,
           before: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of point `g`. A month without a year is the last such month up to `before` (the
    end of the range it opens: "August and September 2020"), else up to `today`."""
    year_only = match.group(f"{g}yo")
    if year_only:
        return dt.date(int(year_only), 1, 1), dt.date(int(year_only), 12, 31)
    name = match.group(f"{g}m")
    if not name:
        return None
    month = MONTHS[name.lower()]
    upto = before or today
    year = int(match.group(f"{g}y") or (upto.year if month <= upto.month else upto.year - 1))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _relative(match: re.Match[str], today: dt.date) -> Window:
    unit = (match.group("unit") or match.group("since")).lower()
    phrase = match.group(0)
    if unit == "week":
        return Window(today - dt.timedelta(days=7 if match.group("which") != "this" else today.weekday()), today,
                      phrase)
    if unit == "month":
        if match.group("which").lower() == "this":
            return Window(today.replace(day=1), today, phrase)
        first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return Window(first, first.replace(day=calendar.monthrange(first.year, first.month)[1]), phrase)
    if unit == "year":
        year = today.year if match.group("which").lower() == "this" else today.year - 1
        return Window(dt.date(year, 1, 1), min(dt.date(year, 12, 31), today), phrase)
    start, end = _SEASONS[unit]
    year = today.year if today.month >= start else today.year - 1
    since = dt.date(year, start, 1)
    end_year = year + 1 if end < start else year
    until = dt.date(end_year, end, calendar.monthrange(end_year, end)[1])
    return Window(since, today if match.group("since") else min(until, today), phrase)
