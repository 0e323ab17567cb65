"""A question about the articles as a whole ("What are these articles about?", "What's the latest?", "Summarize
the articles"): it names no topic to search for, and a search for its words finds nothing close (the floor
refused it). The answer is the opening line of each of the newest articles, newest first (oldest first for a
timeline), each cited to its article's first passage, after how many articles there are and up to when.
A list of names of a kind ("Who is mentioned the most?", "Which companies appear in these articles?") is
answered with the names the newest articles hold, those named in the most articles first, each with a sentence
naming it. Nothing is written by the model."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel

from rag.answering.dates import day_label
from rag.answering.entities import asked_kind, tally
from rag.answering.injection import instruction_like
from rag.answering.items import UNDATED
from rag.answering.lines import MIN_WORDS, Sims, heading
from rag.answering.policy import Policy
from rag.answering.spec import QuestionSpec
from rag.answering.strategies.base import Strategy
from rag.answering.strategies.extractive import lists_names
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
        self.roster = lists_names(spec, policy)  # names of a kind, not the articles' opening lines
        self.named: list[tuple[str, int, str, str]] = []  # a name, in how many articles, its sentence and chunk
        self.read = 0  # the articles a roster read

    def passages(self, k: int) -> int:
        """How many of the newest articles are read: a roster reads every chunk of each."""
        return int(T["roster_articles" if self.roster else "overview_articles"])

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
        enough to be one, the closest to its headline (not the headline repeated, a caption or a byline). For a
        roster, `openings` are every chunk of the articles, and the passages are those naming a name shown."""
        if self.roster:
            return self._names(openings)
        for passage in openings:
            said = [s for s in _sentences(passage)[:READ] if _tells(s, passage)]
            if said:
                scores = similar(passage.title)(said)
                self.leads[passage.chunk_id] = max(zip(scores, said, strict=True))[1]
        return [(p, self.leads[p.chunk_id]) for p in openings if p.chunk_id in self.leads]

    def _names(self, chunks: list[Passage]) -> list[tuple[Passage, str]]:
        """The names of the asked kind the chunks hold, named in the most articles first, each with the first
        sentence naming it (newest article first); the chunks of those sentences, in the order they are cited."""
        said: dict[tuple[str, str], int] = {}  # (article, sentence) -> its chunk (chunks overlap by a sentence)
        for i, chunk in enumerate(chunks):
            for sentence in _sentences(chunk):
                if _tells(sentence, chunk) and not heading(sentence):  # a headline's capitals read as names
                    said.setdefault((chunk.article_id, sentence), i)
        articles = {a: n for n, a in enumerate(dict.fromkeys(chunk.article_id for chunk in chunks))}
        self.read = len(articles)
        texts, where = [sentence for _, sentence in said], list(said.values())
        found = tally(self.spec.question, texts, [articles[a] for a, _ in said], int(T["list_items"]))
        self.named = [(name, count, texts[i], chunks[where[i]].chunk_id) for name, i, count in found]
        cited = {chunk_id: sentence for _, _, sentence, chunk_id in self.named}
        return [(chunk, cited[chunk.chunk_id]) for chunk in chunks if chunk.chunk_id in cited]

    def generate(self, llm: Callable[[], BaseChatModel], passages: list[Passage], previous: str | None,
                 trace: Trace) -> Iterator[str]:
        """The lines; the chain refuses before this when no article passes (no passage was found)."""
        if self.roster:
            yield from self._roster(passages, trace)
            return
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

    def nothing_found(self) -> str:
        if not self.roster:
            return super().nothing_found()
        return f"none of the {self.read} newest articles names {self._kind()}"

    def _kind(self) -> str:
        """The roster's noun of the asked kind ("companies"); "people" for a "who"."""
        return asked_kind(self.spec.question)[1] or "people"

    def _roster(self, passages: list[Passage], trace: Trace) -> Iterator[str]:
        marker = {p.chunk_id: n for n, p in enumerate(passages, 1)}
        read = f"the {self.read} newest of the {self.count}" if self.count > self.read else f"the {self.read}"
        trace.record("overview", f"{len(self.named)} names from {read} articles, the most named first",
                     "the question asks which names of a kind the articles hold, naming no topic")
        yield f"The {self._kind()} named in the most of {read} articles:\n\n"
        for name, count, sentence, chunk_id in self.named:
            yield f"- {name} ({_in(count)}): {sentence} [{marker[chunk_id]}]\n"


def _sentences(passage: Passage) -> list[str]:
    return [" ".join(s.split()) for s in sentences(passage.text)]


def _tells(sentence: str, passage: Passage) -> bool:
    """A sentence that can stand as a line: long enough to be one, no instruction, not the headline repeated."""
    return len(sentence.split()) >= MIN_WORDS and not instruction_like(sentence) \
        and sentence.rstrip(".") not in passage.title


_COUNTS = "one two three four five six seven eight nine ten eleven twelve".split()


def _in(count: int) -> str:
    """ "three articles": a count in words, as news writes it, for a figure the line's passage does not hold is
    read as an invented one by the support check."""
    said = _COUNTS[count - 1] if count <= len(_COUNTS) else str(count)
    return f"{said} article{'s' if count > 1 else ''}"
