"""The answer judge: verdict parsing and agreement by hand with a scripted judge, then one real judge (the 0.5B
model behind llama-cpp-python's OpenAI-compatible server)."""

from collections.abc import Iterator
from typing import Any

import pytest

from evals.cases import Case
from evals.judge import NO_GOLD, AnswerVerdict, answer_agreement, build_judge, judge_answers, parse_verdict
from rag.config import Settings
from rag.fakes import ScriptedChat
from rag.models.files import model_file
from tests.servers import llama_server

HELIUM = Case("helium", "inference_query", "How much helium does China use every year?", ("4,300 tonnes",), ())
CEO = Case("ceo", "inference_query", "Who leads Microsoft as chief executive?", ("Satya Nadella",), ())
MARS = Case("mars", "unanswerable", "What was the weather on Mars last Tuesday?", (), ())
CASES = {c.id: c for c in (HELIUM, CEO, MARS)}


def row(case_id: str, answer: str | None, error: str | None = None) -> dict[str, Any]:
    return {"case_id": case_id, "answer": answer, "error": error}


@pytest.mark.parametrize(("reply", "verdict"), [
    ("correct", "correct"), ("Correct.", "correct"), ("**correct**", "correct"), ("  Verdict: correct", "correct"),
    ("Incorrect.", "incorrect"), ("**Incorrect**", "incorrect"), ("INCORRECT", "incorrect"),
    ("not correct", "incorrect"), ("Refused", "refused"), ("refusal.", "refused"),
    ("I think so", "unparsed"), ("", "unparsed"), ("correctly answered?", "unparsed"),
])
def test_parse_verdict(reply: str, verdict: str):
    assert parse_verdict(reply) == verdict


def test_markers_are_stripped_before_judging_and_unanswerable_gold_says_so():
    judge = ScriptedChat(replies=["Correct.", "refused"])
    verdicts = judge_answers([row("helium", "China uses 4,300 tonnes [1][2] a year [3]."),
                              row("mars", "The articles do not say.")], CASES, judge)
    assert verdicts == [AnswerVerdict("helium", "correct", "Correct."), AnswerVerdict("mars", "refused", "refused")]
    helium, mars = (str(prompt[-1].content) for prompt in judge.prompts)
    assert "System's answer: China uses 4,300 tonnes a year.\n" in helium and "[" not in helium
    assert "Gold answer: 4,300 tonnes\n" in helium and HELIUM.question in helium
    assert f"Gold answer: {NO_GOLD}\n" in mars


def test_error_and_empty_rows_are_skipped():
    judge = ScriptedChat(replies=["incorrect"])
    rows = [row("helium", None, error="LLMError: down"), row("ceo", "Tim Cook.", error="timeout"),
            row("mars", None), row("helium", "  "), row("ceo", "Tim Cook [1].")]
    assert judge_answers(rows, CASES, judge) == [AnswerVerdict("ceo", "incorrect", "incorrect")]
    assert len(judge.prompts) == 1


def test_several_gold_answers_are_listed():
    case = Case("both", "comparison_query", "Who?", ("Alice", "Bob"), (), all_answers=True)
    judge = ScriptedChat(replies=["correct"])
    judge_answers([row("both", "Alice and Bob.")], {"both": case}, judge)
    assert "Gold answer: all of: Alice; Bob\n" in str(judge.prompts[0][-1].content)


def test_answer_agreement_by_hand():
    verdicts = [AnswerVerdict("a1", "correct", ""),  # judge right, rule right: agree
                AnswerVerdict("a2", "incorrect", ""),  # judge wrong, rule right
                AnswerVerdict("a3", "refused", ""),  # answerable and refused: wrong for both
                AnswerVerdict("a4", "unparsed", ""),  # unparsed counts as not right; rule says wrong: agree
                AnswerVerdict("u1", "refused", "")]  # unanswerable and refused: judge right, rule wrong
    rule = {"a1": True, "a2": True, "a3": False, "a4": False, "u1": False}
    answerable = {"a1": True, "a2": True, "a3": True, "a4": True, "u1": False}
    assert answer_agreement(verdicts, rule, answerable) == pytest.approx({
        "judged": 5.0, "judge_right": 0.4, "rule_right": 0.4, "agreement": 0.6,
        "rule_yes_judge_no": 0.2, "rule_no_judge_yes": 0.2, "unparsed": 0.2,
    })
    assert answer_agreement([], {}, {}) == {"judged": 0.0}


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
    with llama_server(model_file("qwen2.5-coder-0.5b", Settings().model_cache), "qwen-small") as url:
        yield url


@pytest.mark.model
@pytest.mark.server
def test_a_real_judge_gives_readable_verdicts(server_url: str):
    rows = [row("helium", "China uses about 4,300 tonnes of helium every year [1]."),
            row("ceo", "Microsoft is led by Tim Cook, its chief executive [2]."),
            row("mars", "The articles do not say what the weather on Mars was.")]
    verdicts = judge_answers(rows, CASES, build_judge(server_url, "qwen-small", None))
    seen = [(v.case_id, v.verdict, v.raw) for v in verdicts]
    assert all(v.verdict != "unparsed" for v in verdicts), seen
    assert verdicts[0].verdict == "correct", seen
