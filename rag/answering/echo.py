"""Answer lines that only repeat the prompt: a small model writing at length falls into copying its input's
layout (a passage's header, its quoted lines)."""

from __future__ import annotations

import re

from rag.answering.prompt import HEADER_DATE
from rag.store.outlet import headline
from rag.text import MARKER
from rag.types import Passage


def drop_echoes(text: str, passages: list[Passage]) -> str:
    """The answer without lines that only repeat the prompt: a passage's quoted lines ("> …") or its title
    (behind a bullet or a date, with or without a marker). A small model writing at length falls into
    copying its input's layout. An answer that is one headline and nothing else is kept, as a cited sentence:
    a headline is the article's first claim, and the checks after judge whether it answers."""
    titles = {_bare(p.title) for p in passages}

    def echo(line: str) -> bool:
        line = HEADER_DATE.sub("", line)  # a passage's header as the prompt writes it: "Title… (published 4 Oct)"
        forms = {_bare(line), _bare(re.sub(r"^\s*(?:[-•*]\s*)?(?:[\w ,]{1,20}:\s)?", "", line))}
        # the prompt shortens long titles ("…"), so a copied title may be a title's beginning
        return line.lstrip().startswith(">") or any(
            t == bare or (len(bare) >= 15 and t.startswith(bare)) for t in titles for bare in forms)

    seen: set[str] = set()
    kept = []
    for line in text.split("\n"):
        if echo(line) or (line.strip() and _bare(line) in seen):  # copied, or the same line again
            continue
        seen.add(_bare(line))
        kept.append(line)
    lone = [line for line in text.split("\n") if line.strip() and not line.lstrip().startswith(">")]
    if not "".join(kept).strip() and len(lone) == 1:
        return _as_claim(lone[0])  # the answer is one headline: what the article states, not a copied layout
    return "\n".join(kept).strip()


def _as_claim(line: str) -> str:
    """A copied headline as a cited sentence: "[1] Title… (published 4 Oct 2023)" -> "Title [1]"."""
    cited = MARKER.findall(line)
    body = headline(HEADER_DATE.sub("", MARKER.sub("", line)).replace("…", "").strip(" -•*."))
    return f"{body} {' '.join(f'[{n}]' for n in dict.fromkeys(cited))}".strip() if body else ""


def _bare(line: str) -> str:
    return re.sub(r"\W+", " ", MARKER.sub("", line).replace("…", "")).strip().lower()
