"""An answer's lines as structured items (`Answer.items`): each bullet line's label (a date or a name), its
text and the markers it cites, so a program can use a timeline or a list without parsing the prose.

    >>> items_of("Intro.\\n- 6 Aug 2020 (2 articles): Trump signed two orders [1] [3]\\n- Microsoft: a buyer [2]")
    [Item(text='Trump signed two orders', markers=(1, 3), date='2020-08-06', label='6 Aug 2020 (2 articles)'), \
Item(text='a buyer', markers=(2,), date=None, label='Microsoft')]
    >>> [i.label for i in items_of("- Apple, Samsung: deals [1]\\n- Sam Bankman-Fried, former CEO: on trial [2]")]
    ['Apple', 'Samsung', 'Sam Bankman-Fried, former CEO']
    >>> [i.label for i in items_of("- Xi Jinping (three articles): Xi spoke [1]\\n- Trump (one article): he said [2]")]
    ['Xi Jinping', 'Trump']
"""

from __future__ import annotations

import datetime as dt
import re

from rag.text import MARKER, strip_markers
from rag.types import Item

UNDATED = "date not given"  # a timeline line whose sentence and article give no date
YEARLESS = "(year not given)"  # after a day or month an undated article gives without its year: "4 Feb (…)"
GUESSED = "(year guessed)"  # after a date whose year an undated article took from a dated one: "2 Mar 2020 (…)"

_BULLET = re.compile(r"^\s*[-*•]\s+(?P<body>.+)$")
_LABELLED = re.compile(r"^(?P<label>[^:\[\]]{1,50}?):\s+(?P<text>.+)$")  # "6 Aug 2020: …", "Microsoft: …"
# A name as a list shows it: capitalised words, "of"/"and"/"the" between ("Bank of England"); a label of
# several names ("Apple, Samsung: …", names one line holds) is an item per name.
_NAME = re.compile(r"^[A-Z0-9][\w.&'’-]*(?:\s+(?:of|and|the|de|for|[A-Z0-9][\w.&'’-]*))*$")
_COUNTED = re.compile(r"\s+\((?:\w+ )?articles?\)$")
_FORMS = (("%d %b %Y", "%Y-%m-%d"), ("%b %Y", "%Y-%m"), ("%Y", "%Y"))


def items_of(text: str) -> list[Item]:
    """The bullet lines of `text`. A line that opens with a short label ("Microsoft: …") carries it as
    `label`, and as `date` too when the label is a date ("6 Aug 2020: …")."""
    found = []
    for line in text.splitlines():
        bullet = _BULLET.match(line)
        if not bullet:
            continue
        body = bullet.group("body").strip()
        markers = tuple(int(m) for m in MARKER.findall(body))
        labelled = _LABELLED.match(body)
        if labelled:
            label, said = labelled.group("label").strip(), _clean(labelled.group("text"))
            if iso_date(label) is None:
                label = _COUNTED.sub("", label)  # a name "named in" a count of articles: "Xi (three articles)"
            parts = label.split(", ")
            names = parts if iso_date(label) is None and all(map(_NAME.match, parts)) else [label]
            found += [Item(said, markers, iso_date(name), name) for name in names]
        else:
            found.append(Item(_clean(body), markers))
    return found


def date_label(line: str) -> tuple[str, str]:
    """A timeline line split into its date label and its sentence: ("- 6 Aug 2020: ", "On August 6, …"); ("",
    line) for any other line."""
    bullet = _BULLET.match(line)
    labelled = _LABELLED.match(bullet.group("body")) if bullet else None
    label = labelled.group("label").strip() if labelled else ""
    if bullet is None or labelled is None or not is_date_label(label):
        return "", line
    cut = bullet.start("body") + labelled.start("text")
    return line[:cut], line[cut:]


def is_date_label(label: str) -> bool:
    """A timeline line's label: a shown date, a day or month without its year, or no date, each perhaps with
    "(2 articles)" after it.

    >>> [is_date_label(x) for x in ("6 Aug 2020 (2 articles)", "4 Feb (year not given) (2 articles)", "Microsoft")]
    [True, True, False]
    """
    return bool(iso_date(label)) or label.startswith(UNDATED) or YEARLESS in label


def iso_date(label: str) -> str | None:
    """A shown date ("6 Aug 2020", "Aug 2020", "2017", with any "(…)" after it) as ISO, to its precision."""
    bare = re.sub(r"\s*\(.*\)\s*$", "", label).strip()
    for shown, iso in _FORMS:
        try:
            return dt.datetime.strptime(bare, shown).strftime(iso)
        except ValueError:
            continue
    return None


def _clean(text: str) -> str:
    return " ".join(strip_markers(text).split()).rstrip()
