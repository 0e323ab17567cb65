"""Publication dates: from metadata values and from the text's own date lines."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# "date 2020-09-12" at the very start, as the sample corpus writes it.
LEADING_DATE = re.compile(r"^\s*date[:\s]+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.I)
# Bylines such as "Published: 12 September 2020" or "Updated Mar 3, 2023 10:15 ET".
BYLINE_DATE = re.compile(
    r"^\s*(?:published|posted|updated|first published)(?: on)?[:\s]+(.{6,40}?)\s*$", re.I | re.M
)


def parse_date(value: Any) -> dt.date | None:
    """Best-effort parse of a metadata date (ISO string, datetime, or common formats)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    from dateutil import parser  # only reached for non-ISO dates

    try:
        parsed: dt.datetime = parser.parse(text, fuzzy=False, default=dt.datetime(1900, 1, 1))
        return parsed.date()
    except (ValueError, OverflowError):
        return None


def byline_date(text: str, head_lines: int = 8) -> dt.date | None:
    """A date from a "Published: ..." line near the top of an article."""
    head = "\n".join(text.splitlines()[:head_lines])
    match = BYLINE_DATE.search(head)
    if not match:
        return None
    found = parse_date(match.group(1))
    return found if found and found.year > 1900 else None
