"""The scoring behind every answer figure, against hand-made result rows: the rules cannot be gamed by
length, the system's own verdicts are never the gold, errors count, and runs of other code do not mix."""

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from evals import metrics as m
from evals import refusal
from evals.cases import Case, Suite, case_from_json, hash_split, read_cases, select
from evals.configs import evidence_passages
from evals.report import write_report
from evals.runner import _set_aside_stale, results_path
from evals.scores import is_right, score

GOLD = "Microsoft made an offer to acquire the video service's operations in the US and Canada."
TITLE = "TikTok warning: China threatens retaliation"
OTHER = "Helium shortage: China uses more than 4,300 tonnes a year."
OTHER_TITLE = "China retaliation on helium"


def case(id: str, answers: tuple[str, ...] = ("Microsoft",), kind: str = "single", question: str = "Who bid?",
         evidence: tuple[str, ...] = (GOLD,), titles: tuple[str, ...] = (TITLE,)) -> Case:
    if kind == "unanswerable":
        answers, evidence, titles = (), (), ()
    return Case(id, kind, question, answers, evidence, titles=titles)


def row(id: str, answer: str | None, citations: Sequence[tuple[str, str]] = (), refused: bool = False,
        error: str | None = None, checked: Sequence[tuple[str, str, bool]] = (),
        confidence: float | None = None) -> dict[str, Any]:
    return {"case_id": id, "config": "newsrag", "ranked": [t for _, t in citations], "answer": answer,
            "refused": refused, "error": error, "confidence": confidence,
            "citations": [{"marker": n, "title": t, "text": x, "supported": True} for n, (t, x) in
                          enumerate(citations, 1)],
            "checked": [{"marker": n, "title": t, "text": x, "supported": s} for n, (t, x, s) in
                        enumerate(checked, 1)]}


def test_a_yes_and_no_answer_is_wrong_whatever_its_length():
    assert m.answer_correct("Yes, both articles report it [1].", ["yes"]) == 1.0
    assert m.answer_correct("Yes. No.", ["yes"]) == 0.0
    assert m.answer_correct("Yes, it did [1], and no, it did not [2].", ["no"]) == 0.0
    assert m.answer_correct("There is no sign of a deal.", ["no"]) == 0.0  # "no" as a determiner says neither
    assert m.answer_correct("No, Sony did not.", ["no"]) == 1.0
    assert m.answer_correct(None, ["no"]) == 0.0


def test_a_true_or_false_gold_is_scored_like_yes_or_no():
    # MultiHop answers a few "Does A suggest X, while B indicates Y?" questions with "True": "Yes" is right.
    assert m.answer_correct("Yes, both articles suggest it [1].", ["True"]) == 1.0
    assert m.answer_correct("No, the second article does not [2].", ["True"]) == 0.0
    assert m.answer_correct("True: both say so [1].", ["True"]) == 1.0
    assert m.answer_correct("False.", ["False"]) == 1.0
    assert m.answer_correct("The claim is true, and it is false.", ["True"]) == 0.0  # neither leads: says neither


def test_a_gold_the_question_already_holds_is_scored_apart():
    echo = case("e", question="Did Microsoft or Google bid for TikTok?")
    plain = case("p")
    s = score([echo, plain], {"e": row("e", "Microsoft or Google."), "p": row("p", "Oracle.")}, True)
    assert s["gold_in_question"] == 1 and s["accuracy_gold_in_question"] == 1.0
    assert s["accuracy"] == 0.0  # only the plain question counts in the headline accuracy


def test_an_error_row_is_counted_and_scored_as_wrong(tmp_path: Path):
    cases = [case("a"), case("b")]
    results = {"a": row("a", "Microsoft [1].", [(TITLE, GOLD)]), "b": row("b", None, error="TimeoutError: slow")}
    s = score(cases, results, True)
    assert s["errors"] == 1 and s["questions"] == 2
    assert s["accuracy"] == 0.5 and s["hit@4"] == 0.5
    suite = Suite("mini", [*cases], [], tmp_path)
    path = results_path(tmp_path, "mini", "newsrag")
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps(r) for r in results.values()), "utf-8")
    report = write_report(suite, ["newsrag"], tmp_path, None).read_text("utf-8")
    assert "| errors | 1 |" in report
    assert "error: TimeoutError: slow" in report


def test_citation_on_an_unanswerable_question_counts_against_precision():
    cases = [case("a"), case("u", kind="unanswerable")]
    results = {"a": row("a", "Microsoft [1].", [(TITLE, GOLD)]),
               "u": row("u", "Microsoft, probably [1].", [(TITLE, GOLD)])}
    assert score(cases, results, True)["citation_precision"] == 0.5


def test_precision_uses_gold_evidence_not_the_systems_supported_flag():
    # Cited from the right article, marked supported by the system, but the passage holds no gold sentence.
    results = {"a": row("a", "Microsoft [1].", [(TITLE, "China's state media called it theft.")])}
    assert score([case("a")], results, True)["citation_precision"] == 0.0


def test_citation_recall_counts_each_gold_article():
    two = case("t", answers=("Microsoft", "4,300"), evidence=(GOLD, OTHER), titles=(TITLE, OTHER_TITLE))
    one = {"t": row("t", "Microsoft [1] and 4,300 tonnes.", [(TITLE, GOLD)])}
    both = {"t": row("t", "Microsoft [1] and 4,300 tonnes [2].", [(TITLE, GOLD), (OTHER_TITLE, OTHER)])}
    refused = {"t": row("t", "The articles do not say.", refused=True,
                        checked=[(TITLE, GOLD, False)])}
    assert score([two], one, True)["citation_recall"] == 0.5
    assert score([two], both, True)["citation_recall"] == 1.0
    assert score([two], refused, True)["citation_recall"] == 0.0  # a refusal cites nothing


def test_a_window_cut_inside_a_gold_sentence_still_holds_it():
    window = "made an offer to acquire the video service's operations in the US"
    assert m.holds_evidence(window, [GOLD])
    assert not m.holds_evidence("the video service", [GOLD])  # too short a shared piece to count


def test_self_supported_is_reported_beside_gold_never_as_gold():
    checked = [(TITLE, GOLD, True), (TITLE, "Unrelated text about weather.", True), (TITLE, GOLD, False)]
    s = score([case("a")], {"a": row("a", "The articles do not say.", refused=True, checked=checked)}, True)
    assert s["self_supported"] == pytest.approx(2 / 3)
    assert s["self_supported_agrees"] == pytest.approx(1 / 3)  # only the first verdict matches the gold rule


def test_calibration_error_by_hand():
    # bin 0.9: conf 0.9, 0.9 with one right -> |0.9-0.5| = 0.4 over 2 of 4; bin 0.2: conf 0.2 twice, none right
    # -> |0.2-0| = 0.2 over 2 of 4.  ECE = 0.5*0.4 + 0.5*0.2 = 0.3
    assert m.expected_calibration_error([0.9, 0.9, 0.2, 0.2], [1, 0, 0, 0]) == pytest.approx(0.3)
    assert math.isnan(m.expected_calibration_error([], []))
    cases = [case("a"), case("b"), case("u", kind="unanswerable")]
    results = {"a": row("a", "Microsoft.", confidence=1.0), "b": row("b", "Google.", confidence=1.0),
               "u": row("u", "The articles do not say.", refused=True, confidence=1.0)}
    assert score(cases, results, True)["calibration_error"] == pytest.approx(1 / 3)


def test_length_column_and_token_f1():
    s = score([case("a")], {"a": row("a", "It was Microsoft, the US company, that made the offer [1].")}, True)
    assert s["answer_words"] == 10
    assert 0 < s["token_f1"] < 0.3


def test_results_of_another_fingerprint_are_set_aside_not_mixed(tmp_path: Path):
    path = results_path(tmp_path, "seed", "newsrag")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"case_id": "s01", "fingerprint": {"key": "old"}}) + "\n", "utf-8")
    _set_aside_stale(path, "old")
    assert path.exists()  # same fingerprint: resumed
    _set_aside_stale(path, "new")
    assert not path.exists()
    assert (path.parent / "stale" / "seed-newsrag-old.jsonl").exists()


def test_question_file_format_and_splits(tmp_path: Path):
    line = {"id": "q1", "question": "Who bid?", "answers": ["Microsoft"]}
    assert case_from_json(line).type == "single" and case_from_json(line).split == "test"
    assert case_from_json({"id": "q2", "question": "Age?", "answers": []}).answerable is False
    with pytest.raises(ValueError, match="lacks answers"):
        case_from_json({"id": "q3", "question": "?"})
    bad = tmp_path / "q.jsonl"
    bad.write_text(json.dumps(line) + "\n{not json\n", "utf-8")
    with pytest.raises(ValueError, match=r"q\.jsonl:2"):
        read_cases(bad)
    cases = hash_split([case(f"c{i}") for i in range(10)])
    assert [c.split for c in cases] == [c.split for c in hash_split([case(f"c{i}") for i in range(10)])]
    assert len(select(cases, "dev")) == len(select(cases, "test")) == 5


def test_oracle_passages_group_gold_sentences_by_article():
    two = case("t", evidence=(GOLD, OTHER, "More on helium."), titles=(TITLE, OTHER_TITLE, OTHER_TITLE))
    passages = evidence_passages(two)
    assert [p.title for p in passages] == [TITLE, OTHER_TITLE]
    assert passages[1].text == f"{OTHER} More on helium."
    assert evidence_passages(case("u", kind="unanswerable")) == []


def test_naive_baseline_gets_the_previous_turn_in_its_query_and_prompt(fake, seed_dir: Path):
    from langchain_core.messages import AIMessage, HumanMessage

    from evals.configs import Context, Naive
    from rag.fakes import ScriptedChat

    llm = ScriptedChat(replies=["About 4,300 tonnes."])
    suite = Suite("seed", [], [seed_dir], fake.settings.home)
    naive = Naive(Context(suite, fake.parts(), None, lambda: llm))  # type: ignore[arg-type]
    follow = Case("f", "followup", "And how much does it use?", ("4,300",), (),
                  history=(("What does China import from the US?", "Helium [1]."),))
    result = naive(follow)
    prompt = llm.prompts[0]
    assert [type(msg) for msg in prompt[:2]] == [HumanMessage, AIMessage]
    assert prompt[0].content == "What does China import from the US?" and prompt[1].content == "Helium [1]."
    assert str(prompt[2].content).endswith("Question: And how much does it use?\nHelpful Answer:")
    assert result.answer == "About 4,300 tonnes." and result.refused is False


def test_report_shows_the_judges_agreement_and_warns_when_it_is_weak(tmp_path: Path):
    cases = [case("a"), case("u", kind="unanswerable")]
    results = {"a": row("a", "Microsoft [1].", [(TITLE, GOLD)]), "u": row("u", "Oracle [1].", [(TITLE, GOLD)])}
    path = results_path(tmp_path, "mini", "newsrag")
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps(r) for r in results.values()), "utf-8")
    judged = {"judge": "the bundled local model", "weak": True,
              "newsrag": [{"case_id": "a", "verdict": "correct", "raw": "Correct."},
                          {"case_id": "u", "verdict": "correct", "raw": "correct"}],
              "citations": [{"claim": "Microsoft.", "passage": GOLD, "rule": True, "judge": False}]}
    report = write_report(Suite("mini", cases, [], tmp_path), ["newsrag"], tmp_path, None, judged=judged)
    text = report.read_text("utf-8")
    assert "weak judge" in text
    # "a": both right. "u" is unanswerable, so "correct" is not the judge's right verdict there ("refused" is),
    # and the rule also says wrong (it answered): they agree on both.
    assert "| judge_right | 0.500 |" in text and "| agreement | 1 |" in text
    assert "| rule_yes_judge_no | 1 |" in text  # the one audited citation


def test_a_gold_date_is_found_in_any_spelling_of_that_day():
    golds = ["2020-09-12", "September 12, 2020"]
    assert m.answer_correct("The report is dated 12 Sep 2020 [1].", golds) == 1.0
    assert m.answer_correct("It came out on Sept. 12th, 2020.", golds) == 1.0
    assert m.answer_correct("It came out on 12 September 2019.", golds) == 0.0  # another year
    assert m.answer_correct("It came out on 13 September 2020.", golds) == 0.0
    assert m.answer_correct("They had until 15 September to sell.", ["September 15"]) == 1.0
    assert m.answer_correct("They had until September 2020.", ["September 15"]) == 0.0


@pytest.mark.parametrize(("text", "kind"), [
    ("The articles do not say.", "refusal"),
    ("I don't know.", "refusal"),
    ("The passages do not mention the price. They say only: Microsoft made a bid [1].", "refusal_with_claims"),
    ("The context does not provide that information [2].", "refusal_with_claims"),
    ("No, the articles do not say that Oracle won [1].", "answer"),
    ("No information about the price is given in the articles.", "refusal"),
    ("Raab said Britain cannot say when talks resume [1].", "answer"),  # reports a refusal, is not one
    ("Microsoft made an offer [1].", "answer"),
    ("", "answer"),  # an empty reply declines nothing, and holds no answer: wrong everywhere
])
def test_one_refusal_rule_reads_the_shown_text(text: str, kind: str):
    assert refusal.refusal_kind(text) == kind


def test_the_same_answer_text_gets_the_same_verdict_under_every_config():
    """newsrag flags its own refusals, naive does not: the scorer reads the text, so both score alike."""
    answerable, unanswerable = case("a"), case("u", kind="unanswerable")
    expected = {"The articles do not say. They say only: Microsoft made an offer [1].": (0.0, 1.0),
                "Microsoft [1].": (1.0, 0.0), "The articles do not say.": (0.0, 1.0), "": (0.0, 0.0)}
    for text, (right, refused_right) in expected.items():
        as_newsrag = {"a": row("a", text, refused=True), "u": row("u", text, refused=True)}
        as_naive = {"a": {**row("a", text), "refused": None}, "u": {**row("u", text), "refused": None}}
        for config_rows in (as_newsrag, as_naive):
            verdicts = [is_right(answerable, config_rows["a"]), is_right(unanswerable, config_rows["u"])]
            assert verdicts == [bool(right), bool(refused_right)], (text, verdicts)
    # An answerable question refused is wrong, whatever follows the refusal (mh143 was refused and scored right).
    shown = {"a": row("a", "The articles do not say. They say only: Microsoft made an offer [1].", [(TITLE, GOLD)])}
    scored = score([answerable], shown, True)
    assert scored["accuracy"] == 0.0 and scored["refused_with_claims"] == 1.0
    assert scored["citation_precision"] == 1.0  # its citations are scored like any other
    # A system that says it refused but shows an answer is scored by what it shows.
    assert score([answerable], {"a": row("a", "Microsoft [1].", refused=True)}, True)["accuracy"] == 1.0


def _open(id: str, nuggets: list[tuple[tuple[str, ...], str, str | None]], intent: str = "summary") -> Case:
    from evals.cases import Nugget

    return Case(id, "open", "What happened?", (), tuple(s for _, s, _ in nuggets), intent=intent,
                nuggets=tuple(Nugget(a, s, d) for a, s, d in nuggets))


def test_open_answers_are_scored_by_their_nuggets_and_a_refusal_states_none():
    facts: list[tuple[tuple[str, ...], str, str | None]] = [
        (("Microsoft",), GOLD, "2020-08-02"), (("4,300 tonnes",), OTHER, "2020-08-20"),
        (("Oracle",), "Oracle joined the bidding.", "2020-08-10")]
    timeline = _open("t", facts, "timeline")
    order = "Microsoft made an offer [1]. Oracle joined later. China uses 4,300 tonnes of helium [2]."
    shuffled = "China uses 4,300 tonnes [2]. Then Microsoft made an offer [1]. Oracle joined."
    good = score([timeline], {"t": row("t", order, [(TITLE, GOLD), (OTHER_TITLE, OTHER)])}, True)
    assert good["nugget_recall"] == 1.0 and good["timeline_order"] == 1.0 and good["citations_on_nugget"] == 1.0
    bad = score([timeline], {"t": row("t", shuffled, [(TITLE, "Nothing relevant here at all.")])}, True)
    assert bad["nugget_recall"] == 1.0 and bad["timeline_order"] == pytest.approx(1 / 3)
    assert bad["citations_on_nugget"] == 0.0
    refused = score([timeline], {"t": row("t", "The articles do not say. Microsoft made an offer [1].")}, True)
    assert refused["nugget_recall"] == 0.0 and refused["open_refused"] == 1.0
    assert "accuracy" not in refused  # an open question has no single gold
    assert score([timeline], {"t": row("t", None, error="boom")}, True)["nugget_recall"] == 0.0


def test_timeline_order_does_not_order_a_month_against_a_day_inside_it():
    from evals.nuggets import timeline_order

    dated = [("2023-10", ("a 1-4 start",)), ("2023-10-16", ("Web Summit",)), ("2023-11-27", ("the Bears",))]
    # October as a whole has no order against 16 October; against 27 November it does.
    assert timeline_order("Web Summit rows. Then a 1-4 start. Then the Bears.", dated) == 1.0
    assert timeline_order("The Bears won. Web Summit rows. A 1-4 start.", dated) == 0.0
    year_and_day = [("2023", ("a 1-4 start",)), ("2023-10-16", ("Web Summit",))]
    assert math.isnan(timeline_order("A 1-4 start, then Web Summit rows.", year_and_day))  # no pair to order


def test_a_test_run_is_recorded_in_the_ledger_and_uncommitted_code_is_refused(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch):
    from evals import fingerprint, ledger

    monkeypatch.setenv("NEWSRAG_LEDGER", str(tmp_path / "ledger.jsonl"))
    assert ledger.touches_test("seed", "test") and ledger.touches_test("news", "all")
    assert not ledger.touches_test("seed", "dev") and not ledger.touches_test("fb", "test")
    from evals.suites import seed

    assert ledger.touches_test(str(seed.HERE / "seed_test.jsonl"), "test")  # the file itself is held out too
    monkeypatch.setattr(ledger, "git_commit", lambda: "abc1234")
    entry = ledger.record("seed", "test", ["naive", "newsrag"], "baseline for issue 30", 64)
    assert entry["code"] == fingerprint.code_hash() and entry["reason"] == "baseline for issue 30"
    assert [r["commit"] for r in ledger.runs("seed", entry["code"])] == ["abc1234"]
    monkeypatch.setattr(ledger, "git_commit", lambda: "abc1234+changes")
    with pytest.raises(ledger.UncommittedCodeError, match="uncommitted"):
        ledger.record("seed", "test", ["newsrag"], None, 64)
    assert len(ledger.runs("seed")) == 1
