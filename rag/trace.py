"""The decision trace: which strategy answered, and every rule that changed the outcome, with its reason.

`fired` lists each rule whose condition held on this question, whether or not another rule also decided the
outcome: turning any other rule off cannot change this answer, so an ablation re-asks only these questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Step:
    rule: str  # a name from rag.answering.policy.RULES
    outcome: str  # what it did: "refused", "answered No", "moved citation [2] to [3]", "widened budget to 400"
    reason: str  # why, in words a reader of the chat understands


@dataclass(slots=True)
class Trace:
    spec: dict[str, object] = field(default_factory=dict)
    strategy: str = ""
    policy: str = ""
    steps: list[Step] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    model_tokens: int = 0  # pieces the model streamed for the answer (one a token); 0 when it wrote nothing

    def record(self, rule: str, outcome: str, reason: str) -> None:
        """A rule changed the outcome (it also fired)."""
        self.steps.append(Step(rule, outcome, reason))
        self.fire(rule)

    def refuses(self, rule: str, on: bool, reason: str) -> bool:
        """A refusal rule's condition held: it fired, and when the policy runs it (`on`) it refused, why recorded."""
        if on:
            self.record(rule, "refused", reason)
        else:
            self.fire(rule)
        return on

    def fire(self, rule: str) -> None:
        """A rule's condition held on this question (see the module's note)."""
        if rule not in self.fired:
            self.fired.append(rule)

    def why(self) -> str:
        """One line for the chat under a refusal or a weak answer: the last rule that decided it."""
        deciding = [s for s in self.steps if s.rule != "repair"]
        if not deciding:
            return ""
        step = deciding[-1]
        return f"{step.outcome}: {step.reason} (rule: {step.rule})"
