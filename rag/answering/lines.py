"""Extractive lines for open answers: the sentences of the numbered passages, each with its passage number,
its relevance to the question, the date of the event it tells (rag/answering/dates.py) and the article's
publication date. A sentence told by several articles is one line citing each of them.

A selected sentence costs no generation and cannot misquote its passage, so open answers (a summary, a
timeline, the latest, a why) are built from these lines; the order and the selection are never the model's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.answering.dates import EventDate, after_event, event_date
from rag.answering.evidence import pointed_at
from rag.answering.injection import instruction_like
from rag.answering.intent import ASKING
from rag.answering.window import MONTHS, Window
from rag.retrieve import jaccard
from rag.text import content_words, quotes_closed, sentence_spans, sentences, with_joined
from rag.types import Passage

Sims = Callable[[list[str]], list[float]]  # the question's similarity to each text
MIN_WORDS = 6  # shorter "sentences" are datelines, captions and headings
SAME = 0.6  # content-word overlap (Jaccard) at which two sentences tell the same thing
NEW_ARTICLE = 0.05  # added to a line's relevance while choosing when its article is not yet shown


@dataclass(slots=True)
class Line:
    text: str
    markers: list[int]  # the passages (1-based) that hold it
    articles: list[str]
    relevance: float
    event: EventDate | None
    published: dt.date | None
    position: tuple[int, int]  # (passage, sentence) of its first telling: reading order
    lead: str | None = None  # the sentence before it, when it opens by pointing back at it ("He also …")

    @property
    def when(self) -> dt.date | None:
        """The event's date, else the article's."""
        return self.event.day if self.event else self.published

    def told_by(self) -> str:
        return f" ({len(self.articles)} articles)" if len(self.articles) > 1 else ""

    def shown(self, lead: str | None = None, then: Sequence[tuple[str, Line]] = ()) -> str:
        """The sentence and its markers as a line of the answer. A quote that runs over several sentences is
        marked open or closed with an ellipsis where the line cuts it, so the line does not read as broken.
        With `lead` (its own, or the part of it not shown above), that comes first; each of `then` (the text
        between, and a line pointing back at this one) comes after it, with its markers.

        >>> Line("“But the US will not take it either.", [1], ["a"], 1.0, None, None, (0, 0)).shown()
        '“But the US will not take it either …”. [1]'
        >>> Line("“Is it fair?", [1], ["a"], 1.0, None, None, (0, 0)).shown()
        '“Is it fair? …” [1]'
        >>> Line("It cannot pay more,” he said.", [2], ["a"], 1.0, None, None, (0, 0)).shown()
        '“… It cannot pay more,” he said. [2]'
        """
        text = " ".join(filter(None, [lead, self.text, *(f"{between} {line.text}".strip() for between, line in then)]))
        markers = list(dict.fromkeys([*self.markers, *(m for _, line in then for m in line.markers)]))
        return f"{quotes_closed(text)} {' '.join(f'[{m}]' for m in markers)}"


def lines(passages: list[Passage], sims: Sims, year_of: Callable[[Passage], int | None],
          before: Callable[[Passage], str] = lambda _: "", leads: bool = False) -> list[Line]:
    """Every sentence of the passages worth showing, most relevant first, near-copies merged. A date without
    its year in an undated article is placed by `year_of` its passage; a day counted from an event ("within 45
    days of the order") from the last event dated to the day before it, in the passage or in `before` it (the
    article's text up to the passage). With `leads`, a sentence that opens by pointing back ("He also urged
    …") carries the sentence before it as its `lead`, shown with it (`shown_after`)."""
    found: list[Line] = []
    for n, p in enumerate(passages, 1):
        undated = None if p.published else year_of(p)
        anchor = _last_day(before(p), p.published, undated)  # what "45 days of the order" counts from
        read: list[str] = []  # the passage's sentences so far
        for i, (a, b) in enumerate(sentence_spans(p.text)):
            text = " ".join(p.text[a:b].split())
            event = event_date(text, p.published, undated) or after_event(text, anchor)
            anchor = event if event and event.precision == "day" else anchor
            lead = (" ".join(read[len(read) - pointed_at(text, read):]) or None) if leads else None
            read.append(text)
            if len(text.split()) < MIN_WORDS or instruction_like(text) or text.endswith(":") or heading(text):
                continue
            found.append(Line(text, [n], [p.article_id], 0.0, event, p.published, (n, i), lead))
    for line, sim in zip(found, sims([line.text for line in found]), strict=True):
        line.relevance = sim
    return merge(sorted(found, key=lambda line: -line.relevance))


def heading(text: str) -> bool:
    """A headline or a subheading inside an article's text: words in capitals, no full stop. It tells no event
    of its own, and its line repeats the story's title ("China accuses US of Abusing National Security Concept").

    >>> heading("China accuses US of Abusing National Security Concept"), heading("Trump Signed The Order.")
    (True, False)
    """
    if text.rstrip().endswith((".", "?", "!", "”", '"', "’", "'")):
        return False
    big = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if w.lower() not in _SMALL]
    return len(big) >= 4 and sum(w[0].isupper() for w in big) >= 0.8 * len(big)


_SMALL = frozenset("a an and as at by for from in is are of on or the to vs with".split())


def shown_after(chosen: list[Line], alone: bool = False, told: list[str] | None = None) -> list[tuple[Line, str]]:
    """The lines as shown in this order, each sentence once. A line that points back shows its lead first, but
    not the part of it shown above (then "He" follows the sentence naming him); a line already shown as the lead
    of one above is not shown again. A line of no date of its own whose lead holds another chosen line is shown
    after that line, in its place ("At its conference last week, Altman … But it was ChatGPT's explosion …"),
    unless `alone` (a list's names each keep a line, repeated or not). `told` gathers the sentences shown, so a
    comparison's blocks do not repeat each other's."""
    told = [] if told is None else told
    after: dict[int, list[Line]] = {}  # a line's index -> the lines shown after it
    moved: set[int] = set()
    for j, line in enumerate(chosen):
        if alone or not line.lead or line.event is not None:
            continue
        i = next((i for i, other in enumerate(chosen) if i != j and i not in moved and other.text in line.lead), None)
        if i is not None and j not in after:
            after.setdefault(i, []).append(line)
            moved.add(j)
    out: list[tuple[Line, str]] = []
    for i, line in enumerate(chosen):
        if i in moved:
            continue
        attached = [t for t in after.get(i, []) if t.text not in told]
        if not alone and line.text in told:  # what was to follow it is shown on its own
            for t in sorted(attached, key=lambda t: t.position):
                out.append((t, t.shown(_untold(t.lead, told))))
                told += [*sentences(t.lead or ""), t.text]
            continue
        lead = _untold(line.lead, told)
        then = _following(line, attached, [*told, *sentences(lead or "")])
        out.append((line, line.shown(lead, then)))
        told += [*sentences(lead or ""), line.text, *(s for between, t in then for s in [*sentences(between), t.text])]
    return out


def _untold(lead: str | None, told: list[str]) -> str | None:
    """The part of a lead after its last sentence shown already (the sentences before that one lead to it)."""
    if not lead:
        return None
    said = sentences(lead)
    last = max((k for k, sentence in enumerate(said) if sentence in told), default=-1)
    return " ".join(said[last + 1:]) or None


def _following(first: Line, attached: list[Line], told: list[str]) -> list[tuple[str, Line]]:
    """The lines shown after `first`, in the article's order, each with the part of its lead not yet shown
    (`told`: the sentences shown above and before it)."""
    told = [*told, first.text]
    out = []
    for line in sorted(attached, key=lambda line: line.position):
        out.append((_untold(line.lead, told) or "", line))
        told.append(line.text)
    return out


def _last_day(text: str, published: dt.date | None, undated: int | None) -> EventDate | None:
    """The last event `text` dates to the day."""
    for a, b in reversed(sentence_spans(text)):
        event = event_date(text[a:b], published, undated)
        if event and event.precision == "day":
            return event
    return None


def merge(ranked: list[Line]) -> list[Line]:
    """Near-copies folded into the more relevant telling, which then cites every passage that told it."""
    kept: list[tuple[Line, set[str]]] = []
    for line in ranked:
        words = set(content_words(line.text))
        same = next((k for k, seen in kept if jaccard(words, seen) >= SAME), None)
        if same is None:
            kept.append((line, words))
            continue
        for marker, article in zip(line.markers, line.articles, strict=True):
            if marker not in same.markers:
                same.markers.append(marker)
            if article not in same.articles:
                same.articles.append(article)
        same.event = same.event or line.event
    return [line for line, _ in kept]


def relevant(ranked: list[Line], question: str, share: float, floor: float, gate: float = 0.0,
             reference: int = 1) -> list[Line]:
    """The lines of the articles on the question's topic (those with a line sharing a word of it beyond how it
    asks: a report names "Pangong Lake" once, then tells of "the disputed shoreline") scoring at least `share` x
    the best topic-naming line's relevance and above `floor`, from the articles whose best line scores at least
    `gate` x the best line of the `reference`-th best article (an article that only touches the topic lends no
    line; measured against the second, one line holding every word of the question does not shut out the rest
    of the story)."""
    topic = _topic(question)
    naming = [line for line in ranked if not topic or topic & _named(line.text)]
    if not naming:
        return []
    told = {a for line in naming for a in line.articles}
    on_topic = [line for line in ranked if told & set(line.articles)]
    best: dict[str, float] = {}
    for line in ranked:
        for article in line.articles:
            best[article] = max(best.get(article, line.relevance), line.relevance)
    bar = max(floor, share * naming[0].relevance)
    tops = sorted({best[a] for a in told}, reverse=True)
    top = tops[min(reference, len(tops)) - 1]
    return [line for line in on_topic if line.relevance >= bar and any(best[a] >= gate * top for a in line.articles)]


def _topic(question: str) -> set[str]:
    """The question's words about its topic: not how it asks, and not when (a year or a month is the time
    window's, and any line of that time would share it); a joined pair ("us-china") also as its parts. "What
    happened next?" names none: a line need not say "next" (then it kept "next November" and "next year").

        >>> sorted(_topic("us-china timeline in 2020")), _topic("What happened next?")
        (['china', 'us', 'us-china'], set())
    """
    found: set[str] = set()
    for word in content_words(question):
        word = word.lower()
        if word in ASKING or word in MONTHS or word.isdigit():
            continue
        found |= {_stem(w) for w in [word, *word.split("-")] if len(w) > 1}
    return found


def _named(text: str) -> set[str]:
    """The stems of a line's words, and of each two words written as one: a question's "websummit" names the
    line's "Web Summit", its "healthcare" a line's "health care".

    >>> sorted(_named("Cosgrave quit Web Summit."))
    ['cosgrave', 'cosgravequit', 'quit', 'quitweb', 'summit', 'web', 'websummit']
    """
    return {_stem(w) for w in with_joined(content_words(text))}


def _stem(word: str) -> str:
    """A crude stem, so "deadlines" meets "deadline", "banning" meets "ban" and "sanctioned" "sanctions"."""
    word = word.lower()
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]  # "bann" -> "ban"
    return word


def spread(ranked: list[Line], most: int, bonus: Callable[[Line], float] = lambda _: 0.0) -> list[Line]:
    """Up to `most` lines, greedily by relevance plus `bonus`, plus a little for an article not yet shown (a
    summary spans the articles that tell the story, but a strong second line of one article beats a weak
    first line of another)."""
    chosen: list[Line] = []
    pool = list(ranked)
    while pool and len(chosen) < most:
        seen = {a for c in chosen for a in c.articles}
        best = max(pool, key=lambda line: line.relevance + bonus(line)
                   + (NEW_ARTICLE if not seen & set(line.articles) else 0.0))
        chosen.append(best)
        pool.remove(best)
    return chosen


def in_window(ranked: list[Line], window: Window) -> list[Line]:
    """The lines of the time the question names: those telling an event in it, or undated ones of an article
    published in it (a 2017 recollection is background); with fewer than two, also those of unknown time,
    never one known to be of another time (a 2023 report); all lines when none is left."""
    placed = [(line, _in(line, window)) for line in ranked]
    inside = [line for line, told in placed if told]
    return inside if len(inside) >= 2 else [line for line, told in placed if told is not False] or ranked


def _in(line: Line, window: Window) -> bool | None:
    """Whether the line tells of the window's time: by its event's date, else its article's; None when the
    line has neither."""
    if line.event:
        return within(line.event, window)
    return window.since <= line.published <= window.until if line.published else None


def within(event: EventDate, window: Window | None) -> bool:
    """Whether the event's day, month or year meets the question's window (None: no window)."""
    if window is None:
        return True
    since, until = window.since, window.until
    month_end = event.day.replace(day=calendar.monthrange(event.day.year, event.day.month)[1])
    end = {"day": event.day, "month": month_end, "year": dt.date(event.day.year, 12, 31)}[event.precision]
    return event.day <= until and end >= since
