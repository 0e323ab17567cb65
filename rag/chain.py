"""The answering chain, built from LangChain runnables, in the order its data flows:
condense -> parse (QuestionSpec) -> retrieve -> plan (a strategy per intent) -> strategy -> verify -> Answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering import outlets
from rag.answering.condense import lost_topic, resolve_pronouns
from rag.answering.confidence import raw_confidence, shown_confidence, signals_for
from rag.answering.evidence import merge_weights, select
from rag.answering.initials import spell
from rag.answering.intent import OPEN_INTENTS, intent
from rag.answering.items import items_of
from rag.answering.policy import Policy, policy_for
from rag.answering.prompt import REFUSAL
from rag.answering.spec import QuestionSpec, parse
from rag.answering.strategies import Strategy, plan
from rag.answering.strategies.extractive import ExtractiveStrategy
from rag.answering.strategies.fact import FactStrategy
from rag.answering.strategies.overview import OverviewStrategy
from rag.answering.strategies.yesno import YesNoStrategy
from rag.config import Settings
from rag.limits import InputTooLongError, check_question, clip_history
from rag.models.files import ModelUnavailableError
from rag.models.llm import LLMError
from rag.parts import Parts
from rag.retrieve import Scored, SentenceCache, hybrid_search, outlet_search, question_weights
from rag.store.corpus import Corpus
from rag.text import is_refusal
from rag.trace import Trace
from rag.tuning import OPEN_FLOOR_DROP, RETRIEVAL
from rag.types import Answer, Event, Filters, Passage, Sources, Token

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
    spec: QuestionSpec | None = None  # the question parsed once, after condensing
    strategy: Strategy | None = None
    scored: list[Scored] = field(default_factory=list)
    trace: Trace = field(default_factory=Trace)
    timings: dict[str, float] = field(default_factory=dict)


class AnswerChain:
    def __init__(self, parts: Parts, llm: Callable[[], BaseChatModel], corpus: Callable[[], Corpus],
                 cache: SentenceCache | None = None) -> None:
        self.parts = parts
        self.settings: Settings = parts.settings
        self.policy: Policy = policy_for(self.settings)
        self._llm = llm
        self._corpus = corpus
        self._cache = cache or SentenceCache()
        self.condense: Runnable[Turn, Turn] = RunnableLambda(self._condense)
        self.parse: Runnable[Turn, Turn] = RunnableLambda(self._parse)
        self.retrieve: Runnable[Turn, Turn] = RunnableLambda(self._retrieve)
        self.plan: Runnable[Turn, Turn] = RunnableLambda(self._plan)

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
        turn = (self.condense | self.parse | self.retrieve | self.plan).invoke(turn)
        assert turn.spec is not None and turn.strategy is not None
        chosen = self._select(turn)
        passages = [p for p, _ in chosen]
        yield Sources(turn.standalone, passages, [best for _, best in chosen])
        turn.timings["sources"] = time.perf_counter() - started

        overview = isinstance(turn.strategy, OverviewStrategy)  # no search: what it shows is what was asked
        top = self.settings.min_score if overview else turn.scored[0].score if turn.scored else 0.0
        floor = self.settings.min_score - (OPEN_FLOOR_DROP if turn.spec.open else 0.0)
        below = top < floor or not passages
        if below:
            turn.trace.fire("floor")
        if below and (self.policy.on("floor") or not passages):
            turn.trace.record("floor", "refused without asking the model",
                              turn.strategy.nothing_found() if not passages else
                              f"the best passage scores {top:.2f}, below the floor {floor:.2f}")
            yield Token(REFUSAL)
            raw = REFUSAL
        else:
            pieces = []
            with self._llm_errors():
                for piece in turn.strategy.generate(self._llm, passages, turn.previous, turn.trace):
                    turn.timings.setdefault("first_token", time.perf_counter() - started)
                    pieces.append(piece)
                    yield Token(piece)
            raw = "".join(pieces)
        turn.timings["generate"] = time.perf_counter() - started - turn.timings["sources"]
        yield self._finish(turn, passages, raw, top, started)

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
                said = answer[:300]  # what the rewrite reads of the last answer
                with self._llm_errors():
                    rewrite = CONDENSE | self._llm() | StrOutputParser()
                    turn.standalone = rewrite.invoke({"previous": previous, "answer": said,
                                                      "question": turn.question}).strip() or turn.question
                turn.resolved, turn.previous = turn.standalone, None  # the model answers the rewrite
                self._keep_intent(turn, previous)
                if lost_topic(turn.question, turn.resolved, previous, said):
                    turn.trace.fire("follow_topic")
                    if self.policy.on("follow_topic"):
                        turn.trace.record("follow_topic", f"searched with the previous question: {previous!r}",
                                          f"the rewrite {turn.resolved!r} dropped the topic of the turn before")
                        turn.standalone, turn.previous = f"{previous} {turn.resolved}", previous
            else:
                if not is_refusal(answer):
                    turn.resolved = resolve_pronouns(turn.question, previous, answer)
                if turn.resolved != turn.question:
                    turn.previous = None  # the resolved question stands alone; the old one only distracts
                turn.standalone = f"{previous} {turn.resolved}"
        turn.timings["condense"] = time.perf_counter() - started
        return turn

    def _keep_intent(self, turn: Turn, previous: str) -> None:
        """A follow-up asking for an open kind of answer keeps it: the small model rewrote "give me a timeline"
        after "what happened at pangong lake?" as "When did China build at least 186 huts …?", a fact."""
        typed = intent(turn.question, bare=False)  # "and about russia?" asks the question before again
        if typed not in OPEN_INTENTS or intent(turn.resolved) == typed:
            return
        turn.trace.fire("follow_intent")
        if self.policy.on("follow_intent"):
            turn.trace.record("follow_intent", f"asked as a {typed} of the question before: {previous!r}",
                              f"the rewrite {turn.resolved!r} asks for another kind of answer")
            turn.resolved = turn.standalone = f"{previous.strip()} ({turn.question.strip()})"

    def _parse(self, turn: Turn) -> Turn:
        """The question read once: intent, parts, outlets, time window, entities (rag/answering/spec.py)."""
        corpus = self._corpus()
        named = outlets.lookup(corpus) if self.policy.on("outlets") else (lambda _: [])
        turn.spec = parse(turn.resolved, turn.standalone, named, corpus.newest())
        if not self.policy.on("parts") and len(turn.spec.query_parts) > 1:
            turn.trace.fire("parts")
        turn.trace.spec = turn.spec.describe()
        turn.trace.policy = self.policy.name
        return turn

    def _retrieve(self, turn: Turn) -> Turn:
        """Candidates for the whole question (its initials written out), for each part when it asks several
        things, so every part's evidence can reach the prompt, and for each outlet a part names, its best."""
        started = time.perf_counter()
        assert turn.spec is not None
        if turn.spec.collection:
            turn.trace.fire("overview")
            if self.policy.on("overview"):
                return turn  # nothing to search for: the plan answers with the newest articles
        corpus = self._corpus()
        parts = list(turn.spec.query_parts) if self.policy.on("parts") else [turn.spec.query]
        if len(turn.spec.query_parts) > 1:
            turn.trace.fire("parts")
        search = partial(hybrid_search, corpus=corpus, parts=self.parts, k=self.settings.candidates, cache=self._cache)
        found: list[Scored] = []
        for query in dict.fromkeys([turn.spec.query, *parts]):
            found += search(query, filters=turn.filters)
        if spelled := spell(turn.spec, [s.info for s in found], turn.trace, self.policy.on("initials"),
                            self.parts.embedder):
            turn.spec = spelled  # the name written out finds the sentences that write it so
            found += search(spelled.query, filters=turn.filters)
        window = turn.spec.window
        if window is not None and turn.spec.open and not (turn.filters and (turn.filters.since or turn.filters.until)):
            turn.trace.fire("window")  # the articles of the time asked about, though others match better
            if self.policy.on("window"):
                found += search(turn.spec.query, filters=Filters(window.since, window.until,
                                                                 turn.filters.sources if turn.filters else ()))
        named = {part: outlets.named(part, corpus.outlets()) if self.policy.on("outlets") else [] for part in parts}
        typed = [o for o in turn.spec.outlets if not any(o in n for n in named.values())]  # a compared side
        for k, part in enumerate(parts):
            for outlet in [*named[part], *(typed if k == 0 else [])]:
                turn.trace.fire("outlets")
                found += outlet_search(part, outlet, corpus, self.parts, PER_OUTLET, turn.filters, self._cache)
        best: dict[str, Scored] = {}
        for s in found:  # a chunk found by several searches keeps its best score (the first of equal ones)
            best[s.info.chunk_id] = max(best.get(s.info.chunk_id, s), s, key=lambda chunk: chunk.score)
        turn.scored = sorted(best.values(), key=lambda s: -s.score)
        turn.timings["retrieve"] = time.perf_counter() - started
        return turn

    def _plan(self, turn: Turn) -> Turn:
        """One strategy for the question's intent (rag/answering/strategies)."""
        assert turn.spec is not None
        turn.strategy = plan(turn.spec, self.policy)
        if isinstance(turn.strategy, YesNoStrategy):
            turn.strategy.outlets_named = outlets.lookup(self._corpus())
        turn.trace.strategy = turn.strategy.name
        return turn

    def _select(self, turn: Turn) -> list[tuple[Passage, str]]:
        """Evidence sentences under the strategy's budget, grouped per article (see rag/answering/evidence.py)."""
        assert turn.spec is not None and turn.strategy is not None
        corpus = self._corpus()
        budget, most = turn.strategy.budget(turn.trace), turn.strategy.passages(turn.k)
        if isinstance(turn.strategy, OverviewStrategy):
            narrowed = turn.strategy.window(turn.filters)
            turn.strategy.count = 0 if narrowed else corpus.catalogue.article_count()
            return turn.strategy.choose(corpus.catalogue.openings(narrowed, most, turn.strategy.roster), self._sims)
        parts = list(turn.spec.query_parts) if self.policy.on("parts") else [turn.spec.query]
        weights = [question_weights(part, corpus) for part in parts]
        sims = self._sims(turn.spec.query)
        if extractive := isinstance(turn.strategy, ExtractiveStrategy):
            turn.strategy.reads(sims, corpus.article, corpus.newest(), merge_weights(weights))
        whole, min_gain = turn.strategy.reading()
        part_sims = []
        if len(parts) > 1 and isinstance(turn.strategy, FactStrategy):  # a question asking for two facts
            turn.trace.fire("part_evidence")
            if self.policy.on("part_evidence"):
                part_sims = [self._sims(part) for part in parts]
        scored = outlets.own_chunks(turn.scored, turn.spec.reported, turn.spec.intent, turn.trace,
                                    self.policy.on("outlet_only"))
        return select(scored, corpus.article, sims, weights, turn.strategy.kind, budget, most, turn.spec.outlets,
                      whole, min_gain, part_sims, self._antecedents(turn) if extractive else None)

    def _antecedents(self, turn: Turn) -> Callable[[int], bool]:
        """Whether an open answer's passages take the sentence before one that points back at it ("He also …")."""
        def widen(count: int) -> bool:
            turn.trace.fire("antecedent")
            if self.policy.on("antecedent"):
                turn.trace.record("antecedent", f"{count} sentence(s) added before the passages' own",
                                  "a sentence opens with 'he', 'they' or 'its' for what the sentence before it names")
            return self.policy.on("antecedent")
        return widen

    def _sims(self, query: str) -> Callable[[list[str]], list[float]]:
        """The query's similarity to each text (sentence vectors cached across questions)."""
        vector = self._cache.query(self.parts, query)
        def sims(texts: list[str]) -> list[float]:
            return [float(x) for x in self._cache.embed(self.parts, texts, self._corpus()) @ vector] if texts else []
        return sims

    def _finish(self, turn: Turn, passages: list[Passage], raw: str, top: float, started: float) -> Answer:
        began = time.perf_counter()
        assert turn.spec is not None and turn.strategy is not None
        checked = turn.strategy.verify(passages, raw, turn.trace, self.parts.embedder)
        signals = signals_for(raw_confidence(checked.refused, top, checked.citations, self.settings.min_score),
                              closed=turn.spec.options is not None, covered=checked.covered)
        turn.timings["verify"] = time.perf_counter() - began
        turn.timings["total"] = time.perf_counter() - started
        # The calibration map was fitted on the bundled model's rows: other policies show the raw signal.
        confidence = shown_confidence(signals, turn.question, checked.text, checked.refused,
                                      calibrated=self.policy.name == "small")
        text = f"{checked.text}\n\n{checked.after}" if checked.after else checked.text  # after the confidence
        return Answer(turn.question, text, checked.citations, passages, checked.refused, confidence,
                      dict(turn.timings), checked.checked, signals, turn.trace,
                      [] if checked.refused else items_of(checked.text))
