"""Metrics against hand-worked examples."""

import math

import pytest

from evals.metrics import (
    all_evidence_at_k,
    contains_answer,
    evidence_recall_at_k,
    hit_at_k,
    mrr_at_k,
    ndcg_at_k,
    percentile,
    refusal_scores,
    token_f1,
)

RANKED = ["noise one", "He said: “Gold A.” and more", "noise two", "Gold  B appears here", "noise"]
EVIDENCE = ['He said: "Gold A."', "Gold B appears", "Gold C never retrieved"]


def test_hits_and_mrr():
    assert hit_at_k(RANKED, EVIDENCE, 1) == 0.0
    assert hit_at_k(RANKED, EVIDENCE, 2) == 1.0  # curly quotes and spacing do not matter
    assert mrr_at_k(RANKED, EVIDENCE, 10) == 0.5
    assert mrr_at_k(RANKED, EVIDENCE, 1) == 0.0


def test_evidence_recall_and_all_evidence():
    assert evidence_recall_at_k(RANKED, EVIDENCE, 2) == pytest.approx(1 / 3)
    assert evidence_recall_at_k(RANKED, EVIDENCE, 4) == pytest.approx(2 / 3)
    assert all_evidence_at_k(RANKED, EVIDENCE, 5) == 0.0
    assert all_evidence_at_k(RANKED, EVIDENCE[:2], 4) == 1.0


def test_ndcg_by_hand():
    # relevant at ranks 2 and 4; ideal puts 3 relevant at ranks 1..3
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(RANKED, EVIDENCE, 10) == pytest.approx(dcg / ideal)


def test_contains_answer_normalises():
    assert contains_answer("China uses more than 4,300 tonnes [1].", ["4300 tonnes"]) == 1.0
    assert contains_answer("The Microsoft bid", ["microsoft", "facebook"]) == 1.0
    assert contains_answer("The Microsoft bid", ["microsoft", "facebook"], require_all=True) == 0.0
    assert contains_answer("Sophy Ridgeway", ["Sophy Ridge"]) == 0.0  # whole words only
    assert contains_answer("anything", []) == 0.0
    # a currency sign is not part of the figure: "$219 million" holds the gold "219 million" (it did not, so
    # every config's right answer written with a "$" was scored wrong)
    assert contains_answer("Uber made $219 million in Q3 [1].", ["219 million"]) == 1.0
    assert contains_answer("Uber made $219 million in Q3 [1].", ["$219 million"]) == 1.0
    assert contains_answer("Uber made $2,190 million in Q3 [1].", ["219 million"]) == 0.0


def test_token_f1_by_hand():
    # pred tokens: sophy ridge of sky news (5); gold: sophy ridge (2); common 2 -> P=0.4 R=1 F1=4/7
    assert token_f1("Sophy Ridge of Sky News", ["Sophy Ridge"]) == pytest.approx(4 / 7)
    assert token_f1("nothing", ["Sophy Ridge"]) == 0.0


def test_refusal_precision_recall():
    refused = [True, True, False, False]
    answerable = [False, True, False, True]
    assert refusal_scores(refused, answerable) == {"refusal_precision": 0.5, "refusal_recall": 0.5}


def test_percentile_nearest_rank():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile([5, 1, 3, 2, 4], 95) == 5
    assert math.isnan(percentile([], 50))


def test_flags_conflict():
    from evals.metrics import flags_conflict

    assert flags_conflict("Passage [1] says Tampa, but passage [2] contradicts it.")
    assert flags_conflict("The passages give conflicting locations.")
    assert not flags_conflict("The game was played in Tampa, Florida [1].")


def test_rgb_aliases_flatten_nested_lists():
    from evals.suites.rgb import _aliases

    assert _aliases([["July 21 2017", "Jul 21, 2017"], "July 21 2017"]) == ("July 21 2017", "Jul 21, 2017")
    assert _aliases("Tampa, Florida") == ("Tampa, Florida",)


def test_judge_pairs_and_agreement_by_hand():
    from evals.judge import Verdict, agreement, citing_pairs

    rows = [{"answer": "Microsoft bid [1]. It was called theft [2].",
             "citations": [{"marker": 1, "text": "Microsoft made a bid.", "supported": True},
                           {"marker": 2, "text": "Unrelated.", "supported": False}]}]
    assert citing_pairs(rows) == [("Microsoft bid.", "Microsoft made a bid.", True),
                                  ("It was called theft.", "Unrelated.", False)]
    verdicts = [Verdict("a", "p", True, True), Verdict("b", "p", True, False), Verdict("c", "p", False, False),
                Verdict("d", "p", False, False)]
    scores = agreement(verdicts)
    assert scores["agreement"] == 0.75 and scores["rule_yes_judge_no"] == 0.25 and scores["rule_no_judge_yes"] == 0
