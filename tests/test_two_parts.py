"""A question that asks two things: each part is read as its own question and gets its own evidence."""

from __future__ import annotations

import pytest

import rag
from rag.answering.evidence import SentenceSims, select
from rag.answering.question import question_parts
from rag.retrieve import Scored
from rag.store.article import ArticleText
from rag.types import Passage


def test_one_question_about_two_of_a_kind_is_asked_of_each():
    question = "Which two ministers spoke to Sky News — one about China, the other about Russian hacking?"
    assert question_parts(question) == ["Which two ministers spoke to Sky News about China",
                                        "Which two ministers spoke to Sky News about Russian hacking?"]
    assert question_parts("Which two experts are quoted, one from Hong Kong University and one from CSIS?") == [
        "Which two experts are quoted from Hong Kong University", "Which two experts are quoted from CSIS?"]
    # "one" inside a clause is not a second question
    assert question_parts("Is this one of the biggest deals of the year?") == [
        "Is this one of the biggest deals of the year?"]


def _chunk(article_id: str, sentences: list[str], evidence: list[float]) -> tuple[ArticleText, Scored]:
    text = " ".join(sentences)
    spans, start = [], 0
    for s in sentences:
        spans.append((start, start + len(s)))
        start += len(s) + 1
    info = Passage(f"{article_id}-c0", article_id, f"Story {article_id}", "Courier", None, text, 1.0, 0, len(text))
    return ArticleText(text), Scored(info, 1.0, 1.0, 0.0, 0.0, spans, evidence, evidence)


def test_each_part_of_a_two_part_question_gets_its_own_evidence():
    general = ["Two ministers gave interviews to Sky News on Sunday.", "The ministers spoke to Sky News at length."]
    china = "Raab told the programme that China had broken its promises."
    russia = "Brokenshire said Russian hackers had targeted vaccine research."
    # the whole question matches the general lines best
    first, a = _chunk("a", [*general, china], [1.2, 1.1, 0.5])
    second, b = _chunk("b", ["Officials met on Monday.", russia], [0.1, 0.5])
    articles = {"a": first, "b": second}

    def whole(texts: list[str]) -> list[float]:
        return [0.9 if "Sky News" in t else 0.4 for t in texts]

    def about(word: str) -> SentenceSims:
        return lambda texts: [0.8 if word in t else 0.2 for t in texts]

    weights = [{"china": 1.0}, {"russian": 1.0, "hacking": 1.0}]

    def shown(part_sims: list[SentenceSims]) -> str:  # room for three of the four sentences
        chosen = select([a, b], articles.get, whole, weights, None, 60, 4, (), 0, 0.5, part_sims)
        return " ".join(p.text for p, _ in chosen)

    each = shown([about("China"), about("Russian")])
    assert china in each and russia in each
    assert russia not in shown([])  # one ranking for the whole question keeps the general lines


@pytest.mark.parametrize("question", [
    "How many huts has China built along the disputed shoreline, and in which county is the new helium plant?",
    "how many huts has china built along the disputed shoreline? also in which county is the new helium plant",
])
def test_a_two_fact_question_shows_the_model_each_facts_passage(scripted, question: str):
    llm = scripted("China built 186 huts [1]; the plant is in Yanchi county [2].")
    answer = rag.answer(question)
    parts = answer.trace.spec["parts"]
    assert isinstance(parts, list) and [p.lower().rstrip("?") for p in parts] == [
        "how many huts has china built along the disputed shoreline", "in which county is the new helium plant"]
    assert "part_evidence" in answer.trace.fired
    prompt = str(llm.prompts[0][-1].content)
    assert "186 huts" in prompt and "Yanchi county" in prompt
