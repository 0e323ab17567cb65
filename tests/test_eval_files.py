"""Question and result files survive any character a person can type or paste; a long gold is scored like a
short one, and a correction no answer could hold is left out of the export, with the reason."""

import json
from pathlib import Path
from typing import Any

import pytest

from evals import configs, feedback
from evals.cases import Case, Suite, read_cases
from evals.jsonl import read_jsonl, write_jsonl
from evals.report import load_results, write_report
from evals.runner import _run_config, results_path
from evals.scores import score
from evals.suites import load

LONG = ("China uses 4,300 tonnes of helium a year.\u2028 " * 2300)[:100_000]
# Each splits a line for `str.splitlines` (or for a reader that takes "\r" as one), and more besides.
HOSTILE = ["line\u2028separator", "para\u2029graph", "next\x85line", "nul\x00byte", "carriage\rreturn",
           "crlf\r\nline", "tab\x0bvertical\x0cfeed\x1cfile\x1dgroup\x1erecord", "emoji 😀 👍🏽 🇫🇷",
           'quote " backslash \\ slash / {"id": 1}', "ünïcödé 中文 العربية", "\ufeffbom and zero\u200bwidth", LONG]


def feedback_row(turn: int, text: str, correction: str | None = None) -> dict[str, Any]:
    """A row as `Conversations.feedback()` gives it, with `text` in every field a person wrote."""
    return {"conversation": "c", "turn": turn, "rating": -1, "question": f"Why {text}?",
            "correction": f"It was {text[:900]}." if correction is None else correction,
            "history": [[f"Before {text}", f"Earlier {text}"]], "answer": "No.", "refused": False,
            "cited": [{"title": f"T {text}", "text": f"Passage {text}"}]}


@pytest.mark.chaos
def test_exported_feedback_reads_back_exactly_whatever_its_characters(tmp_path: Path):
    rows = [feedback_row(turn, text) for turn, text in enumerate(HOSTILE)]
    path = tmp_path / "fb.jsonl"
    feedback.write(feedback.to_cases(rows), path)
    assert path.read_bytes().isascii() and path.read_bytes().count(b"\n") == len(rows)
    cases = load(str(path), tmp_path / "work").cases  # as `newsrag eval fb.jsonl` reads it
    assert [c.question for c in cases] == [r["question"] for r in rows]
    assert [c.answers for c in cases] == [(r["correction"],) for r in rows]
    assert [c.history for c in cases] == [tuple(map(tuple, r["history"])) for r in rows]
    assert [c.evidence for c in cases] == [(r["cited"][0]["text"],) for r in rows]


def test_a_file_written_with_raw_unicode_still_reads(tmp_path: Path):
    # Exports made before rows were written as ASCII hold U+2028 and U+0085 raw inside their strings.
    path = tmp_path / "old.jsonl"
    rows = [{"id": f"q{i}", "question": text, "answers": [text]} for i, text in enumerate(HOSTILE)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert [(c.question, c.answers) for c in read_cases(path)] == [(t, (t,)) for t in HOSTILE]


def test_a_line_that_is_not_json_is_named_by_its_number(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    write_jsonl(path, [{"a": "x\u2028y"}, {"b": 2}])
    path.write_text(path.read_text("utf-8") + "\n{not json\n", "utf-8")
    rows = read_jsonl(path)
    assert [next(rows), next(rows)] == [(1, {"a": "x\u2028y"}), (2, {"b": 2})]  # the blank line 3 is skipped
    with pytest.raises(ValueError, match=r"q\.jsonl:4: "):
        next(rows)


@pytest.mark.chaos
def test_results_file_and_report_keep_every_character(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cases = [Case(f"h{i}", "single", f"Question {i}?", (t,), (f"Passage {t}",)) for i, t in enumerate(HOSTILE)]
    suite = Suite("hostile", cases, [], tmp_path / "home")

    def answer(case: Case) -> configs.Result:  # says the gold and cites its evidence, word for word
        cited = {"marker": 1, "supported": True, "title": f"T {case.answers[0]}", "text": case.evidence[0]}
        return configs.Result(case.id, "newsrag", ranked=[case.evidence[0]], answer=f"{case.answers[0]} [1]",
                              refused=False, citations=[cited])

    monkeypatch.setattr(configs, "make", lambda name, ctx: answer)
    _run_config("newsrag", suite, None, {"key": "k"}, tmp_path, progress=False)  # type: ignore[arg-type]
    path = results_path(tmp_path, "hostile", "newsrag")
    assert path.read_bytes().isascii() and path.read_bytes().count(b"\n") == len(cases)
    rows = load_results(path)
    assert [rows[c.id]["answer"] for c in cases] == [f"{t} [1]" for t in HOSTILE]
    assert [rows[c.id]["citations"][0]["text"] for c in cases] == [f"Passage {t}" for t in HOSTILE]
    summary = score(cases, rows, True)
    assert summary["questions"] == len(HOSTILE) and summary["accuracy"] == 1.0
    assert summary["citation_precision"] == 1.0
    assert "| accuracy | 1 |" in write_report(suite, ["newsrag"], tmp_path, None).read_text("utf-8")


def test_a_100_kb_gold_is_scored_by_the_same_rule():
    case = Case("long", "single", "What does China use?", (LONG,), ())
    said = {"case_id": "long", "answer": f"In short: {LONG} [1]"}
    off = LONG[:90_000] + LONG[90_000:].replace("4,300", "4,301", 1)  # one figure wrong, near the end
    cut = {"case_id": "long", "answer": f"In short: {off} [1]"}
    assert score([case], {"long": said}, True)["accuracy"] == 1.0
    assert score([case], {"long": cut}, True)["accuracy"] == 0.0
    assert score([case], {"long": said}, True)["token_f1"] == pytest.approx(1.0, abs=0.01)


def test_a_correction_no_answer_could_hold_is_left_out_and_said_so():
    long = feedback_row(1, "helium", correction=" " + "x" * (feedback.MAX_CORRECTION_CHARS + 1))
    fits = feedback_row(2, "helium", correction="y" * feedback.MAX_CORRECTION_CHARS)
    export = feedback.to_cases([long, fits])
    assert [c["answers"] for c in export.cases] == [[fits["correction"]]]
    assert len(export.skipped) == 1 and "1,001 characters" in export.skipped[0]
