"""A closed question: a verdict (Yes/No, or one of the options it offers) and the facts that decide it.

Under the `small` policy the prompt says which words open the answer (a small model restates the question
otherwise), and a question in two parts is first checked one part at a time (rag/answering/halves.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from rag.answering.dates import day_label
from rag.answering.halves import CHECK, refuted
from rag.answering.prompt import human_message
from rag.answering.strategies.base import Strategy
from rag.answering.verify import Verified
from rag.ports import Embedder
from rag.trace import Trace
from rag.types import Passage


class YesNoStrategy(Strategy):
    name = "yesno"
    # Set by the chain: the corpus's outlet lookup, for the part-by-part check.
    outlets_named: Callable[[str], list[str]] = staticmethod(lambda _: [])

    def inputs(self, passages: list[Passage], previous: str | None) -> dict[str, str]:
        options = self.spec.options if self.policy.on("opener") else None
        return human_message(self.spec.question, passages, previous, options)

    def generate(self, llm: Callable[[], BaseChatModel], passages: list[Passage], previous: str | None,
                 trace: Trace) -> Iterator[str]:
        if self.policy.on("opener"):
            trace.fire("opener")
        if self.spec.options == ("Yes", "No") and len(self.spec.query_parts) >= 2 and self.policy.on("halves"):
            trace.fire("halves")
            outlets = self.outlets_named if self.policy.on("outlets") else (lambda _: [])
            denied = refuted(CHECK | llm() | StrOutputParser(), list(self.spec.query_parts), passages, outlets)
            if denied is not None:
                trace.record("halves", "answered No", "one part of the question, checked on its own, did not hold")
                yield denied
                return
        yield from super().generate(llm, passages, previous, trace)

    def verify(self, passages: list[Passage], raw: str, trace: Trace, embedder: Embedder) -> Verified:
        """The shared check; then a verdict on what will happen says as of when the articles expected it."""
        checked = super().verify(passages, raw, trace, embedder)
        if not self.spec.future or checked.refused or not checked.text:
            return checked
        trace.fire("future")
        if not self.policy.on("future"):
            return checked
        dates = [c.passage.published for c in checked.citations if c.passage.published]
        when = f"as of {day_label(max(dates))}, the newest article cited" if dates else "when they were written"
        trace.record("future", "said as of when the articles expected it",
                     "the question asks what will happen; articles tell what was expected when they were written")
        # Shown after the answer, not part of it: the confidence is the verdict's, whatever is said of its date.
        checked.after = f"That is what the articles expected {when}; they cannot tell what happened after."
        return checked
