"""A fact: a name, a number, a date, or what someone said, in one to three cited sentences."""

from __future__ import annotations

from rag.answering.policy import Policy
from rag.answering.prompt import PLAIN_SYSTEM
from rag.answering.spec import QuestionSpec
from rag.answering.strategies.base import Strategy
from rag.trace import Trace
from rag.tuning import WIDE_CONTEXT


class FactStrategy(Strategy):
    name = "fact"

    def __init__(self, spec: QuestionSpec, policy: Policy, plain: bool = False) -> None:
        super().__init__(spec, policy)
        if plain:  # the `off` policy: plain RAG, one prompt for every question
            self.name, self.system = "plain", PLAIN_SYSTEM

    def budget(self, trace: Trace) -> int:
        """Wider for a name described at length (see WIDE_CONTEXT in rag/tuning.py)."""
        budget = self.policy.evidence_tokens
        long_name = self.spec.kind == "name" and len(self.spec.question.split()) >= WIDE_CONTEXT["question_words"]
        if long_name and self.policy.on("wide_context") and WIDE_CONTEXT["tokens"] > budget:
            trace.record("wide_context", f"budget widened to {WIDE_CONTEXT['tokens']} tokens",
                         f"a name question of {len(self.spec.question.split())} words")
            return WIDE_CONTEXT["tokens"]
        return budget
