"""Frozen records that flow between the stages (see DESIGN.md, "Public contract")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rag.trace import Trace


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned news article, ready to be chunked."""

    article_id: str
    title: str
    text: str
    source: str
    published: dt.date | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """A span of an article's cleaned text; `start`/`end` are offsets into `Article.text`."""

    chunk_id: str
    article_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved chunk with its article's metadata and a relevance score (higher is better)."""

    chunk_id: str
    article_id: str
    title: str
    source: str
    published: dt.date | None
    text: str
    score: float
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Citation:
    marker: int
    passage: Passage
    supported: bool | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a timeline, a list, the latest: its text (without markers), the markers it cites, and for
    a dated line the event's date as precise as the article gives it ("2020-08-06", "2020-08", "2017")."""

    text: str
    markers: tuple[int, ...]
    date: str | None = None
    label: str | None = None  # what the line opens with: a date as shown ("6 Aug 2020") or a name


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    citations: list[Citation]
    passages: list[Passage]
    refused: bool
    confidence: float
    timings: dict[str, float] = field(default_factory=dict)
    # The model's cited claims as the support check judged them, before an answer with no supported
    # citation was turned into a refusal: lets an evaluation score the check itself.
    checked: list[Citation] = field(default_factory=list)
    # What `confidence` was computed from (rag/answering/confidence.py): a calibration can be refitted from any run.
    signals: dict[str, float] = field(default_factory=dict)
    # The parsed question, the strategy, the policy, and every rule that changed the outcome, with its reason.
    trace: Trace = field(default_factory=Trace)
    # The answer's lines when it is a list of them (a timeline, a list, the latest), for programs to use.
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Filters:
    """Restricts retrieval to a publication date range and/or a set of sources."""

    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()

    def admits(self, published: dt.date | None, source: str) -> bool:
        if self.sources and source not in self.sources:
            return False
        if self.since is None and self.until is None:
            return True
        if published is None:
            return False
        return (self.since is None or published >= self.since) and (
            self.until is None or published <= self.until
        )


@dataclass(frozen=True, slots=True)
class Sources:
    """First event of `stream()`: the numbered passages the LLM will read, before it starts reading them."""

    question: str  # the standalone question used for retrieval
    passages: list[Passage]
    evidence: list[str]  # the best evidence sentence of each passage


@dataclass(frozen=True, slots=True)
class Token:
    text: str


Event = Sources | Token | Answer
