"""Eval cases and suites as plain data."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.jsonl import read_jsonl

# "dev": tune on it. "test": report it, never tune on it. "dev2": a former test split whose rows were seen
# while choosing, kept and labelled as seen (its figures are no longer held-out).
SPLITS = ("dev", "dev2", "test", "all")
UNANSWERABLE = {"unanswerable", "null_query"}


@dataclass(frozen=True, slots=True)
class Nugget:
    """A key point of an open-ended answer: found by any alias (whole words), stated by `sentence`, and for a
    timeline, dated (ISO) by the event it states."""

    aliases: tuple[str, ...]
    sentence: str
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    type: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    history: tuple[tuple[str, str], ...] = ()
    all_answers: bool = False
    titles: tuple[str, ...] = ()
    wrong_answers: tuple[str, ...] = ()  # counterfactual suites: the planted false answer
    split: str = "dev"  # see SPLITS
    intent: str = ""  # what is asked for: fact, yesno, list, summary, timeline, why, compare, latest
    nuggets: tuple[Nugget, ...] = ()  # open-ended questions: the key points a complete answer holds

    @property
    def answerable(self) -> bool:
        return self.type not in UNANSWERABLE

    @property
    def open_ended(self) -> bool:
        """Scored by its nuggets, not by one gold answer."""
        return bool(self.nuggets)


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    cases: list[Case]
    corpus: list[Path]  # files to index for this suite
    home: Path  # its own NEWSRAG_HOME
    notes: list[str] = field(default_factory=list)


def case_from_json(row: dict[str, Any], default_split: str = "test") -> Case:
    """One line of a question file (see evals/suites/README.md): `id`, `question`, `answers` are required;
    `evidence`, `history`, `type`, `titles`, `all_answers`, `split`, `intent`, `nuggets` are optional. No
    answers and no nuggets means the articles are not expected to hold one."""
    missing = [k for k in ("id", "question", "answers") if k not in row]
    if missing:
        raise ValueError(f"question {row.get('id', '?')!r} lacks {', '.join(missing)}")
    answers = tuple(str(a) for a in row["answers"])
    nuggets = tuple(Nugget(tuple(str(a) for a in n["aliases"]), str(n["sentence"]), n.get("date"))
                    for n in row.get("nuggets") or ())
    return Case(
        id=str(row["id"]), type=row.get("type") or ("open" if nuggets else "single" if answers else "unanswerable"),
        question=row["question"], answers=answers, evidence=tuple(row.get("evidence") or ()),
        history=tuple((q, a) for q, a in row.get("history") or ()), all_answers=bool(row.get("all_answers")),
        titles=tuple(row.get("titles") or ()), split=row.get("split") or default_split,
        intent=str(row.get("intent") or ""), nuggets=nuggets,
    )


def read_cases(path: Path, default_split: str = "test") -> list[Case]:
    """Every question of the file, each in its own split: `default_split` is only for a row that names none, so
    `read_cases(path, "dev")` still returns the file's test rows (keep `case.split == "dev"` to read dev only)."""
    cases = []
    for number, row in read_jsonl(path):
        try:
            cases.append(case_from_json(row, default_split))
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: {exc}") from exc
    return cases


def hash_split(cases: list[Case]) -> list[Case]:
    """A fixed half/half dev/test split by the hash of the id: the same for everyone, in any file order."""
    ranked = sorted(cases, key=lambda c: hashlib.sha1(c.id.encode()).hexdigest())
    dev = {c.id for c in ranked[: len(ranked) // 2]}
    return [dataclasses.replace(c, split="dev" if c.id in dev else "test") for c in cases]


def select(cases: list[Case], split: str) -> list[Case]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: choose from {', '.join(SPLITS)}")
    return cases if split == "all" else [c for c in cases if c.split == split]
