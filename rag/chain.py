"""The answering chain, built from LangChain runnables: condense -> retrieve -> prompt | LLM -> verify."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda

from rag.citations import normalise_markers, resolve
from rag.condense import resolve_pronouns
from rag.config import Settings
from rag.corpus import Corpus
from rag.llm import LLMError
from rag.models import ModelUnavailableError
from rag.pipeline import Parts
from rag.prompt import PROMPT, REFUSAL, human_message
from rag.retrieve import Scored, SentenceCache, hybrid_search
from rag.text import is_refusal
from rag.types import Answer, Citation, Event, Filters, Passage, Sources, Token

History = Sequence[tuple[str, str]]

CONDENSE = ChatPromptTemplate.from_messages([
    ("system", "Rewrite the follow-up as one standalone question. Reply with the question only."),
    ("human", "Previous question: {previous}\nPrevious answer: {answer}\nFollow-up: {question}"),
])


@dataclass(slots=True)
class Turn:
    """State carried through the chain for one question."""

    question: str
    history: History
    filters: Filters | None
    k: int
    standalone: str = ""  # the retrieval query
    resolved: str = ""  # the question as the LLM sees it (pronouns of a follow-up resolved)
    previous: str | None = None
    scored: list[Scored] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class AnswerChain:
    def __init__(self, parts: Parts, llm: Callable[[], BaseChatModel], corpus: Callable[[], Corpus]) -> None:
        self.parts = parts
        self.settings: Settings = parts.settings
        self._llm = llm
        self._corpus = corpus
        self._cache = SentenceCache()
        self.condense: Runnable[Turn, Turn] = RunnableLambda(self._condense)
        self.retrieve: Runnable[Turn, Turn] = RunnableLambda(self._retrieve)

    def generator(self) -> Runnable[dict[str, str], str]:
        return PROMPT | self._llm() | StrOutputParser()

    def as_runnable(self) -> Runnable[dict[str, object], Answer]:
        """The whole chain as one Runnable: {"question", "history"?, "filters"?} -> Answer."""

        def run(inputs: dict[str, object]) -> Answer:
            events = self.stream(str(inputs["question"]), inputs.get("history") or (),  # type: ignore[arg-type]
                                 inputs.get("filters"))  # type: ignore[arg-type]
            return next(e for e in events if isinstance(e, Answer))

        return RunnableLambda(run)

    def stream(
        self, question: str, history: History = (), filters: Filters | None = None, k: int | None = None
    ) -> Iterator[Event]:
        started = time.perf_counter()
        turn = Turn(question.strip(), history, filters, k or self.settings.k)
        turn = self.retrieve.invoke(self.condense.invoke(turn))
        turn.scored, passages = distinct_windows(turn.scored, self.settings.passage_chars, turn.k)
        yield Sources(turn.standalone, passages, [s.best_sentence() for s in turn.scored])
        turn.timings["sources"] = time.perf_counter() - started

        top = turn.scored[0].score if turn.scored else 0.0
        if top < self.settings.min_score:
            yield Token(REFUSAL)
            raw = REFUSAL
        else:
            pieces = []
            for piece in self._generate(human_message(turn.resolved, passages, turn.previous)):
                turn.timings.setdefault("first_token", time.perf_counter() - started)
                pieces.append(piece)
                yield Token(piece)
            raw = "".join(pieces)
        turn.timings["generate"] = time.perf_counter() - started - turn.timings["sources"]
        yield self._finish(turn, passages, raw, top, started)

    def _generate(self, inputs: dict[str, str]) -> Iterator[str]:
        with self._llm_errors():
            yield from self.generator().stream(inputs)

    @contextmanager
    def _llm_errors(self) -> Iterator[None]:
        """Connection refused, timeouts, HTTP errors: one clear message for the CLI and the chat window."""
        try:
            yield
        except (LLMError, ModelUnavailableError):
            raise
        except Exception as exc:
            where = self.settings.llm_url or self.settings.local_model
            raise LLMError(f"the language model ({where}) did not answer: {type(exc).__name__}: {exc}") from exc

    def _condense(self, turn: Turn) -> Turn:
        """A follow-up becomes a standalone question: "llm" asks the model to rewrite it; "cheap" (no LLM
        call) resolves person pronouns from the last turn and adds the previous question to the query."""
        started = time.perf_counter()
        turn.standalone = turn.resolved = turn.question
        if turn.history:
            previous, answer = turn.history[-1]
            turn.previous = previous
            if self.settings.condense == "llm":
                with self._llm_errors():
                    rewrite = CONDENSE | self._llm() | StrOutputParser()
                    turn.standalone = rewrite.invoke({"previous": previous, "answer": answer[:300],
                                                      "question": turn.question}).strip() or turn.question
                turn.resolved, turn.previous = turn.standalone, None  # the model answers the rewrite
            else:
                if not is_refusal(answer):
                    turn.resolved = resolve_pronouns(turn.question, previous, answer)
                if turn.resolved != turn.question:
                    turn.previous = None  # the resolved question stands alone; the old one only distracts
                turn.standalone = f"{previous} {turn.resolved}"
        turn.timings["condense"] = time.perf_counter() - started
        return turn

    def _retrieve(self, turn: Turn) -> Turn:
        started = time.perf_counter()
        # Two spare candidates: windows of neighbouring chunks can overlap and are then dropped.
        turn.scored = hybrid_search(turn.standalone, self._corpus(), self.parts, turn.k + 2, turn.filters,
                                    self._cache)
        turn.timings["retrieve"] = time.perf_counter() - started
        return turn

    def _finish(self, turn: Turn, passages: list[Passage], raw: str, top: float, started: float) -> Answer:
        began = time.perf_counter()
        text = normalise_markers(raw, len(passages))
        refused = text == REFUSAL or (is_refusal(text) and "[" not in text) or not text
        citations: list[Citation] = []
        checked: list[Citation] = []
        if not refused:
            text, citations = resolve(text, passages, self.parts.embedder, turn.resolved)
            # An answer that no passage supports (an invented name or figure, or no evidence at all) is not
            # shown as an answer: small models rarely refuse on their own, so the check decides.
            refused = not any(c.supported for c in citations)
            checked = citations
        if refused:
            text, citations = REFUSAL, []
        turn.timings["verify"] = time.perf_counter() - began
        turn.timings["total"] = time.perf_counter() - started
        return Answer(turn.question, text, citations, passages, refused,
                      _confidence(refused, top, citations, self.settings.min_score), dict(turn.timings), checked)


def distinct_windows(scored: list[Scored], max_chars: int, k: int) -> tuple[list[Scored], list[Passage]]:
    """The tight windows of the best candidates, skipping one that mostly repeats a window already taken
    (adjacent chunks share a sentence, so their best windows can coincide). At most `k`."""
    kept: list[tuple[Scored, Passage]] = []
    for candidate in scored:
        window = candidate.window(max_chars)
        if not any(_overlap(window, p) > 0.5 for _, p in kept):
            kept.append((candidate, window))
        if len(kept) == k:
            break
    return [s for s, _ in kept], [p for _, p in kept]


def _overlap(a: Passage, b: Passage) -> float:
    if a.article_id != b.article_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(0, shared) / max(1, min(a.end - a.start, b.end - b.start))


def _confidence(refused: bool, top: float, citations: list[Citation], floor: float) -> float:
    """From retrieval, not from the prompt. `margin` is how far the best passage clears the refusal floor
    (0.5 at the floor); a refusal is as confident as that passage is weak, an answer as its margin and the
    share of its citations that were verified."""
    margin = min(1.0, max(0.0, 0.5 + 2 * (top - floor)))
    if refused:
        return round(1.0 - margin, 3)
    verified = sum(1 for c in citations if c.supported) / len(citations) if citations else 0.0
    return round(0.5 * margin + 0.5 * verified, 3)
