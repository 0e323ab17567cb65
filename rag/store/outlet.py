"""The outlet an article comes from, as its title carries it: "Title — The Verge" (index/load.py writes
titles so), shortened to the name questions use ("FOX News - Lifestyle" -> "FOX News").

    >>> short_name("FOX News - Lifestyle"), short_name("Cnbc | World Business News Leader")
    ('FOX News', 'Cnbc')
    >>> headline("Taylor Swift is Time’s Person of the Year — The Independent - Life and Style")
    'Taylor Swift is Time’s Person of the Year'
"""

from __future__ import annotations

import re

SEPARATOR = " — "  # between an article's title and its outlet


def outlet_of(title: str) -> str | None:
    """The outlet a title names after its last separator, shortened (see `short_name`)."""
    if SEPARATOR not in title:
        return None
    return short_name(title.rsplit(SEPARATOR, 1)[1]) or None


def headline(title: str) -> str:
    """The title without the outlet after its last separator: what the article itself says."""
    return title.rsplit(SEPARATOR, 1)[0] if SEPARATOR in title else title


def short_name(outlet: str) -> str:
    """The outlet without its section or tagline ("The Independent - Sports" -> "The Independent"): questions
    name the outlet, not the feed."""
    return re.split(_TAGLINE_SEPARATOR, outlet, maxsplit=1)[0].strip()

# What parts an outlet from its feed's name: "FOX News - Lifestyle", "Cnbc | World Business News Leader",
# "Live Science: The Most Interesting Articles".
_TAGLINE_SEPARATOR = r"\s+[-|–]\s+|:\s+"
