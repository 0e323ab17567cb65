"""Two questions in one ("How old is Sam Altman, and what did OpenAI unveil at its conference?"): each part gets
its own evidence, its own prompt and its own check (the `split` rule). One prompt under one budget often
carried the first fact's article and not the second's, and one check refused both parts when one was missing.
Now a part the passages do not hold is said to be missing while the other is still answered, first.

Only parts that are questions of their own are split: after the first, each opens with a question word.
"Which official accused TikTok of X and was also heading to Britain?" asks for one person, and a long
question's clauses ("Considering A, and B, which company …") describe one answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from rag.answering.intent import request
from rag.answering.policy import Policy
from rag.answering.prompt import REFUSAL, human_message
from rag.answering.question import expected_type
from rag.answering.spec import QuestionSpec
from rag.answering.strategies.fact import FactStrategy
from rag.answering.verify import Verified, verify
from rag.ports import Embedder
from rag.text import MARKER
from rag.trace import Trace
from rag.types import Citation, Passage

_QUESTION_WORD = re.compile(
    r"^\W*(?:(?:by|to|for|from|with|in|on|at|of)\s+)?(?:what|which|who|whom|whose|how|when|where|why)\b", re.I)
Chosen = list[tuple[Passage, str]]  # numbered passages with their best sentence, as evidence.select gives them


def separate_questions(spec: QuestionSpec) -> tuple[str, ...]:
    """The question's parts when each is a question of its own; () when it asks one thing."""
    parts = spec.parts
    if len(parts) > 1 and all(_QUESTION_WORD.match(p) for p in parts[1:]):
        return parts
    return ()


class PartsStrategy(FactStrategy):
    name = "parts"

    def __init__(self, spec: QuestionSpec, policy: Policy) -> None:
        super().__init__(spec, policy)
        self.questions = separate_questions(spec)
        self.specs = [dataclasses.replace(spec, question=q, query=q, parts=(q,), query_parts=(q,),
                                          kind=expected_type(request(q))) for q in self.questions]
        self.shares: list[list[int]] = []  # for each part, the indices of its passages in the shown list
        self.raws: list[str] = []  # what the model wrote for each part, its markers numbered as it saw them

    def merge(self, chosen: list[Chosen]) -> Chosen:
        """One list of passages to show, from each part's own selection; a passage two parts chose shows once."""
        shown: Chosen = []
        at: dict[tuple[str, int, int], int] = {}
        self.shares = []
        for picks in chosen:
            share = []
            for passage, best in picks:
                key = (passage.article_id, passage.start, passage.end)
                if key not in at:
                    at[key] = len(shown)
                    shown.append((passage, best))
                share.append(at[key])
            self.shares.append(share)
        return shown

    def generate(self, llm: Callable[[], BaseChatModel], passages: list[Passage], previous: str | None,
                 trace: Trace) -> Iterator[str]:
        """Each part answered from its own passages, one after the other. The model sees the first part beside
        a later one ("which news agency contributed to it?" needs to know what "it" is)."""
        trace.record("split", f"answered {len(self.questions)} parts one at a time",
                     "the question asks several things: each part has its own passages and its own check")
        self.raws = []
        for i, (question, share) in enumerate(zip(self.questions, self.shares, strict=True)):
            mine = [passages[j] for j in share]
            inputs = human_message(question.rstrip(" ?") + "?", mine, self.questions[0] if i else previous)
            messages = self.prompt().format_messages(**inputs)
            pieces: list[str] = []

            def written(messages: list[BaseMessage] = messages, pieces: list[str] = pieces) -> Iterator[str]:
                for chunk in llm().stream(messages, max_tokens=self.answer_tokens):
                    trace.model_tokens += 1
                    pieces.append(chunk.text)
                    yield chunk.text

            if i:
                yield "\n\n"
            yield from renumbered(written(), share)
            self.raws.append("".join(pieces))

    def verify(self, passages: list[Passage], raw: str, trace: Trace, embedder: Embedder) -> Verified:
        """Each part checked on its own passages; the parts answered come first, then those the passages do
        not hold. The answer is a refusal only when no part is answered."""
        answered: list[Verified] = []
        missing: list[Verified] = []
        for spec, share, written in zip(self.specs, self.shares, self.raws, strict=True):
            mine = [passages[j] for j in share]
            part = _numbered(verify(spec, mine, written, self.policy, trace, embedder), share)
            if part.refused:
                part.text = f"On “{spec.question.rstrip(' ?')}?”: {part.text}"
            (missing if part.refused else answered).append(part)
        if not answered:
            return Verified(REFUSAL, [], _cited(p.checked for p in missing), True,
                            all(p.covered for p in missing))
        parts = [*answered, *missing]
        return Verified("\n\n".join(p.text for p in parts), _cited(p.citations for p in parts),
                        _cited(p.checked for p in parts), False, all(p.covered for p in parts))


def _numbered(part: Verified, share: list[int]) -> Verified:
    """A part's result with its markers numbered as the shown passages are."""
    def number(n: int) -> int:
        return share[n - 1] + 1

    def cite(cs: list[Citation]) -> list[Citation]:
        return [Citation(number(c.marker), c.passage, c.supported) for c in cs]

    text = MARKER.sub(lambda m: f"[{number(int(m.group(1)))}]", part.text)
    return Verified(text, cite(part.citations), cite(part.checked), part.refused, part.covered)


def _cited(groups: Iterable[list[Citation]]) -> list[Citation]:
    """Citations in order, once each; a passage is supported only if it supports every part that cites it."""
    merged: dict[int, Citation] = {}
    for group in groups:
        for c in group:
            seen = merged.get(c.marker)
            supported = c.supported if seen is None else bool(seen.supported and c.supported)
            merged[c.marker] = Citation(c.marker, c.passage, supported)
    return list(merged.values())


def renumbered(chunks: Iterator[str], share: list[int]) -> Iterator[str]:
    """The model's streamed text with each `[n]` numbered as the shown passages are, while it streams (a
    marker split over two chunks is held until it closes). The shown answer is renumbered again from the
    whole text after the check, so a marker form this misses is only wrong while it streams."""
    def number(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f"[{share[n - 1] + 1}]" if 1 <= n <= len(share) else match.group(0)

    held = ""
    for chunk in chunks:
        held += chunk
        cut = held.rfind("[")
        open_marker = cut != -1 and "]" not in held[cut:] and len(held) - cut < 12
        ready, held = (held[:cut], held[cut:]) if open_marker else (held, "")
        if ready:
            yield MARKER.sub(number, ready)
    if held:
        yield MARKER.sub(number, held)
