"""Retrieval-quality gates: a fast retrieval-only run of `seed` and a 100-query slice of `multihop`, with
thresholds just under the figures measured when they were set (see README, Evaluation). A change that makes
retrieval worse fails CI."""

from pathlib import Path

import pytest

from evals.report import load_results, score
from evals.runner import results_path, run
from evals.suites import load
from rag.config import Settings

pytestmark = pytest.mark.model

SEED_FLOORS = {"hit@4": 0.90, "mrr@10": 0.87, "evidence_recall@10": 0.92}
MULTIHOP_FLOORS = {"hit@10": 0.98, "mrr@10": 0.90, "evidence_recall@10": 0.88, "all_evidence@10": 0.70}


def _scores(suite: str, configs: list[str], report: Path, limit: int | None) -> dict[str, dict[str, float]]:
    run(suite, configs, Settings(home=report / "unused"), report, limit, progress=False)
    cases = load(suite, report / "work", limit).cases
    return {c: score(cases, load_results(results_path(report, suite, c))) for c in configs}


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
