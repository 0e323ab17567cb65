"""A question about the articles as a whole ("What are these articles about?", "What's the latest?", "Summarize
the articles"): it names no topic to search for, and a search for its words finds nothing close (the floor
refused it). The answer is the opening line of each of the newest articles, newest first (oldest first for a
timeline), each cited to its article's first passage, after how many articles there are and up to when.
Nothing is written by the model."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel

from rag.answering.dates import day_label
from rag.answering.injection import instruction_like
from rag.answering.items import UNDATED
from rag.answering.lines import MIN_WORDS, Sims
from rag.answering.policy import Policy
from rag.answering.spec import QuestionSpec
from rag.answering.strategies.base import Strategy
from rag.text import sentences
from rag.trace import Trace
from rag.tuning import EXTRACTIVE as T
from rag.types import Filters, Passage

READ = 4  # the opening sentences read for the one that tells the story (a caption or a byline can come first)


class OverviewStrategy(Strategy):
    name = "overview"

    def __init__(self, spec: QuestionSpec, policy: Policy) -> None:
        super().__init__(spec, policy)
        self.count = 0  # the articles the collection holds (0: unknown, when filters or a time narrow it)
        self.leads: dict[str, str] = {}  # a passage's chunk id -> the sentence shown for its article

    def passages(self, k: int) -> int:
        return int(T["overview_articles"])

    def window(self, filters: Filters | None) -> Filters | None:
        """The user's filters, narrowed to the time the question names ("what's new in September 2020?")."""
        if self.spec.window is None:
            return filters
        since, until = self.spec.window.since, self.spec.window.until
        if filters and filters.since:
            since = max(since, filters.since)
        if filters and filters.until:
            until = min(until, filters.until)
        return Filters(since, until, filters.sources if filters else ())

    def choose(self, openings: list[Passage], similar: Callable[[str], Sims]) -> list[tuple[Passage, str]]:
        """Each article's opening passage with the sentence that tells its story: of its first sentences long
        enough to be one, the closest to its headline (not the headline repeated, a caption or a byline)."""
        for passage in openings:
            said = [" ".join(s.split()) for s in sentences(passage.text)[:READ]]
            said = [s for s in said if len(s.split()) >= MIN_WORDS and not instruction_like(s)
                    and s.rstrip(".") not in passage.title]
            if said:
                scores = similar(passage.title)(said)
                self.leads[passage.chunk_id] = max(zip(scores, said, strict=True))[1]
        return [(p, self.leads[p.chunk_id]) for p in openings if p.chunk_id in self.leads]

    def generate(self, llm: Callable[[], BaseChatModel], passages: list[Passage], previous: str | None,
                 trace: Trace) -> Iterator[str]:
        """The lines; the chain refuses before this when no article passes (no passage was found)."""
        trace.record("overview", f"the opening line of the {len(passages)} newest articles",
                     "the question asks about the articles as a whole, not about a topic in them")
        numbered = list(enumerate(passages, 1))
        if self.spec.intent == "timeline":  # the dated ones oldest first; the undated still after them
            dated = [x for x in numbered if x[1].published]
            numbered = [*reversed(dated), *(x for x in numbered if not x[1].published)]
        n = len(passages)
        some = (f"The {n} newest of the {self.count} articles" if self.count > n else
                f"The {n} articles" if self.count else f"The {n} newest articles")
        if n == 1:
            some = "The one article" if self.count == 1 else "The newest article"
        if self.spec.window:
            some += f" from {self.spec.window.phrase}"
        order = f", {'oldest' if self.spec.intent == 'timeline' else 'newest'} first" if n > 1 else ""
        yield f"{some}{order}:\n\n"
        for marker, passage in numbered:
            when = day_label(passage.published) if passage.published else UNDATED
            yield f"- {when}: {self.leads[passage.chunk_id]} [{marker}]\n"
