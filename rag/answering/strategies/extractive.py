"""Open answers built from the passages' own sentences (rag/answering/lines.py): a summary, a timeline, the
latest, a why. The selection and the order are ours, every line is cited, and no line costs generation, so
the first line shows as soon as the passages are chosen. A list (of names of a kind, or of things) and a
comparison of two sides are built here too under their own rules; when no name of the kind or no line per side
is found, the model writes them (strategies/open.py).

- summary: up to six relevant sentences spread over the articles, in time order, then "As of" the newest
  cited article's date;
- timeline: dated events in date order, one line each, inside the window the question names; the lines whose
  sentence gives a date first, then the best others, each saying it falls back to its article's date;
- latest: the newest articles' relevant sentences, newest first, with their dates;
- why: the most relevant sentences (a bonus for one stating a cause lost nugget recall on news dev);
- list: each name of the asked kind with the line naming it, or for a list of things the most relevant lines;
- compare: a block of lines per side or outlet.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel

from rag.answering.dates import EventDate, day_label, written_year
from rag.answering.entities import asked_labels, pick
from rag.answering.evidence import tokens
from rag.answering.items import GUESSED, UNDATED, YEARLESS
from rag.answering.lines import Line, Sims, in_window, lines, relevant, shown_after, spread, within
from rag.answering.nlp import available
from rag.answering.outlets import outlet_of
from rag.answering.policy import Policy
from rag.answering.premise import unpremised
from rag.answering.prompt import REFUSAL
from rag.answering.sides import by_outlet, names_whole, side_of, sides
from rag.answering.spec import QuestionSpec, outlet_for
from rag.answering.strategies.open import OpenStrategy
from rag.retrieve import jaccard, lexical_overlap
from rag.store.article import ArticleText
from rag.text import content_words, refers_back, sentence_spans, sentences
from rag.trace import Trace
from rag.tuning import EXTRACTIVE as T
from rag.types import Passage

INTENTS = ("summary", "timeline", "latest", "why")


def lists_names(spec: QuestionSpec, policy: Policy) -> bool:
    """A list of names of a kind ("which companies …"), answered from the passages under the `names` rule."""
    return spec.intent == "list" and policy.on("names") and bool(asked_labels(spec.question)) and available()


def lists_lines(spec: QuestionSpec, policy: Policy) -> bool:
    """A list of things, not of names of a kind ("what measures …"), answered with the passages' lines under the
    `item_lines` rule."""
    return spec.intent == "list" and policy.on("item_lines") and not lists_names(spec, policy)


def compares_sides(spec: QuestionSpec, policy: Policy) -> bool:
    """A comparison of two named sides or of the outlets, answered from the passages under the `sides` rule."""
    return spec.intent == "compare" and policy.on("sides") and bool(sides(spec.question) or by_outlet(spec.question))


class ExtractiveStrategy(OpenStrategy):
    def __init__(self, spec: QuestionSpec, policy: Policy) -> None:
        super().__init__(spec, policy)
        self.sims: Sims = lambda texts: [0.0] * len(texts)
        self.articles: Callable[[str], ArticleText | None] = lambda _: None
        self.newest: dt.date | None = None
        self.weights: dict[str, float] = {}
        self.outlets: list[str | None] = []  # the outlet of each passage
        self.years_guessed = False  # an undated article's year comes from the years it writes (`_year_of`)
        self.cited: list[int] = []  # the passages (1-based) a why answer's lines come from

    def reads(self, sims: Sims, articles: Callable[[str], ArticleText | None], newest: dt.date | None,
              weights: dict[str, float]) -> None:
        """What the chain gives it: the question's similarity to each text, an article's text by its id, the
        collection's newest article, and the IDF weight of each question word."""
        self.sims, self.articles, self.newest, self.weights = sims, articles, newest, weights

    def _relevance(self, texts: list[str]) -> list[float]:
        """Similarity to the question plus a share of the question's rare words the sentence holds."""
        return [sim + T["lexical"] * lexical_overlap(self.weights, text)
                for sim, text in zip(self.sims(texts), texts, strict=True)]

    def _year_of(self, passage: Passage, dated: list[Passage], story: int) -> int | None:
        """The year an undated article likely tells of: the question's window's, else that of the dated passage
        beside it sharing the most words with it (the same story; a passage of another year can sit beside
        it), else the year the article writes most, else `story`, the one the passages write most (an article
        that writes no year still orders its "March 2" among the story's dates; shown without a year)."""
        if self.spec.window:
            return self.spec.window.until.year
        own = set(content_words(passage.text.lower()))
        if dated:
            closest = max(dated, key=lambda p: (jaccard(own, set(content_words(p.text.lower()))),
                                                p.published or dt.date.min))
            return (closest.published or dt.date.min).year
        article = self.articles(passage.article_id)
        return written_year(article.text if article else passage.text, self.newest) or story

    def _before(self, passage: Passage) -> str:
        """The passage's article up to the passage (the passage is a run of the article's sentences)."""
        article = self.articles(passage.article_id)
        return article.text[: passage.start] if article else ""

    @property
    def kind(self) -> str | None:
        return "date" if self.spec.intent in ("timeline", "latest") else None

    def budget(self, trace: Trace) -> int:
        return int(T["evidence_tokens"])  # read, not prompted: more evidence costs no generation

    def passages(self, k: int) -> int:
        return max(k, int(T["passages"]))

    def reading(self) -> tuple[int, float]:
        return int(T["articles"]), T["min_gain"]

    def generate(self, llm: Callable[[], BaseChatModel], passages: list[Passage], previous: str | None,
                 trace: Trace) -> Iterator[str]:
        dated = [p for p in passages if p.published]
        self.years_guessed = not self.spec.window and not dated
        story = written_year(" ".join(p.text for p in passages), self.newest) or (
            self.newest or dt.date.today()).year  # only orders days shown without their year
        if any(refers_back(p.text[a:b]) for p in passages for a, b in sentence_spans(p.text)[1:]):
            trace.fire("antecedent")  # a line joined to the sentence before it (its passage may have been widened)
        ranked = lines(passages, self._relevance, lambda p: self._year_of(p, dated, story), self._before,
                       leads=self.policy.on("antecedent"))
        if self.spec.window and self.policy.on("window"):
            inside = in_window(ranked, self.spec.window)
            if len(inside) < len(ranked):
                trace.record("window", f"kept {len(inside)} of {len(ranked)} lines",
                             f"the question asks about {self.spec.window.phrase}")
            ranked = inside
        # Lower for a timeline (each article's events) and the latest (a newer article over a closer one).
        gate = T["story_gate"] if self.spec.intent in ("timeline", "latest") else T["gate"]
        if self.spec.intent == "compare" and self.spec.outlets:
            gate = 0.0  # each outlet compared tells its side, though another outlet's article is closer
        second = self.spec.intent in ("summary", "why")  # spans the story's articles, not the one closest line's
        ranked = relevant(ranked, self.spec.question, T["share"], T["floor"], gate, 2 if second else 1)
        self.outlets = [outlet_of(p.title) for p in passages]
        shown = getattr(self, f"_{self.spec.intent}")(ranked)
        if shown and unpremised(self.spec, passages, self.cited, self.policy, trace):
            yield REFUSAL  # the lines shown would be the reasons for what no passage tells
            return
        rule = {"list": "names" if lists_names(self.spec, self.policy) else "item_lines",
                "compare": "sides"}.get(self.spec.intent, "extractive")
        if not shown and rule != "extractive":  # no name of the kind, no line per side: the model writes it,
            trace.fire(rule)  # from the passages an open answer's budget holds (these were read, not prompted)
            yield from super().generate(llm, _prefix(passages, self.policy.open_evidence_tokens), previous, trace)
            return
        if not shown:
            trace.record(rule, "refused", "no sentence of the passages is close enough to the question")
            yield REFUSAL
            return
        joined = sum(any(map(refers_back, sentences(line)[1:])) for line in shown)
        if joined and self.policy.on("antecedent"):
            trace.record("antecedent", f"{joined} line(s) shown with the sentence before them",
                         "the line opens with 'he', 'they' or 'its' for what the sentence before it names")
        how = {"names": "names of the kind asked, each with the line that names it",
               "item_lines": "the most relevant lines, one item each",
               "sides": "the most relevant lines of each side"}.get(rule, "selected and ordered by relevance and date")
        count = sum(block.count("\n- ") for block in shown) if rule == "sides" else len(shown)  # a block per side
        trace.record(rule, f"{count} lines from the passages",
                     f"{self.spec.intent}: {how}, not written by the model")
        yield from shown

    def _summary(self, ranked: list[Line]) -> list[str]:
        chosen = sorted(spread(ranked, int(T["summary_lines"])), key=_reading)
        if not chosen:
            return []
        newest = max((c.published for c in chosen if c.published), default=None)
        out = [f"{shown}\n" for _, shown in shown_after(chosen)]
        return [*out, f"\nAs of {day_label(newest)}, the newest article cited.\n"] if newest else out

    def _timeline(self, ranked: list[Line]) -> list[str]:
        window = self.spec.window
        dated = [line for line in ranked if line.event and within(line.event, window)]
        shown = int(T["timeline_lines"])
        chosen = spread(dated, shown)
        if len(chosen) < shown:  # then the best lines no sentence dates, at their article's date
            chosen += spread([line for line in ranked if line.event is None], shown - len(chosen))
        return [f"- {self._when(c)}{c.told_by()}: {line}\n" for c, line in shown_after(sorted(chosen, key=_reading))]

    def _when(self, line: Line) -> str:
        """The line's date as shown. A date an undated article gives without its year ("back in May") takes the
        year of the question's window; else that of the dated passage most like it, which is often right but
        is a guess ("2 Mar 2020" for a 2023 order), so it says so; else the year the article writes most,
        too poor a guess to show ("May 2017" for a 2020 clash)."""
        event = line.event
        if event and not line.published and not _YEAR.search(event.phrase) and not self.spec.window:
            return _yearless(event) if self.years_guessed else f"{event.label} {GUESSED}"
        if event:
            return event.label
        return f"{day_label(line.published)} (the article's date)" if line.published else UNDATED

    def _latest(self, ranked: list[Line]) -> list[str]:
        """The relevant lines of the newest articles: a line's relevance gains up to `latest_recency` the newer
        its article is among the passages' (an undated article gains nothing)."""
        days = [line.published.toordinal() for line in ranked if line.published]
        oldest, newest = (min(days), max(days)) if days else (0, 0)

        def recency(line: Line) -> float:
            if line.published is None or newest == oldest:
                return T["latest_recency"] if line.published else 0.0
            return T["latest_recency"] * (line.published.toordinal() - oldest) / (newest - oldest)

        newest_first = sorted(spread(ranked, int(T["latest_lines"]), recency),
                              key=lambda c: (c.published or dt.date.min, -c.relevance), reverse=True)
        shown = shown_after(newest_first)
        if not newest_first or newest_first[0].published is None:
            return [f"- {line}\n" for _, line in shown]
        head = f"The newest of these articles is from {day_label(newest_first[0].published)}.\n\n"
        return [head] + [f"- {day_label(c.published) if c.published else UNDATED}: {line}\n"
                         for c, line in shown]

    def _list(self, ranked: list[Line]) -> list[str]:
        """The names of the asked kind the relevant lines hold, each with the most relevant line naming it; for a
        list of things, not names, the most relevant lines, one item each."""
        if not lists_names(self.spec, self.policy):
            return [f"- {line}\n" for _, line in shown_after(ranked[: int(T["list_lines"])])]
        pool = ranked[: int(T["list_pool"])]
        picked = pick(self.spec.question, [line.text for line in pool], int(T["list_items"]))
        named: dict[int, list[str]] = {}  # the names one line holds share it: "- Apple, Samsung: …"
        for name, i in picked:
            named.setdefault(i, []).append(name)
        shown = shown_after([pool[i] for i in named], alone=True)  # each name keeps the line that names it
        return [f"- {', '.join(names)}: {line}\n" for names, (_, line) in zip(named.values(), shown, strict=True)]

    def _compare(self, ranked: list[Line]) -> list[str]:
        """A block per side (or per outlet), each its most relevant lines; [] unless two sides have lines."""
        found = sides(self.spec.question)
        if found:
            groups = [(s.label, [line for line in ranked if side_of(line, found, self.outlets) == i])
                      for i, s in enumerate(found)]
            # A side of several words that some lines name whole ("state media") is told by those lines only.
            whole = [[line for line in ranked if names_whole(line, side)] for side in found]
            taken = {id(line) for lines_of in whole for line in lines_of}
            groups = [(label, own or [line for line in mine if id(line) not in taken])
                      for (label, mine), own in zip(groups, whole, strict=True)]
        else:  # "the different outlets": the outlets of the most relevant lines
            by: dict[str, list[Line]] = {}
            for line in ranked:
                outlet = self.outlets[line.markers[0] - 1]
                if outlet:
                    by.setdefault(outlet, []).append(line)
            groups = list(by.items())[: int(T["compare_sides"])]
        blocks = [(label, spread(mine, int(T["compare_lines"]))) for label, mine in groups if mine]
        told: list[str] = []  # a line of both sides is shown in its first block only
        written = [(label, chosen, [text for _, text in shown_after(sorted(chosen, key=_reading), told=told)])
                   for label, chosen in blocks]
        written = [block for block in written if block[2]]
        if len(written) < 2:
            return []
        return [("\n" if i else "") + f"**{outlet_for(label, self.spec.outlets) or _as_written(label, chosen)}**\n"
                + "".join(f"- {text}\n" for text in texts) for i, (label, chosen, texts) in enumerate(written)]

    def _why(self, ranked: list[Line]) -> list[str]:
        chosen = spread(ranked, int(T["why_lines"]))
        self.cited = sorted({m for line in chosen for m in line.markers})
        return [f"{line}\n" for _, line in shown_after(chosen)]


def _as_written(label: str, chosen: list[Line]) -> str:
    """A side's name as its lines write it ("liu xiaoming" -> "Liu Xiaoming"), else capitalised."""
    words = r"\s+".join(re.escape(w) for w in label.split())
    found = re.search(rf"(?<!\w){words}(?!\w)", " ".join(c.text for c in chosen), re.I)
    return found.group(0) if found else label[:1].upper() + label[1:]


def _prefix(passages: list[Passage], budget: int) -> list[Passage]:
    """The first passages whose text and title fit `budget` prompt tokens (at least one): a prefix, so a marker
    still points at the passage of that number."""
    spent = 0
    kept: list[Passage] = []
    for p in passages:
        spent += tokens(p.text) + tokens(p.title) + 4
        if kept and spent > budget:
            break
        kept.append(p)
    return kept


def _reading(line: Line) -> tuple[dt.date, tuple[int, int]]:
    """Time order: the event's date (else the article's), then the order the passages tell it."""
    return line.when or dt.date.max, line.position


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _yearless(event: EventDate) -> str:
    """A date without its year, as shown: "6 Aug (year not given)", "May (year not given)", "Three years ago"."""
    if event.precision == "day":
        return f"{event.day:%-d %b} {YEARLESS}"
    if event.precision == "month":
        return f"{calendar.month_abbr[event.day.month]} {YEARLESS}"
    return event.phrase[:1].upper() + event.phrase[1:]  # "three years ago"

