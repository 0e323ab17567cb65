"""Quality gates: a fast retrieval-only run of `seed` and a 100-query slice of `multihop`, and an answer-level
run of 15 `seed` test questions with the real model, with floors just under the figures measured when they
were set (see README, Evaluation). A change that makes retrieval or answers worse fails CI."""

from pathlib import Path

import pytest

from evals.configs import ANSWERING
from evals.report import load_results, score
from evals.runner import results_path, run
from evals.suites import load
from rag.config import Settings

pytestmark = pytest.mark.model

SEED_FLOORS = {"hit@4": 0.90, "mrr@10": 0.87, "evidence_recall@10": 0.92}
ANSWER_FLOORS = {"accuracy": 0.4, "citation_precision": 0.45}
MULTIHOP_FLOORS = {"hit@10": 0.98, "mrr@10": 0.90, "evidence_recall@10": 0.88, "all_evidence@10": 0.70}


def _scores(suite: str, configs: list[str], report: Path, limit: int | None,
            split: str = "all") -> dict[str, dict[str, float]]:
    _, errors = run(suite, configs, Settings(home=report / "unused"), report, limit, progress=False, split=split)
    assert errors == 0
    cases = load(suite, report / "work", limit, split).cases
    return {c: score(cases, load_results(results_path(report, suite, c)), c in ANSWERING) for c in configs}


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


def test_seed_test_answers_gate(tmp_path: Path):
    """15 held-out questions through the full pipeline with the bundled 1.5B model."""
    scores = _scores("seed", ["newsrag"], tmp_path, 15, split="test")["newsrag"]
    for metric, floor in ANSWER_FLOORS.items():
        assert scores[metric] >= floor, (metric, scores[metric])
    assert scores["questions"] == 15 and scores["errors"] == 0


def test_own_questions_over_unseen_articles_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`newsrag eval FILE.jsonl --corpus DIR --config naive --config newsrag` on articles the project never saw."""
    from newsrag.cli import main

    fixture = Path(__file__).resolve().parent / "fixtures" / "unseen"
    code = main(["--home", str(tmp_path / "home"), "eval", str(fixture / "questions.jsonl"), "--corpus",
                 str(fixture / "articles"), "--config", "naive", "--config", "newsrag", "--report",
                 str(tmp_path / "report"), "--strict"])
    assert code == 0
    report = (tmp_path / "report" / "questions.md").read_text("utf-8")
    assert "## Summary: test split" in report and "| errors | 0 | 0 |" in report
    cases = load(str(fixture / "questions.jsonl"), tmp_path / "report" / "work", corpus=[fixture / "articles"]).cases
    newsrag = score(cases, load_results(results_path(tmp_path / "report", "questions", "newsrag")), True)
    assert newsrag["questions"] == 5
    assert newsrag["accuracy"] >= 0.5  # the fixture's answers are stated plainly in one sentence each
    assert "report:" in capsys.readouterr().out
