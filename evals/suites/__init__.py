"""One loader module per named suite; `load(name, work, ...)` finds it by name, or reads a question file."""

from __future__ import annotations

import importlib
from pathlib import Path

from evals.cases import Suite, read_cases, select

NAMES = ("seed", "news", "multihop", "rgb", "rgb_counterfactual")


def load(name: str, work: Path, limit: int | None = None, split: str = "all",
         corpus: list[Path] | None = None) -> Suite:
    """A named suite, or a question file (`*.jsonl`, see README.md here) over the articles in `corpus`.
    `split` is applied before `limit`."""
    if name.endswith(".jsonl") or Path(name).is_file():
        suite = from_file(Path(name), corpus, work)
    elif name in NAMES:
        suite = importlib.import_module(f"evals.suites.{name}").load(work)
    else:
        raise ValueError(f"unknown suite {name!r}: choose one of {', '.join(NAMES)} or give a .jsonl question file")
    cases = select(suite.cases, split)
    return Suite(suite.name, cases[:limit] if limit else cases, suite.corpus, suite.home, suite.notes)


def question_set(spec: str, work: Path) -> Suite:
    """A question set as the commands name it: "SUITE_OR_FILE:SPLIT", or without ":SPLIT" all of it."""
    name, colon, split = spec.rpartition(":")
    return load(name, work, split=split) if colon else load(spec, work)


def from_file(path: Path, corpus: list[Path] | None, work: Path) -> Suite:
    if not path.is_file():
        raise ValueError(f"question file {path} not found")
    if not corpus:  # asked of the collection as it is indexed (the runner indexes nothing)
        return Suite(path.stem, read_cases(path), [], work / f"{path.stem}-home",
                     [f"Questions from {path.name}, asked of the collection as indexed."])
    missing = [str(p) for p in corpus if not p.exists()]
    if missing:
        raise ValueError(f"--corpus {', '.join(missing)} not found")
    name = path.stem
    return Suite(name, read_cases(path), [p.resolve() for p in corpus], work / f"{name}-home",
                 [f"Questions from {path.name} over {', '.join(p.name for p in corpus)}."])
