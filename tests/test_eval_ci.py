"""Quality gates: a fast retrieval-only run of `seed` and a 100-query slice of `multihop`, and an answer-level
run of eight seen `seed` questions with the real model, with floors just under the figures measured when they
were set (see docs/evaluation.md). A change that makes retrieval or answers worse fails CI. The gates read
dev rows only: a gate on test rows would filter every change by the held-out questions."""

import json
from pathlib import Path

import pytest

from evals.configs import ANSWERING
from evals.report import load_results
from evals.runner import results_path, run
from evals.scores import score
from evals.suites import load
from evals.suites.seed import ARTICLES, HERE
from rag.config import Settings

pytestmark = pytest.mark.model

# The seed dev split: 0.925 / 0.901 / 0.943 on the committed seed-retrieval rows.
SEED_FLOORS = {"hit@4": 0.90, "mrr@10": 0.87, "evidence_recall@10": 0.92}
# One or two questions of each kind (single, multi-part, comparison, temporal, unanswerable) of `dev2`, the
# former test split (seen). On the committed seed run these score accuracy 0.857 (6 of 7), citation
# precision 0.889, t35 refused.
# One of each kind of seen question (a fact, a multi-part, a comparison, a date, an unanswerable one) and t10,
# which newsrag got wrong when the gate was set: six, so the gate costs about a minute.
GATE = ("t01", "t10", "t14", "t17", "t22", "t35")
ANSWER_FLOORS = {"accuracy": 0.7, "citation_precision": 0.7, "refusal_recall": 1.0}
# The first 100 dev questions: 1.0 / 0.902 / 0.884 / 0.659 on the committed multihop-retrieval rows.
MULTIHOP_FLOORS = {"hit@10": 0.98, "mrr@10": 0.88, "evidence_recall@10": 0.86, "all_evidence@10": 0.63}


def _scores(suite: str, configs: list[str], report: Path, limit: int | None,
            corpus: list[Path] | None = None, split: str = "dev") -> dict[str, dict[str, float]]:
    _, errors = run(suite, configs, Settings(home=report / "unused"), report, limit, progress=False, split=split,
                    corpus=corpus)
    assert errors == 0
    loaded = load(suite, report / "work", limit, split, corpus=corpus)
    return {c: score(loaded.cases, load_results(results_path(report, loaded.name, c)), c in ANSWERING)
            for c in configs}


def test_seed_retrieval_quality(tmp_path: Path):
    scores = _scores("seed", ["dense", "retrieval"], tmp_path, None)
    for metric, floor in SEED_FLOORS.items():
        assert scores["retrieval"][metric] >= floor, (metric, scores["retrieval"][metric])
    assert scores["retrieval"]["mrr@10"] > scores["dense"]["mrr@10"]
    assert (tmp_path / "seed.md").exists() and (tmp_path / "seed.json").exists()


def test_multihop_slice_retrieval_quality(tmp_path: Path):
    scores = _scores("multihop", ["dense", "retrieval"], tmp_path, 100)
    for metric, floor in MULTIHOP_FLOORS.items():
        assert scores["retrieval"][metric] >= floor, (metric, scores["retrieval"][metric])
    assert scores["retrieval"]["evidence_recall@10"] > scores["dense"]["evidence_recall@10"]


def test_seed_dev_answers_gate(tmp_path: Path):
    """Six seen questions through the full pipeline with the bundled 1.5B model."""
    lines = (HERE / "seed_dev2.jsonl").read_text("utf-8").splitlines()
    chosen = [line for line in lines if json.loads(line)["id"] in GATE]
    questions = tmp_path / "gate.jsonl"
    questions.write_text("\n".join(chosen) + "\n", "utf-8")
    scores = _scores(str(questions), ["newsrag"], tmp_path / "report", None, corpus=[ARTICLES], split="dev2")["newsrag"]
    for metric, floor in ANSWER_FLOORS.items():
        assert scores[metric] >= floor, (metric, scores[metric])
    assert scores["questions"] == len(GATE) and scores["errors"] == 0


def test_own_questions_over_unseen_articles_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`newsrag eval FILE.jsonl --corpus DIR --config naive --config newsrag` on articles the project never saw."""
    from newsrag.cli import main

    fixture = Path(__file__).resolve().parent / "fixtures" / "unseen"
    code = main(["--home", str(tmp_path / "home"), "eval", str(fixture / "questions.jsonl"), "--corpus",
                 str(fixture / "articles"), "--config", "naive", "--config", "newsrag", "--limit", "3", "--report",
                 str(tmp_path / "report"), "--strict"])
    assert code == 0
    report = (tmp_path / "report" / "questions.md").read_text("utf-8")
    assert "## Summary: test split" in report and "| errors | 0 | 0 |" in report
    cases = load(str(fixture / "questions.jsonl"), tmp_path / "report" / "work", corpus=[fixture / "articles"]).cases
    newsrag = score(cases, load_results(results_path(tmp_path / "report", "questions", "newsrag")), True)
    assert newsrag["questions"] == 3  # --limit 3 of the file's 5: a follow-up, an unanswerable one, a fact
    assert newsrag["accuracy"] >= 0.5  # the fixture's answers are stated plainly in one sentence each
    out, err = capsys.readouterr()
    assert "report:" in out
    # Indexing the suite's articles can take many minutes: the run says so before, and how it went after.
    assert "indexing the articles of questions" in err and "indexed in" in err and ": 2 articles" in err
