"""Two-part yes/no questions ("Does The Verge say A, while TechCrunch says B?") checked one part at a time.

Such a question is often a false premise whose passages hold every name it uses, and a small model shown all
of them answers the whole "Yes". Asked about each part alone, against the passages of the outlet that part
names, it tells a false part from a true one better (`evals/bench/halfcheck.py`, MultiHop dev). A part it
does not answer Yes decides the question: "No", with that part and the model's reason shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable

from rag.answering.outlets import outlet_of
from rag.answering.prompt import format_passages
from rag.answering.question import verdict
from rag.text import MARKER
from rag.types import Passage

CHECK = ChatPromptTemplate.from_messages([
    ("system", "Answer a yes/no question from numbered news passages. Answer Yes only if the passages state "
               "it; otherwise No. Then give one short sentence why."),
    ("human", "{context}\n\nQuestion: {part}\nStart the answer with Yes or No."),
])


def part_passages(part: str, passages: list[Passage], outlets_named: Callable[[str], list[str]]) -> list[Passage]:
    """The passages from the outlets `part` names; all of them when it names none (or none of its outlet's)."""
    named = outlets_named(part)
    return [p for p in passages if outlet_of(p.title) in named] or passages


def check_part(generate: Runnable[dict[str, str], str], part: str, passages: list[Passage],
               outlets_named: Callable[[str], list[str]]) -> tuple[str, str, list[Passage]]:
    """The part as asked, the model's reply about it, and the passages it was shown."""
    pool = part_passages(part, passages, outlets_named)
    asked = part.strip().rstrip("?") + "?"
    return asked, generate.invoke({"context": format_passages(pool), "part": asked}), pool


def refuted(generate: Runnable[dict[str, str], str], parts: list[str], passages: list[Passage],
            outlets_named: Callable[[str], list[str]]) -> str | None:
    """The answer to a two-part yes/no question when a part does not hold: "No. …" with that part and the
    model's reason, its markers renumbered to `passages`; None when the model answers every part Yes."""
    for part in parts:
        asked, reply, pool = check_part(generate, part, passages, outlets_named)
        if verdict(reply, ("Yes", "No")) == "Yes":
            continue
        reason = _renumbered(re.sub(r"^\W*no\b\W*", "", reply.strip(), flags=re.I), pool, passages)
        return f"No. The articles do not bear out this part of the question: “{asked}” {reason}".strip()
    return None


def _renumbered(text: str, pool: list[Passage], passages: list[Passage]) -> str:
    """`text` with its `[n]` markers, which count `pool`, counting `passages` instead (others dropped)."""
    number = {n: passages.index(p) + 1 for n, p in enumerate(pool, 1)}
    text = MARKER.sub(lambda m: f"[{number[int(m.group(1))]}]" if int(m.group(1)) in number else "", text)
    return text[:1].upper() + text[1:]
