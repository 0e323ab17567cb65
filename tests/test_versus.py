"""`python -m evals.versus`: a change read against its base question by question, never on test rows."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from evals.cases import Case, Nugget
from evals.versus import compare

GOLD = "Microsoft made an offer to acquire the video service's operations in the US and Canada."
LATER = "Oracle joined the bidding for TikTok in late August."


def _fact(id: str, split: str = "dev") -> Case:
    return Case(id, "single", "Who bid?", ("Microsoft",), (GOLD,), split=split)


def _row(id: str, answer: str, cited: str = GOLD, first: float = 3.0) -> dict[str, Any]:
    return {"case_id": id, "answer": answer, "refused": False, "error": None, "t_first_token": first,
            "trace": {"model_tokens": 20}, "citations": [{"marker": 1, "title": "t", "text": cited}]}


def test_a_change_is_read_question_by_question_and_test_rows_are_left_out():
    timeline = Case("tl", "open", "Timeline of the sale?", (), (GOLD, LATER), intent="timeline",
                    nuggets=(Nugget(("Microsoft",), GOLD, "2020-08-02"), Nugget(("Oracle",), LATER, "2020-08-20")))
    cases = [_fact("a"), _fact("b"), _fact("held", split="test"), timeline]
    base = {"a": _row("a", "Microsoft [1]."), "b": _row("b", "Oracle [1].", first=5.0),
            "held": _row("held", "Oracle [1]."), "tl": _row("tl", "Oracle joined [1]. Then Microsoft bid.")}
    changed = {**base, "a": _row("a", "Oracle [1]."), "b": _row("b", "Microsoft [1].", first=1.0),
               "held": _row("held", "Microsoft [1]."), "tl": _row("tl", "Microsoft bid [1]. Then Oracle joined.")}
    lines = compare(cases, base, changed)
    assert lines[0] == "factoid: 2; right 1 -> 1; gained ['b'] lost ['a']; answers changed 2"  # not "held"
    assert lines[1].endswith("4.000 -> 2.000")  # the medians of 3 and 5, then of 3 and 1
    assert "  tl (timeline): recall, cited, order 1.000 1.000 0.000 -> 1.000 1.000 1.000" in lines
    assert "open order: 0.000 -> 1.000 (1 open questions)" in lines
    unchanged = compare([replace(timeline, split="test")], base, changed)
    assert "open recall: – -> – (0 open questions)" in unchanged


def test_the_command_refuses_the_test_split(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "evals.versus", "news:test", str(tmp_path / "a.jsonl"),
                           str(tmp_path / "b.jsonl")], capture_output=True, text=True)
    assert done.returncode != 0 and "test rows are never compared" in done.stderr
