from rag.confidence import features, raw_confidence, shown_confidence
from rag.types import Citation, Passage

PASSAGE = Passage("c", "a", "t", "s", None, "text", 0.9, 0, 4)


def test_raw_confidence_grows_with_the_retrieval_margin_and_verified_citations():
    verified = [Citation(1, PASSAGE, True)]
    assert raw_confidence(False, 0.9, verified, 0.45) > raw_confidence(False, 0.5, verified, 0.45)
    assert raw_confidence(False, 0.9, verified, 0.45) > raw_confidence(False, 0.9, [Citation(1, PASSAGE, False)],
                                                                        0.45)
    assert raw_confidence(True, 0.2, [], 0.45) > raw_confidence(True, 0.9, [], 0.45)


def test_a_long_hedging_answer_is_shown_less_confident_than_a_short_one():
    short = shown_confidence(1.0, "Microsoft [1].", refused=False)
    long = shown_confidence(1.0, " ".join(["the passages suggest it may perhaps be so"] * 10) + " [1].", refused=False)
    assert 0.0 < long < short < 1.0


def test_the_fit_and_the_chain_read_the_same_features():
    assert set(features(0.5, "Yes [1].", refused=False)) == {"raw", "log_words", "bias"}
    assert set(features(0.5, "The articles do not say.", refused=True)) == {"raw", "bias"}
