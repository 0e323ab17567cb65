"""A question parsed once (`QuestionSpec`) and carried through the chain: what it asks for, in how many
parts, about which outlets, entities and dates. Retrieval, the plan, every strategy and the checks read
this one object, so no stage re-reads the question with rules of its own.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from rag.answering.entities import asked_kind
from rag.answering.initials import written_out
from rag.answering.intent import ASKING, OPEN_INTENTS, intent, request, topic
from rag.answering.outlets import asked as outlets_asked
from rag.answering.outlets import attributed
from rag.answering.question import choices, expected_type, question_parts
from rag.answering.sides import sides
from rag.answering.window import Window, window
from rag.text import STOPWORDS, content_words


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    question: str  # as the model answers it (a follow-up's pronouns resolved)
    query: str  # as retrieval searches it (a follow-up carries the previous question; a summary, a timeline
    # or the latest without the words that ask for one)
    intent: str  # one of rag.answering.intent.INTENTS
    kind: str | None  # the fact asked for: "number", "date", "name" or None
    options: tuple[str, str] | None  # the answers a closed question allows: ("Yes", "No"), ("agree", "disagree")
    parts: tuple[str, ...]  # the question's parts when it asks several things; one part otherwise
    query_parts: tuple[str, ...]  # the same of the query (a follow-up's query holds the previous question)
    outlets: tuple[str, ...]  # outlets of the collection the question names
    reported: tuple[str, ...]  # those whose reporting it asks for as a whole ("what did the verge say …")
    window: Window | None  # the dates it asks about, resolved against the newest article
    entities: tuple[str, ...] = field(default=())  # capitalised names it mentions
    collection: bool = False  # it asks about the articles as a whole, not a topic in them (`about_collection`)
    future: bool = False  # a yes/no on what will happen ("Will TikTok be banned?"; `asks_future`)

    @property
    def open(self) -> bool:
        """An open question (a list, a summary, a timeline, …): answered at length, not with one fact."""
        return self.intent in OPEN_INTENTS

    def spelled(self, names: dict[str, str]) -> QuestionSpec:
        """The spec with each name typed by its initials written out beside them (`initials`)."""
        def out(text: str) -> str:
            return written_out(text, names)
        return dataclasses.replace(self, question=out(self.question), query=out(self.query),
                                   parts=tuple(map(out, self.parts)), query_parts=tuple(map(out, self.query_parts)),
                                   entities=entities(out(self.question)))

    def describe(self) -> dict[str, object]:
        """The spec as the trace shows it."""
        return {"intent": self.intent, "query": self.query, "kind": self.kind, "options": list(self.options or ()),
                "parts": list(self.parts), "query_parts": list(self.query_parts), "outlets": list(self.outlets),
                "reported": list(self.reported), "entities": list(self.entities), "collection": self.collection,
                "future": self.future,
                "window": None if self.window is None else {"since": self.window.since.isoformat(),
                                                            "until": self.window.until.isoformat(),
                                                            "from": self.window.phrase}}


def parse(question: str, query: str, outlets_named: Callable[[str], list[str]],
          newest: dt.date | None) -> QuestionSpec:
    """The spec of `question` (resolved) and `query` (what retrieval searches for it)."""
    kind_of = intent(question)
    query = topic(query, kind_of)
    options = choices(question) if kind_of == "yesno" else None
    asked = request(question)
    outlets = tuple(dict.fromkeys([*outlets_named(question), *(compared_outlets(question, outlets_named)
                                                               if kind_of == "compare" else []),
                                   *typed_outlets(question, outlets_named)]))
    return QuestionSpec(
        question=question, query=query, intent=kind_of,
        kind=expected_type(asked) if kind_of in ("fact", "yesno") else None,
        options=options, parts=tuple(question_parts(question)), query_parts=tuple(question_parts(query)),
        outlets=outlets, reported=tuple(outlets_asked(question, outlets)),
        window=window(question, newest), entities=entities(question),
        collection=kind_of in _OVERVIEWS and about_collection(query, naming(question) if kind_of == "list" else ())
        and not _COUNTED_SET.search(question),
        future=kind_of == "yesno" and asks_future(question))


def compared_outlets(question: str, outlets_named: Callable[[str], list[str]]) -> list[str]:
    """The outlets a comparison names as its sides, however typed: a side that is an outlet's name whole ("compare
    how the verge and techcrunch covered it") is that outlet, where "on the verge of" in a sentence is not.

    >>> from rag.answering.outlets import named
    >>> known = lambda q: named(q, ["The Verge", "TechCrunch", "Fortune"])
    >>> compared_outlets("compare how the verge and techcrunch covered the trial", known)
    ['The Verge', 'TechCrunch']
    >>> compared_outlets("how did the verge of a deal and fortune's rise compare?", known)
    []
    """
    found = []
    for side in sides(question):
        outlet = outlet_for(side.label, outlets_named(_capitals(side.label)))
        found += [outlet] if outlet else []
    return found


def typed_outlets(question: str, outlets_named: Callable[[str], list[str]]) -> list[str]:
    """The outlets a question asks what they reported, however typed ("what did the verge say about it?").

    >>> from rag.answering.outlets import named
    >>> known = lambda q: named(q, ["The Verge", "TechCrunch", "The Age"])
    >>> typed_outlets("what did the verge say about the ftx trial?", known)
    ['The Verge']
    >>> typed_outlets("according to techcrunch, who resigned at the age of 60?", known)
    ['TechCrunch']
    """
    return attributed(question, outlets_named(_capitals(question)))


def _capitals(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def outlet_for(label: str, outlets: Collection[str]) -> str | None:
    """The outlet whose whole name `label` is, however typed ("the verge" -> "The Verge")."""
    return next((o for o in outlets if _bare(o) == _bare(label)), None)


def _bare(name: str) -> str:
    return re.sub(r"^the\s+", "", name.strip().lower())


_OVERVIEWS = ("fact", "list", "summary", "latest", "timeline")  # not a yes/no, a why or a comparison


def about_collection(query: str, asking: Collection[str] = ()) -> bool:
    """Whether a question asks about the collection as a whole ("What are these articles about?", "What's the
    latest?", "Summarize the articles"): none of its words names a topic (a month or a year only sets the time).
    `asking` are more words that ask, not name a topic (a list's `naming`).

    >>> about_collection("What are these articles about?"), about_collection("what's new in september 2020?")
    (True, True)
    >>> about_collection("What's the latest on TikTok?"), about_collection("What happened at Pangong Lake?")
    (False, False)
    >>> q = "which people appear in these articles?"
    >>> about_collection(q), about_collection(q, naming(q))
    (False, True)
    >>> q = "who is mentioned the most?"
    >>> about_collection(q, naming(q))
    True
    >>> about_collection("which companies are mentioned in the apple story?", naming("which companies"))
    False
    """
    return not topic_words(query).difference(asking)


def topic_words(text: str) -> set[str]:
    """The words of `text` that name a topic: not the words that ask, a month or a figure.

    >>> sorted(topic_words("and then what happened to sam altman in november?"))
    ['altman', 'sam']
    """
    return {w for w in content_words(text) if w not in ASKING and w not in _MONTH_NAMES and not w.isdigit()}


def naming(question: str) -> frozenset[str]:
    """The words with which a list asks for names of a kind ("Who is mentioned the most?", "Which people
    appear …"): its noun of the kind, and words such as "mentioned"; none when it asks for no kind of name."""
    labels, noun = asked_kind(question)
    return _NAMING | {noun} if labels else frozenset()


def asks_future(question: str) -> bool:
    """Whether a question asks what will happen: articles tell what was expected when they were written.

    >>> asks_future("Will TikTok be banned?"), asks_future("so is the fed going to cut rates")
    (True, True)
    >>> asks_future("Did TikTok get banned?"), asks_future("Is Huawei a threat?")
    (False, False)
    """
    return bool(_FUTURE.match(question))


_FUTURE = re.compile(r"\W*(?:(?:so|and|but|ok|okay|well)\W+)?(?:will|won['’]?t|wont|shall|"
                     r"(?:is|are|am)\s+(?:[\w'’-]+\s+){1,5}?(?:going\s+to|gonna|set\s+to|likely\s+to|expected\s+to|about\s+to))"
                     r"\b", re.I)


# Words a list of names asks with ("Who is mentioned the most?", "the key people involved", "which people are
# quoted", "what countries come up in the news here").
_NAMING = frozenset("mentioned mention mentions named name names appear appears featured feature involved most often "
                    "frequently people person players figures quoted quote quotes cited interviewed discussed "
                    "talked referenced come comes came here gets got".split())


# "the 28 entities", "the two companies": a set some article tells of, to search for, not the whole collection.
_COUNTED_SET = re.compile(r"\bthe\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)\s+"
                          r"(?!(?:most|main|biggest|top|stories|articles|topics|headlines|events|news)\b)\w", re.I)
_NAME_RUN = re.compile(r"\b[A-Z][\w’'&.-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w’'&.-]*)*")


def entities(question: str) -> tuple[str, ...]:
    """Runs of capitalised words, without the capital that only opens the sentence ("Who bought TikTok?")."""
    found = []
    for match in _NAME_RUN.finditer(question):
        words = match.group(0).split()
        if match.start() == len(question) - len(question.lstrip()) and words[0].lower() in STOPWORDS | _OPENERS:
            words = words[1:]
        if words and " ".join(words).lower() not in _MONTH_NAMES:
            found.append(" ".join(words).rstrip(".’'"))
    return tuple(dict.fromkeys(found))


_MONTH_NAMES = frozenset(m.lower() for m in calendar.month_name if m)
_OPENERS = frozenset({"could", "can", "would", "please", "tell", "give", "summarize", "summarise", "list",
                      "did", "does", "is", "was", "were", "has", "have", "will", "describe", "explain"})
