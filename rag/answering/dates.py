"""When the event a sentence tells of happened, as news writes it ("on August 6", "Oct. 10, 2023", "on
Friday", "last month", "in 2017", "three years ago"), resolved against the article's publication date: the
event date is not the publication date, and a month or weekday without a year means the one nearest it.

    >>> published = dt.date(2020, 8, 9)
    >>> event_date("On August 6, Trump passed two executive orders.", published)
    EventDate(day=datetime.date(2020, 8, 6), precision='day', phrase='August 6')
    >>> event_date("He would give the companies until September 15 to secure a deal.", published).day
    datetime.date(2020, 9, 15)
    >>> event_date("Beijing sent a note on Friday.", published).day  # the last Friday up to publication
    datetime.date(2020, 8, 7)
    >>> event_date("Last month, the dispute marked the first bloody altercation in 45 years.", published).label
    'Jul 2020'
    >>> event_date("Three years ago this month, the administration opened an investigation.", published).label
    'Aug 2017'
    >>> event_date("Only once has war been fought: 1962 saw India suffer a defeat.", published).label
    '1962'
    >>> event_date("The company paid $2019 million, up 12%.", published) is None
    True
    >>> event_date("Saturday's hearing showed what Google spent in 2019.", published).label  # the news, not 2019
    '8 Aug 2020'
    >>> event_date("Aid groups face what residents have encountered for about 16 years: a blockade.", published).label
    '2004'
    >>> event_date("It has been a whirlwind four days for OpenAI.", published).label  # counted back to its start
    '5 Aug 2020'
    >>> event_date("The firm has 30 days to sell, and was banned for 10 years.", published) is None
    True
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple

from rag.answering.window import MONTH, MONTHS

_YEAR = r"(?:19|20)\d\d"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10}
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

# Most specific first: a day with its month (either order), a month with its year, a bare year.
_MONTH_DAY = re.compile(rf"\b(?P<m>{MONTH})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>{_YEAR})\b)?", re.I)
_DAY_MONTH = re.compile(
    rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{MONTH})\b\.?(?:,?\s+(?P<y>{_YEAR})\b)?", re.I)
_MONTH_YEAR = re.compile(rf"\b(?P<m>{MONTH})\.?(?:\s+of)?\s+(?P<y>{_YEAR})\b", re.I)
# A month alone only after a word that makes it a time ("in May", "back in May", "since early November").
_MONTH_ALONE = re.compile(rf"\b(?:in|since|until|by|during|from|of|late|early|mid-?)\s+(?:early\s+|late\s+|mid-?)?"
                          rf"(?P<m>{MONTH})\b(?!\s*\d)", re.I)
_BARE_YEAR = re.compile(rf"(?<![$£€\d.,])\b(?P<y>{_YEAR})\b(?![\d%]|\.\d|,\d)")
_AGO = re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+(?P<unit>year|month|week|day)s?"
                  r"\s+ago(?P<this>\s+this\s+month)?\b", re.I)
# A span up to the article's day, counted back to its start: "have faced it for about 16 years", "it has been a
# whirlwind four days" (a present perfect: "has 30 days to sell" and "was banned for 10 years" are not spans).
_N = r"(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>year|month|week|day)s\b"
_SPAN = re.compile(rf"\b(?:has|have)\s+(?:(?:\w+\s+){{1,4}}?for\s+(?:(?:about|nearly|almost|over|some|roughly|"
                   rf"around|more than)\s+)?|been\s+(?:an?\s+\w+\s+)?){_N}", re.I)
_LAST = re.compile(r"\b(?P<which>last|this|next)\s+(?P<unit>week|month|year)\b", re.I)
_NEARBY = re.compile(r"\b(?P<word>yesterday|today|tonight)\b", re.I)
_WEEKDAY = re.compile(r"\b(?:(?:on|last|this|late|early)\s+(?P<w>" + "|".join(_WEEKDAYS) + r")\b|(?P<ws>"
                      + "|".join(_WEEKDAYS) + r")['’]s\b)", re.I)  # "on Friday", "Monday's hearing"
FUTURE_DAYS = 92  # how far ahead a date without its year may lie
_CASE_SENSITIVE_MONTHS = {"may", "march", "jan", "mar", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "feb", "apr"}


class EventDate(NamedTuple):
    day: dt.date  # the first day of the month or year when that is all the sentence gives
    precision: str  # "day", "month" or "year"
    phrase: str  # the words it was read from

    @property
    def label(self) -> str:
        if self.precision == "day":
            return day_label(self.day)
        if self.precision == "month":
            return f"{calendar.month_abbr[self.day.month]} {self.day.year}"
        return str(self.day.year)


def day_label(day: dt.date) -> str:
    """A day as newsrag shows it: "6 Aug 2020"."""
    return f"{day:%-d %b %Y}"


def event_date(sentence: str, published: dt.date | None, year_of: int | None = None) -> EventDate | None:
    """The date of what `sentence` tells, or None when it names no time. Without `published`, a month
    without its year is placed by `year_of` (an undated article's likely time), and "last week" or "on
    Friday" cannot be placed."""
    found = [d for d in (_explicit(sentence, published, year_of)) if d is not None]
    first = min(found, key=lambda pair: pair[0])[1] if found else None
    if found and not all(date.precision == "year" for _, date in found):
        return first  # a written day or month decides
    near = _relative(sentence, published) if published else None
    if first and (near is None or near.precision == "year"):
        return first
    if near:  # "Monday's hearing revealed what Google spent in 2021": the news is Monday's, 2021 its background
        return near
    ago = _AGO.search(sentence)  # "three years ago" needs only the year
    if year_of and ago and ago.group("unit").lower() == "year":
        n = _count(ago.group("n"))
        return EventDate(dt.date(year_of - n, 1, 1), "year", ago.group(0))
    return None


# "within 45 days of the order", "30 days after the ban": a day counted from an event dated before it.
_AFTER = re.compile(r"\b(?:within|in|after|for)\s+(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+"
                    r"(?P<unit>day|week)s?\s+(?:of|after|from|following)\b", re.I)


def after_event(sentence: str, anchor: EventDate | None) -> EventDate | None:
    """The day `sentence` counts to from `anchor`, the last event its passage dated to the day before it: the
    event just told is what "the order" refers to.

    >>> orders = event_date("On August 6, Trump passed two executive orders.", dt.date(2020, 9, 12))
    >>> after_event("They bar any deal with TikTok unless it is sold within 45 days of the order.", orders).label
    '20 Sep 2020'
    """
    found = _AFTER.search(sentence)
    if found is None or anchor is None or anchor.precision != "day":
        return None
    days = _count(found.group("n")) * (7 if found.group("unit").lower() == "week" else 1)
    return EventDate(anchor.day + dt.timedelta(days=days), "day", found.group(0))


def _count(word: str) -> int:
    word = word.lower()
    return 1 if word == "a" else _NUMBERS.get(word) or int(word)


def written_year(text: str, newest: dt.date | None) -> int | None:
    """For an undated article: the end of the year it writes most (the latest of equals; none after the
    collection's newest article), the best guess at when it was written.

    >>> written_year("Signed in January 2020, the 2020 deal ... since 2017, by the end of 2021.", None)
    2020
    """
    years = [int(m.group("y")) for m in _BARE_YEAR.finditer(text)]
    years = [y for y in years if newest is None or y <= newest.year]
    return max(years, key=lambda y: (years.count(y), y)) if years else None


def written_dates(text: str, published: dt.date | None) -> list[EventDate]:
    """Every date the text writes out ("October 16, 2023", "16 Oct", "March 2020", "2019"), in order."""
    return [d for _, d in sorted(x for x in _explicit(text, published, None) if x is not None)]


def _explicit(sentence: str, published: dt.date | None, year_of: int | None) -> list[tuple[int, EventDate] | None]:
    """(position, date) of every written date; a day or month read first where several patterns overlap."""
    out: list[tuple[int, EventDate] | None] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_MONTH_DAY, _DAY_MONTH, _MONTH_YEAR, _MONTH_ALONE, _BARE_YEAR):
        for match in pattern.finditer(sentence):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            read = _read(match, published, year_of)
            if read is not None:
                taken.append(match.span())
                out.append((match.start(), read))
    return out


def _read(match: re.Match[str], published: dt.date | None, year_of: int | None) -> EventDate | None:
    groups = match.groupdict()
    phrase = match.group(0).strip()
    month_name = groups.get("m")
    if month_name is None:  # a bare year
        return EventDate(dt.date(int(groups["y"]), 1, 1), "year", phrase)
    if month_name.lower() in _CASE_SENSITIVE_MONTHS and not month_name[0].isupper():
        return None  # "may" the verb, "march" the walk
    month = MONTHS[month_name.lower().rstrip(".")]
    day = int(groups["d"]) if groups.get("d") else None
    if day is not None and not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    if groups.get("y"):
        year = int(groups["y"])
    elif published is not None:
        year = _nearest_year(month, day or 1, published)
    elif year_of is not None:
        year = year_of
    else:
        return None
    if day is not None:
        try:
            return EventDate(dt.date(year, month, day), "day", phrase)
        except ValueError:  # 29 February of a year without one
            return None
    return EventDate(dt.date(year, month, 1), "month", phrase)


def _nearest_year(month: int, day: int, published: dt.date) -> int:
    """The year that puts the month and day latest, but no more than three months after the publication: news
    tells of the past months and the coming weeks, so "September 15" in an August article is this September,
    "in January" in an August one this January, "December" in a January one last December."""
    def when(year: int) -> dt.date:
        try:
            return dt.date(year, month, day)
        except ValueError:  # 29 February
            return dt.date(year, month, 28)
    return max(y for y in (published.year - 1, published.year, published.year + 1)
               if when(y) <= published + dt.timedelta(days=FUTURE_DAYS))


def _relative(sentence: str, published: dt.date) -> EventDate | None:
    match = _AGO.search(sentence)
    if match:
        n = _count(match.group("n"))
        unit = match.group("unit").lower()
        if unit == "year":
            if match.group("this"):
                return EventDate(dt.date(published.year - n, published.month, 1), "month", match.group(0))
            return EventDate(dt.date(published.year - n, 1, 1), "year", match.group(0))
        if unit == "month":
            first = _months_before(published, n)
            return EventDate(first, "month", match.group(0))
        days = n * (7 if unit == "week" else 1)
        return EventDate(published - dt.timedelta(days=days), "day", match.group(0))
    match = _SPAN.search(sentence)
    if match:
        n, unit = _count(match.group("n")), match.group("unit").lower()
        if unit == "year":
            return EventDate(dt.date(published.year - n, 1, 1), "year", match.group(0))
        if unit == "month":
            return EventDate(_months_before(published, n), "month", match.group(0))
        return EventDate(published - dt.timedelta(days=n * (7 if unit == "week" else 1)), "day", match.group(0))
    match = _LAST.search(sentence)
    if match:
        step = {"last": -1, "this": 0, "next": 1}[match.group("which").lower()]
        unit = match.group("unit").lower()
        if unit == "year":
            return EventDate(dt.date(published.year + step, 1, 1), "year", match.group(0))
        if unit == "month":
            return EventDate(_months_before(published, -step), "month", match.group(0))
        return EventDate(published + dt.timedelta(days=7 * step), "day", match.group(0))
    match = _WEEKDAY.search(sentence)
    if match:
        back = (published.weekday() - _WEEKDAYS[(match.group("w") or match.group("ws")).lower()]) % 7
        return EventDate(published - dt.timedelta(days=back), "day", match.group(0))
    match = _NEARBY.search(sentence)
    if match:
        back = 1 if match.group("word").lower() == "yesterday" else 0
        return EventDate(published - dt.timedelta(days=back), "day", match.group(0))
    return None


def _months_before(published: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months before the publication's (negative: after)."""
    index = published.year * 12 + published.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)
