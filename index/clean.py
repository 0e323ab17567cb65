"""Remove web boilerplate lines (link teasers, image credits, comment forms, author bios) from article text.

Rules work line by line and only on lines that are boilerplate by form: a body sentence is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIXES = (
    "read more", "just in", "don't miss", "don’t miss", "see also", "related:", "related articles",
    "related topics", "advertisement", "share this", "leave a comment", "leave a reply",
    "please enter your", "your email address will not be published", "this site uses akismet",
    "sign up to", "sign up for", "subscribe to", "click here", "follow us", "more to follow",
    "comments are closed", "recommended:", "watch:", "listen:", "story continues",
)
_WHOLE_LINE = [
    re.compile(p, re.I)
    for p in (
        r"\d+\s*min(ute)?s?\s+read",  # "3 Min Read"
        r"\d{1,2}:\d{2}(:\d{2})?",  # video player timestamps
        r"(updated|published|posted|by|author|share|comments?|tweet|email|print)\s*:?",
        r"[\W_]*",  # lone punctuation such as "." or "***"
        r"(image|photo|picture|video)\s*:.*",
    )
]
# Captions end in a credit: "(Image: getty)", "(Photo: AP)", "Eric Thayer/Reuters", "Getty Images".
_CREDIT = re.compile(
    r"(\((image|images|photo|picture|pictures|pic|credit|video)\s*:[^)]*\)|"
    r"\b[\w.'-]+/(Reuters|AP|AFP|EPA|Getty Images|Bloomberg|PA|Xinhua)|\bGetty Images)\s*$",
    re.I,
)
# Teaser links after "DON'T MISS": "New flashpoint emerges ... [INSIGHT]".
_TEASER = re.compile(r"\[[A-Z][A-Z ]{2,}\]\s*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*\s*$")


@dataclass(frozen=True, slots=True)
class Cleaned:
    lines: list[str]
    removed: int


def is_boilerplate(line: str) -> bool:
    """True for a line that is boilerplate on its own, whatever surrounds it."""
    text = line.strip()
    lower = text.lower().replace("’", "'")
    if lower.startswith(tuple(p.replace("’", "'") for p in _PREFIXES)):
        return True
    if any(p.fullmatch(text) for p in _WHOLE_LINE):
        return True
    return bool(_CREDIT.search(text) or _TEASER.search(text))


def _is_label(line: str) -> bool:
    """A short line that is not a sentence: an image alt text, a byline name, a section label."""
    text = line.strip()
    return 0 < len(text) <= 80 and len(text.split()) <= 10 and not _SENTENCE_END.search(text)


def clean_lines(text: str) -> Cleaned:
    """Drop boilerplate lines; keep every other line (blank ones too, they mark article boundaries)."""
    lines = text.splitlines()
    drop = [bool(line.strip()) and is_boilerplate(line) for line in lines]
    _drop_alt_texts(lines, drop)
    _drop_author_trailer(lines, drop)
    kept = [line.rstrip() for line, gone in zip(lines, drop, strict=True) if not gone]
    return Cleaned(kept, sum(drop))


def _drop_alt_texts(lines: list[str], drop: list[bool]) -> None:
    """An image's alt text ("Donald Trump") stands on the line just above its credited caption."""
    for i, line in enumerate(lines):
        if drop[i] and _CREDIT.search(line.strip()):
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j >= 0 and not drop[j] and _is_label(lines[j]):
                drop[j] = True


def _drop_author_trailer(lines: list[str], drop: list[bool]) -> None:
    """Author box at the foot: "<Name>", "<Name>", "Author", "<bio sentence>", "Related Topics"."""
    tail_start = max(0, len(lines) - 12)
    for i in range(tail_start, len(lines)):
        if lines[i].strip().lower() != "author":
            continue
        names = {lines[j].strip() for j in range(max(0, i - 3), i) if _is_label(lines[j])}
        start = i
        while start > 0 and (lines[start - 1].strip() in names or not lines[start - 1].strip()):
            start -= 1
        for j in range(start, len(lines)):
            drop[j] = True
        # The same name as a byline near the top is boilerplate too.
        for j in range(min(start, 8)):
            if lines[j].strip() in names:
                drop[j] = True
        return
