import json
from pathlib import Path

import pytest

from evals.calibrate import dev_rows, fit
from rag.answering.confidence import features, raw_confidence, shown_confidence, signals_for
from rag.types import Citation, Passage

PASSAGE = Passage("c", "a", "t", "s", None, "text", 0.9, 0, 4)


def test_raw_confidence_grows_with_the_retrieval_margin_and_verified_citations():
    verified = [Citation(1, PASSAGE, True)]
    assert raw_confidence(False, 0.9, verified, 0.45) > raw_confidence(False, 0.5, verified, 0.45)
    assert raw_confidence(False, 0.9, verified, 0.45) > raw_confidence(False, 0.9, [Citation(1, PASSAGE, False)],
                                                                        0.45)
    assert raw_confidence(True, 0.2, [], 0.45) > raw_confidence(True, 0.9, [], 0.45)


def test_a_long_hedging_answer_is_shown_less_confident_than_a_short_one():
    signals = signals_for(1.0, closed=False, covered=True)
    question = "Which company bid for TikTok?"
    short = shown_confidence(signals, question, "Microsoft [1].", refused=False)
    long = shown_confidence(signals, question, " ".join(["the passages suggest it may perhaps be so"] * 10) + " [1].",
                            refused=False)
    assert 0.0 < long < short < 1.0


def test_the_fit_and_the_chain_read_the_same_features():
    signals = signals_for(0.5, closed=True, covered=False)
    assert set(features(signals, "Did it?", "Yes [1].", refused=False)) == {"raw", "covered", "closed",
                                                                             "relative_length", "bias"}
    assert set(features(signals, "Did it?", "The articles do not say.", refused=True)) == {"raw", "covered",
                                                                                            "closed", "bias"}


def test_the_fit_learns_which_signal_tells_right_from_wrong():
    # Right exactly when the passages held the question's names; the raw value is noise.
    rows = [features(signals_for(raw, closed=False, covered=held), "Who?", "An answer [1].", refused=False)
            for raw in (0.2, 0.5, 0.8) for held in (True, False)] * 5
    weights = fit(rows, [bool(r["covered"]) for r in rows])
    assert weights["covered"] > 1.0 > abs(weights["raw"])


def test_a_calibration_is_fitted_only_on_rows_that_carry_their_signals(tmp_path: Path):
    rows = tmp_path / "seed-newsrag.jsonl"
    row = {"case_id": "s01", "config": "newsrag", "answer": "Microsoft [1].", "refused": False}
    rows.write_text(json.dumps({**row, "signals": signals_for(0.9, closed=False, covered=True)}) + "\n")
    [dev] = dev_rows("seed", rows, "dev")
    assert dev.signals["covered"] == 1.0 and dev.question.startswith("What did CNBC") and dev.text == "Microsoft [1]."
    assert not dev.refused
    rows.write_text(json.dumps(row) + "\n")
    with pytest.raises(SystemExit, match="carry no signals"):
        dev_rows("seed", rows, "dev")
