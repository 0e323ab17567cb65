"""Eval cases and suites as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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

    @property
    def answerable(self) -> bool:
        return self.type not in {"unanswerable", "null_query"}


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    cases: list[Case]
    corpus: list[Path]  # files to index for this suite
    home: Path  # its own NEWSRAG_HOME
    notes: list[str] = field(default_factory=list)
