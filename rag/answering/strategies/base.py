"""What every strategy is: an evidence budget, a prompt, an answer cap, and a generation step."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate

from rag.answering.policy import Policy
from rag.answering.prompt import SYSTEM, human_message
from rag.answering.spec import QuestionSpec
from rag.answering.verify import Verified, verify
from rag.ports import Embedder
from rag.trace import Trace
from rag.tuning import SELECTION
from rag.types import Passage

HUMAN = "{context}\n\nQuestion: {question}"


class Strategy:
    """A fact answered in one to three cited sentences: the base every strategy refines."""

    name = "fact"
    system = SYSTEM

    def __init__(self, spec: QuestionSpec, policy: Policy) -> None:
        self.spec = spec
        self.policy = policy

    def budget(self, trace: Trace) -> int:
        """Estimated prompt tokens for the evidence."""
        return self.policy.evidence_tokens

    def passages(self, k: int) -> int:
        """At most this many numbered passages."""
        return k

    def reading(self) -> tuple[int, float]:
        """How many of the best articles the evidence selection reads whole, and the least gain of a chosen
        sentence (rag/answering/evidence.py): a fact's evidence is the few sentences that match it."""
        return 0, SELECTION["min_gain"]

    def nothing_found(self) -> str:
        """The trace's reason for a refusal with no passage to show."""
        return "no passage was found"

    @property
    def answer_tokens(self) -> int:
        return self.policy.answer_tokens

    @property
    def kind(self) -> str | None:
        """The kind of fact the evidence selection favours (a number, a date, a name)."""
        return self.spec.kind

    def prompt(self) -> ChatPromptTemplate:
        return ChatPromptTemplate.from_messages([("system", self.system), ("human", HUMAN)])

    def inputs(self, passages: list[Passage], previous: str | None) -> dict[str, str]:
        return human_message(self.spec.question, passages, previous)

    def generate(self, llm: Callable[[], BaseChatModel], passages: list[Passage], previous: str | None,
                 trace: Trace) -> Iterator[str]:
        """The answer, streamed. The model is streamed directly, not as `prompt | model | parser`: closing a
        RunnableSequence's stream makes it read its input to the end, so the model would go on writing an
        answer nobody reads (the chat's Stop, a client that left) and keep the next question waiting. `llm`
        makes the model, loaded on first use: a strategy that writes nothing never loads it."""
        messages = self.prompt().format_messages(**self.inputs(passages, previous))
        for chunk in llm().stream(messages, max_tokens=self.answer_tokens):
            trace.model_tokens += 1
            yield chunk.text

    def verify(self, passages: list[Passage], raw: str, trace: Trace, embedder: Embedder) -> Verified:
        """The shared check (rag/answering/verify.py) of what it wrote."""
        return verify(self.spec, passages, raw, self.policy, trace, embedder)
