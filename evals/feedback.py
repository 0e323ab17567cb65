"""Feedback from the chat window as evaluation cases (`newsrag feedback export`), so what users saw wrong
becomes a question file that `newsrag eval FILE --collection NAME` replays against the same collection.

A case needs what a right answer must contain. A correction ("the right answer is …") gives it; an answer
marked good gives its key facts (numbers and names it shares with the passages it cited; any one must
appear); a good refusal gives an "unanswerable" case. An answer marked wrong without a correction says what
is wrong but not what is right, so it is left out and counted; so is a correction longer than any answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.jsonl import write_jsonl
from rag.text import MARKER

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’-]+)+")
# An answer is right when it holds the whole correction, and answers stop at `max_answer_tokens` (160 by
# default, about 650 characters): a longer correction could never be matched, so replaying it only adds a
# sure failure (and a page of it to the report).
MAX_CORRECTION_CHARS = 1000


@dataclass(slots=True)
class Export:
    cases: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why each left-out rating was left out


def key_facts(answer: str, cited: Iterable[str], most: int = 3) -> list[str]:
    """Numbers and multi-word names of `answer` that its cited passages also hold, longest first."""
    text = MARKER.sub("", answer)
    sources = " ".join(cited)
    found = [m.group().rstrip(".,") for pattern in (_NUMBER, _NAME) for m in pattern.finditer(text)]
    shared = [f for f in dict.fromkeys(found) if f and f in sources]
    return sorted(shared, key=len, reverse=True)[:most]


def to_cases(rows: Iterable[dict[str, Any]]) -> Export:
    """`rows` as `Conversations.feedback()` gives them."""
    out = Export()
    for row in rows:
        cited = [c["text"] for c in row["cited"]]
        base = {
            "id": "fb-" + hashlib.sha1(f"{row['conversation']}:{row['turn']}".encode()).hexdigest()[:10],
            "split": "test", "question": row["question"], "history": row["history"],
            "evidence": cited, "titles": sorted({c["title"] for c in row["cited"]}), "all_answers": False,
        }
        correction = (row["correction"] or "").strip()
        label = f"{row['question'][:60]!r}"
        if len(correction) > MAX_CORRECTION_CHARS:
            out.skipped.append(f"{label}: its correction is {len(correction):,} characters, longer than an answer "
                               f"can be (corrections of up to {MAX_CORRECTION_CHARS:,} are exported)")
        elif correction:
            unanswerable = correction.lower().rstrip(".") in {"unanswerable", "the articles do not say"}
            out.cases.append(base | {"type": "unanswerable" if unanswerable else "single",
                                     "answers": [] if unanswerable else [correction],
                                     "evidence": [] if unanswerable else cited})
        elif row["rating"] > 0 and row["refused"]:
            out.cases.append(base | {"type": "unanswerable", "answers": [], "evidence": []})
        elif row["rating"] > 0:
            facts = key_facts(row["answer"], cited)
            if facts:
                out.cases.append(base | {"type": "single", "answers": facts})
            else:
                out.skipped.append(f"{label}: marked good, but it shares no number or name with its passages")
        else:
            out.skipped.append(f"{label}: marked wrong without the right answer")
    return out


def write(export: Export, path: Path) -> None:
    write_jsonl(path, export.cases)
