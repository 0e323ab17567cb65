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

from rag.citations import cites_asked_fact, coverage, normalise_markers, resolve
from rag.condense import resolve_pronouns
from rag.confidence import raw_confidence, shown_confidence, signals_for
from rag.config import Settings
from rag.corpus import Corpus
from rag.evidence import select
from rag.halves import CHECK, refuted
from rag.limits import InputTooLongError, check_question, clip_history
from rag.llm import LLMError
from rag.models import ModelUnavailableError
from rag.parts import Parts
from rag.prompt import PROMPT, REFUSAL, human_message
from rag.question import answers_kind, choices, expected_type, negative, question_parts, verdict
from rag.retrieve import Scored, SentenceCache, hybrid_search, outlet_search, question_weights
from rag.text import MARKER, is_refusal, sentences
from rag.tuning import NO_VERDICT_COVERAGE, RETRIEVAL, WIDE_CONTEXT
from rag.types import Answer, Citation, Event, Filters, Passage, Sources, Token

History = Sequence[tuple[str, str]]
PER_OUTLET = int(RETRIEVAL["per_outlet"])

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
    options: tuple[str, str] | None = None  # the answers a closed question allows (see question.choices)
    parts: list[str] = field(default_factory=list)  # the question's parts, when it asks several things
    scored: list[Scored] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class AnswerChain:
    def __init__(self, parts: Parts, llm: Callable[[], BaseChatModel], corpus: Callable[[], Corpus],
                 cache: SentenceCache | None = None) -> None:
        self.parts = parts
        self.settings: Settings = parts.settings
        self._llm = llm
        self._corpus = corpus
        self._cache = cache or SentenceCache()
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
        turn = Turn(check_question(question), clip_history(history), filters, k or self.settings.k)
        turn = self.retrieve.invoke(self.condense.invoke(turn))
        chosen = self._select(turn)
        passages = [p for p, _ in chosen]
        yield Sources(turn.standalone, passages, [best for _, best in chosen])
        turn.timings["sources"] = time.perf_counter() - started

        top = turn.scored[0].score if turn.scored else 0.0
        if top < self.settings.min_score or not passages:
            yield Token(REFUSAL)
            raw = REFUSAL
        else:
            pieces = []
            for piece in self._answer(turn, passages):
                turn.timings.setdefault("first_token", time.perf_counter() - started)
                pieces.append(piece)
                yield Token(piece)
            raw = "".join(pieces)
        turn.timings["generate"] = time.perf_counter() - started - turn.timings["sources"]
        yield self._finish(turn, passages, raw, top, started)

    def _answer(self, turn: Turn, passages: list[Passage]) -> Iterator[str]:
        """The model's answer, streamed. A two-part yes/no question is first checked one part at a time
        (rag/halves.py): a part that does not hold answers it "No" without the whole-question prompt."""
        if turn.options == ("Yes", "No") and len(turn.parts) >= 2:
            with self._llm_errors():
                check = CHECK | self._llm() | StrOutputParser()
                denied = refuted(check, turn.parts, passages, self._corpus().outlets_named)
            if denied is not None:
                yield denied
                return
        yield from self._generate(human_message(turn.resolved, passages, turn.previous))

    def _generate(self, inputs: dict[str, str]) -> Iterator[str]:
        with self._llm_errors():
            yield from self.generator().stream(inputs)

    @contextmanager
    def _llm_errors(self) -> Iterator[None]:
        """Connection refused, timeouts, HTTP errors: one clear message for the CLI and the chat window."""
        try:
            yield
        except (LLMError, ModelUnavailableError, InputTooLongError):
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
        turn.options = choices(turn.resolved)
        turn.timings["condense"] = time.perf_counter() - started
        return turn

    def _retrieve(self, turn: Turn) -> Turn:
        """Candidates for the whole question and, when it asks several things, for each part on its own, so
        every part's evidence can reach the prompt; and for each outlet a part names, that outlet's best."""
        started = time.perf_counter()
        corpus = self._corpus()
        turn.parts = question_parts(turn.standalone)
        found: list[Scored] = []
        for query in dict.fromkeys([turn.standalone, *turn.parts]):
            found += hybrid_search(query, corpus, self.parts, self.settings.candidates, turn.filters, self._cache)
        for part in turn.parts:
            for outlet in corpus.outlets_named(part):
                found += outlet_search(part, outlet, corpus, self.parts, PER_OUTLET, turn.filters, self._cache)
        best: dict[str, Scored] = {}
        for s in found:
            if s.info.chunk_id not in best or best[s.info.chunk_id].score < s.score:
                best[s.info.chunk_id] = s
        turn.scored = sorted(best.values(), key=lambda s: -s.score)
        turn.timings["retrieve"] = time.perf_counter() - started
        return turn

    def _select(self, turn: Turn) -> list[tuple[Passage, str]]:
        """Evidence sentences under the prompt budget, grouped per article (see rag/evidence.py)."""
        corpus = self._corpus()
        vector = self.parts.embedder.embed([turn.standalone], "query")[0]

        def sims(texts: list[str]) -> list[float]:
            return [float(x) for x in self._cache.embed(self.parts, texts) @ vector] if texts else []

        weights = [question_weights(part, corpus) for part in turn.parts]
        kind = expected_type(turn.standalone)
        return select(turn.scored, corpus.article, sims, weights, kind, self._budget(turn.resolved, kind),
                      turn.k, corpus.outlets_named(turn.standalone))

    def _budget(self, question: str, kind: str | None) -> int:
        """Prompt tokens for the evidence: wider for a name described at length (see WIDE_CONTEXT)."""
        if kind == "name" and len(question.split()) >= WIDE_CONTEXT["question_words"]:
            return max(self.settings.context_tokens, WIDE_CONTEXT["tokens"])
        return self.settings.context_tokens

    def _finish(self, turn: Turn, passages: list[Passage], raw: str, top: float, started: float) -> Answer:
        began = time.perf_counter()
        text = normalise_markers(raw, len(passages))
        first = sentences(text)[0] if text else ""
        declined = not text or is_refusal(first)
        citations: list[Citation] = []
        share = coverage(turn.resolved, passages, self._corpus().outlets_named(turn.resolved))
        held = share == 1.0
        if text and (not declined or MARKER.search(text)):
            text, citations = resolve(text, passages, self.parts.embedder, turn.resolved, held)
        checked = citations
        supported = [c for c in citations if c.supported]
        # A verdict on a closed question is an answer even when no single passage states it. "Yes" affirms
        # every compared fact, so the passages must hold all the question's names and numbers; "No" (the
        # passages do not bear the question out) needs them to be about it: most of its names, not all.
        options = turn.options
        said = verdict(text, options) if options else None
        denied = options is not None and said == negative(options)
        decided = said is not None and (held or (denied and share >= NO_VERDICT_COVERAGE))
        # Not shown as an answer: one that no passage supports (an invented name or figure: small models
        # rarely refuse on their own, so the check decides), one that declines, and one that lacks the kind
        # of fact asked for (a related fact is not the answer). What the passages do say stays visible.
        # The asked-for fact must stand where a verified citation vouches for it; a bare verdict has none to cite.
        answered = cites_asked_fact(text, citations, turn.resolved) if supported else answers_kind(text, turn.resolved)
        refused = declined or not (supported or decided) or not answered
        if refused:
            if not supported:
                text, citations = REFUSAL, []
            elif not declined:
                text = f"{REFUSAL} They say only: {text}"
        signals = signals_for(raw_confidence(refused, top, citations, self.settings.min_score),
                              closed=options is not None, covered=held)
        turn.timings["verify"] = time.perf_counter() - began
        turn.timings["total"] = time.perf_counter() - started
        confidence = shown_confidence(signals, turn.question, text, refused)
        return Answer(turn.question, text, citations, passages, refused, confidence, dict(turn.timings), checked,
                      signals)
