"""One strategy per intent, chosen by the plan: a fact, a yes/no verdict, and the open questions (a list, a
summary, a timeline, a comparison, a why/how, the latest), each with its own evidence budget, prompt and
answer length over the shared retrieval and the shared citation check. Under the `extractive` rule a
summary, a timeline, the latest and a why are built from the passages' sentences, not written; under the
`names` rule so is a list of names of a kind (companies, people, countries), under the `item_lines` rule a
list of things (one relevant line each), and under the `sides` rule a comparison of two named sides or of the
outlets (a block of lines per side). Under the `overview` rule a question about the articles as a whole is
answered with the newest articles' opening lines."""

from __future__ import annotations

from rag.answering.policy import Policy
from rag.answering.spec import QuestionSpec
from rag.answering.strategies.base import Strategy
from rag.answering.strategies.extractive import INTENTS as EXTRACTIVE
from rag.answering.strategies.extractive import ExtractiveStrategy, compares_sides, lists_lines, lists_names
from rag.answering.strategies.fact import FactStrategy
from rag.answering.strategies.open import OpenStrategy
from rag.answering.strategies.overview import OverviewStrategy
from rag.answering.strategies.yesno import YesNoStrategy

__all__ = ["Strategy", "plan"]


def plan(spec: QuestionSpec, policy: Policy) -> Strategy:
    """The strategy for the question's intent. Under the `off` policy every question is plain RAG."""
    if policy.name == "off":
        return FactStrategy(spec, policy, plain=True)
    if spec.collection and policy.on("overview"):
        return OverviewStrategy(spec, policy)
    if spec.intent == "yesno" and spec.options is not None:
        return YesNoStrategy(spec, policy)
    extractive = spec.intent in EXTRACTIVE and policy.on("extractive")
    if extractive or lists_names(spec, policy) or lists_lines(spec, policy) or compares_sides(spec, policy):
        return ExtractiveStrategy(spec, policy)
    if spec.open:
        return OpenStrategy(spec, policy)
    return FactStrategy(spec, policy)
