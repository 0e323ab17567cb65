"""A yes/no on what will happen ("Will TikTok be banned?"): articles tell what was expected when they were
written, so the verdict ends by saying as of when (the `future` rule; fakes: hashing embedder, scripted model)."""

from __future__ import annotations

import rag

QUESTION = "Will China build more huts along the shoreline?"
VERDICT = "Yes, China has built 186 huts along the shoreline and will build more [1]."


def test_a_verdict_on_what_will_happen_says_as_of_when_the_articles_expected_it(scripted):
    scripted(VERDICT)
    answer = rag.answer(QUESTION)
    assert answer.text.startswith("Yes") and not answer.refused, answer.text
    assert answer.text.rstrip().endswith("they cannot tell what happened after."), answer.text
    assert "what the articles expected" in answer.text and "future" in [s.rule for s in answer.trace.steps]
    assert answer.trace.spec["future"] is True


def test_a_verdict_on_what_happened_is_not_dated_so(scripted):
    scripted(VERDICT.replace(" and will build more", ""))
    answer = rag.answer("Did China build huts along the shoreline?")
    assert "expected" not in answer.text and not answer.trace.spec["future"], answer.text


def test_without_the_rule_the_verdict_stands_alone(scripted):
    scripted(VERDICT, ablate="future")
    answer = rag.answer(QUESTION)
    assert "expected" not in answer.text and "future" in answer.trace.fired, answer.text
