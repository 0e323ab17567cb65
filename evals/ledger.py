"""The test ledger, `docs/eval/ledger.jsonl`: one line for every run that touches a held-out test split.

A test figure is only held-out while nobody chose anything by it. The ledger makes that auditable: each line
names the suite, the split, the commit and code fingerprint, the date and the reason for the run, and every
report's header says how many test runs its code has had. A test run of code under `rag/` or `index/` that
is not committed is refused: its figures could not be tied to any code anyone can read.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from evals.fingerprint import CODE, ROOT, code_hash, git_commit
from evals.jsonl import line, read_jsonl

LEDGER = ROOT / "docs" / "eval" / "ledger.jsonl"
# Suites whose test split is held out (a user's question file is not: its rows are theirs to read).
HELD_OUT = {"seed", "news", "multihop"}


class UncommittedCodeError(RuntimeError):
    """A test split was asked of code that differs from the last commit."""


def path() -> Path:
    """The ledger (NEWSRAG_LEDGER moves it, so tests never write the project's own)."""
    return Path(os.environ.get("NEWSRAG_LEDGER") or LEDGER)


def held_out(suite: str) -> str | None:
    """The held-out suite `suite` names, by name or by one of its question files given as a path."""
    if suite in HELD_OUT:
        return suite
    from evals.suites import news, seed

    files = {(seed.HERE / name).resolve(): "seed" for name, _ in seed.FILES}
    files |= {(news.HERE / name).resolve(): "news" for name in news.FILES}
    return files.get(Path(suite).resolve())


def touches_test(suite: str, split: str) -> bool:
    return held_out(suite) is not None and split in ("test", "all")


def record(suite: str, split: str, configs: list[str], reason: str | None, questions: int) -> dict[str, Any]:
    """Append the run's line, or refuse a run of uncommitted answer code."""
    commit = git_commit()
    if commit.endswith("+changes"):
        raise UncommittedCodeError(
            f"refusing to run the {suite} test split on uncommitted code under {', '.join(CODE)}: commit first, "
            "so the ledger can name the code behind the figures")
    entry = {"suite": suite, "split": split, "configs": configs, "questions": questions, "commit": commit,
             "code": code_hash(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "reason": reason or "(none given)", "seen": False}
    ledger = path()
    ledger.parent.mkdir(parents=True, exist_ok=True)
    with ledger.open("a", encoding="utf-8") as out:
        out.write(line(entry))
    return entry


def runs(suite: str, code: str | None = None) -> list[dict[str, Any]]:
    """The ledger's test runs of `suite`, of one code fingerprint when given."""
    ledger = path()
    if not ledger.exists():
        return []
    return [row for _, row in read_jsonl(ledger)
            if row.get("suite") == suite and (code is None or row.get("code") == code)]
