"""Pure rendering: questions, answers, sources and reports -> HTML for the chat window.

Every piece of article text, file name and model output goes through `html.escape` here before it is put in
HTML; nothing else in `ui/` builds markup from such text. The [n] markers become links to the passage cards
of the sources panel, whose ids are `src-<turn>-<n>`.

>>> streaming_html("<b>Yes</b> [1]", turn=2, passages=[])
'<div class="nr-answer nr-streaming"><p>&lt;b&gt;Yes&lt;/b&gt; [1]</p></div>'
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.answering.items import is_date_label
from rag.store.catalogue import ArticleView, Listed
from rag.text import MARKER as _MARKER
from rag.types import Answer, Citation, Passage


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def anchor(turn: int, n: int) -> str:
    """The id of passage `n`'s card in the sources panel for conversation turn `turn`."""
    return f"src-{turn}-{n}"


def paragraphs(escaped: str) -> str:
    """Blank lines start paragraphs and single newlines break lines (text is escaped already); a run of "- "
    lines is a list, a line that opens with a date ("- 6 Aug 2020: …") a dated entry of a timeline, and a
    line in double asterisks a comparison's side."""
    out = []
    for block in (b.strip() for b in re.split(r"\n\s*\n", escaped.strip())):
        for bullets, rows in itertools.groupby(block.split("\n") if block else [], key=lambda r: r.startswith("- ")):
            run = list(rows)
            if bullets:
                out.append('<ul class="nr-list">' + "".join(_entry(row[2:]) for row in run) + "</ul>")
            else:
                rows_html = "<br>".join(_SIDE.sub(_SIDE_HTML, row) for row in run)
                out.append(f"<p>{rows_html}</p>")
    return "".join(out)


_SIDE = re.compile(r"^\*\*(.+?)\*\*$")  # a comparison's side, "**Chinese state media**", above its lines
_SIDE_HTML = r'<strong class="nr-side">\1</strong>'


def _entry(row: str) -> str:
    label, sep, rest = row.partition(": ")
    if sep and is_date_label(label):
        return f'<li class="nr-dated"><span class="nr-date">{label}</span> {rest}</li>'
    return f"<li>{row}</li>"


def question_html(question: str) -> str:
    return f'<div class="nr-question">{paragraphs(esc(question))}</div>'


def _passage_label(passage: Passage) -> str:
    date = passage.published.isoformat() if passage.published else "undated"
    return f"{passage.title} ({Path(passage.source).name}, {date})"


def _link_markers(escaped: str, turn: int, passages: Sequence[Passage], citations: Sequence[Citation]) -> str:
    """Turn each `[n]` that names a passage into a badge linking to its card; unsupported ones are flagged."""
    verdicts = {c.marker: c.supported for c in citations}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(passages):
            return match.group(0)
        title = _passage_label(passages[n - 1])
        if verdicts.get(n) is False:
            return (f'<a class="nr-cite nr-unsupported" href="#{anchor(turn, n)}" '
                    f'title="{esc("Not clearly supported by: " + title)}">[{n}]&#8202;?</a>')
        return f'<a class="nr-cite" href="#{anchor(turn, n)}" title="{esc(title)}">[{n}]</a>'

    return _MARKER.sub(link, escaped)


def streaming_html(text: str, turn: int, passages: Sequence[Passage]) -> str:
    """The answer while the model is still writing it: markers already link to the retrieved passages."""
    body = _link_markers(esc(text), turn, passages, ()) if text.strip() else '<span class="nr-pending">…</span>'
    return f'<div class="nr-answer nr-streaming">{paragraphs(body) or body}</div>'


def answer_html(answer: Answer, turn: int) -> str:
    """The final answer. A refusal is shown as such, with no citations and no answer styling."""
    if answer.refused:
        # "The articles do not say. They say only: …" keeps what they do say, with its sources linked.
        said = _link_markers(esc(answer.text), turn, answer.passages, answer.citations)
        return (
            '<div class="nr-refusal"><div class="nr-refusal-label">Not found in the articles</div>'
            f"{paragraphs(said)}{why_html(answer)}</div>"
        )
    body = paragraphs(_link_markers(esc(answer.text), turn, answer.passages, answer.citations))
    unsupported = [c.marker for c in answer.citations if c.supported is False]
    note = ""
    if unsupported:
        which = ", ".join(f"[{n}]" for n in unsupported)
        note = (f'<div class="nr-warning">Citation{"s" if len(unsupported) > 1 else ""} {which} marked ? '
                "may not be supported by the cited passage: check the source.</div>")
    seconds = answer.timings.get("total")
    timing = f" · {seconds:.1f} s" if seconds is not None else ""
    why = why_html(answer) if answer.confidence < 0.5 else ""
    meta = (f'{why}<div class="nr-meta"><span title="confidence {answer.confidence:.0%}">'
            f"{confidence_words(answer.confidence)}</span>{timing} · "
            '<a class="nr-copy-md" href="#" role="button">copy as Markdown</a></div>'
            f'<pre class="nr-md">{esc(answer_markdown(answer))}</pre>')
    return f'<div class="nr-answer">{body}{note}{meta}</div>'


def why_html(answer: Answer) -> str:
    """One line under a refusal or a weak answer: the rule that decided it, from the answer's trace."""
    why = answer.trace.why()
    return f'<div class="nr-why">Why: {esc(why)}</div>' if why else ""


def answer_markdown(answer: Answer) -> str:
    """The answer with its numbered sources, for pasting into notes or a message."""
    lines = [answer.text.strip(), "", "Sources:"]
    for c in answer.citations:
        lines += [f"[{c.marker}] {_passage_label(c.passage)}",
                  *(f"> {line}" for line in c.passage.text.splitlines() if line.strip())]
    return "\n".join(lines if answer.citations else lines[:1]) + "\n"


def confidence_words(confidence: float) -> str:
    """The calibrated confidence as people read it; the number is on hover. The bands match the promise the
    eval report checks: answers shown at >= 0.8 are right that often, those under 0.5 usually are not."""
    if confidence >= 0.8:
        return "well supported"
    return "partly supported" if confidence >= 0.5 else "weak: check the sources"


def stopped_html(streaming: str) -> str:
    """A streaming answer that Stop cut short: what was written, marked as unfinished and unchecked."""
    note = ('<div class="nr-meta nr-stopped-note">Stopped: this answer was not finished and its claims were not '
            "checked.</div>")
    body = streaming.replace("nr-answer nr-streaming", "nr-answer nr-stopped", 1)
    return body[:-len("</div>")] + note + "</div>" if body.endswith("</div>") else body + note


def error_html(message: str) -> str:
    return f'<div class="nr-error"><div class="nr-error-label">Error</div>{paragraphs(esc(message))}</div>'


def highlight(text: str, evidence: str) -> str:
    """Escaped `text` with the first occurrence of `evidence` wrapped in <mark>."""
    at = text.find(evidence) if evidence.strip() else -1
    if at < 0:
        return esc(text)
    end = at + len(evidence)
    return f"{esc(text[:at])}<mark>{esc(text[at:end])}</mark>{esc(text[end:])}"


def _card(turn: int, n: int, passage: Passage, evidence: str, supported: bool | None, cited: bool) -> str:
    classes = ["nr-source"]
    if not cited:
        classes.append("nr-uncited")
    flag = ""
    if supported is False:
        classes.append("nr-source-unsupported")
        flag = '<span class="nr-flag">citation not clearly supported</span>'
    date = passage.published.isoformat() if passage.published else "undated"
    return (
        f'<div class="{" ".join(classes)}" id="{anchor(turn, n)}">'
        f'<div class="nr-source-head"><span class="nr-badge">[{n}]</span> '
        f'<span class="nr-title">{esc(passage.title)}</span>{flag}</div>'
        f'<div class="nr-source-meta"><span class="nr-file">{esc(Path(passage.source).name)}</span> · '
        f'<span class="nr-date">{esc(date)}</span></div>'
        f'<div class="nr-passage">{highlight(passage.text, evidence)}</div></div>'
    )


@dataclass(frozen=True, slots=True)
class SourcesView:
    """What the sources panel shows for one turn: the numbered passages and their evidence sentences."""

    turn: int
    passages: Sequence[Passage]
    evidence: Sequence[str]

    def _evidence(self, n: int) -> str:
        return self.evidence[n - 1] if n - 1 < len(self.evidence) else ""

    def cards(self, numbers: Iterable[int], citations: dict[int, Citation], cited: bool) -> str:
        return "".join(
            _card(self.turn, n, self.passages[n - 1], self._evidence(n),
                  citations[n].supported if n in citations else None, cited)
            for n in numbers
        )


def sources_html(view: SourcesView | None, answer: Answer | None = None, *, failed: bool = False) -> str:
    """The sources panel: retrieved passages while the answer streams; cited passages first once it is done."""
    if view is None:
        return '<div class="nr-sources nr-empty">Sources of the answer appear here.</div>'
    if not view.passages:
        return '<div class="nr-sources nr-empty">No indexed passage matches this question and the filters.</div>'
    every = range(1, len(view.passages) + 1)
    if failed:
        return _panel(f"Retrieved passages ({len(view.passages)}): no answer was written", view.cards(every, {}, False))
    if answer is None:
        head = f"Retrieved passages ({len(view.passages)}): the answer is being written…"
        return _panel(head, view.cards(every, {}, cited=True))
    if answer.refused or not answer.citations:
        head = "No passage answers the question. Closest passages found:"
        return _panel(head, view.cards(every, {}, cited=False))
    citations = {c.marker: c for c in answer.citations}
    cited = sorted(citations)
    rest = [n for n in every if n not in citations]
    body = view.cards(cited, citations, cited=True)
    if rest:
        body += (f"<details><summary>Also retrieved, not cited ({len(rest)})</summary>"
                 f"{view.cards(rest, citations, cited=False)}</details>")
    return _panel(f"Sources cited ({len(cited)})", body)


def with_earlier(current: str, earlier: Sequence[tuple[int, str]]) -> str:
    """This answer's panel, then each earlier answer's (newest first, folded): their cards keep their anchors,
    so a marker of an old answer still opens its own passage (the browser unfolds the target)."""
    if not earlier:
        return current
    folded = "".join(f'<details class="nr-earlier-turn"><summary>Answer {turn}</summary>{html}</details>'
                     for turn, html in reversed(earlier))
    return f'{current}<div class="nr-earlier"><div class="nr-sources-head">Earlier answers</div>{folded}</div>'


def _panel(head: str, body: str) -> str:
    return f'<div class="nr-sources"><div class="nr-sources-head">{esc(head)}</div>{body}</div>'


@dataclass(frozen=True, slots=True)
class UploadSummary:
    """The outcome of adding files: counts from the index report and the files turned away, with reasons."""

    files: int
    articles: int
    duplicates: int
    rejected: Sequence[tuple[str, str]]  # (file name, reason)
    seconds: float = 0.0


def upload_html(summary: UploadSummary) -> str:
    added = f"{summary.articles} article{'s' if summary.articles != 1 else ''} added"
    dups = f"{summary.duplicates} duplicate{'s' if summary.duplicates != 1 else ''} skipped"
    line = f"{added} from {summary.files} file{'s' if summary.files != 1 else ''}; {dups}"
    if summary.seconds:
        line += f" ({summary.seconds:.1f} s)"
    items = "".join(f"<li><b>{esc(name)}</b>: {esc(reason)}</li>" for name, reason in summary.rejected)
    rejected = (f'<div class="nr-rejected">{len(summary.rejected)} file(s) rejected:<ul>{items}</ul></div>'
                if items else "")
    return f'<div class="nr-upload"><div>{esc(line)}.</div>{rejected}</div>'


def utc_time(iso: str | None, missing: str = "") -> str:
    """A commit time as people read it: "2026-11-29 18:16:40 UTC" (stored as ISO in UTC)."""
    return (iso or missing).replace("T", " ").replace("+00:00", " UTC")


def article_label(article: Listed) -> str:
    """How the library names an article in its "open" list: title, date, file."""
    return f"{article.title[:90]} ({article.published or 'undated'}; {Path(article.source).name})"


def library_html(found: Sequence[Listed], search: str, limit: int) -> str:
    if not found:
        empty = f"No article matches {esc(repr(search))}" if search else "No articles yet"
        return f'<div class="nr-empty">{empty}.</div>'
    rows = "".join(
        f"<tr><td>{esc(a.title)}</td><td>{esc(a.published or '—')}</td>"
        f"<td>{esc(Path(a.source).name)}</td><td>{a.chunks}</td></tr>" for a in found)
    more = f'<div class="nr-meta">The first {limit} are shown; search to narrow them.</div>' if len(found) >= limit \
        else ""
    return (f'<div class="nr-library"><div class="nr-meta">{len(found)} article{"s" if len(found) != 1 else ""}'
            f'{" matching " + esc(repr(search)) if search else ""}</div><table><thead><tr><th>Title</th><th>Date</th>'
            f"<th>Source</th><th>Chunks</th></tr></thead><tbody>{rows}</tbody></table>{more}</div>")


def article_html(view: ArticleView) -> str:
    """An opened article: its cleaned text (what is indexed) and how much boilerplate its file lost."""
    meta = (f"{view.published or 'undated'} · {Path(view.source).name} · {view.chunks} chunks · "
            f"{view.boilerplate_lines} boilerplate line{'s' if view.boilerplate_lines != 1 else ''} removed "
            "from its file")
    url = f'<div class="nr-meta">{esc(view.url)}</div>' if view.url else ""
    return (f'<div class="nr-article"><div class="nr-title">{esc(view.title)}</div>'
            f'<div class="nr-source-meta">{esc(meta)}</div>{url}'
            f'<div class="nr-passage">{esc(view.text)}</div></div>')
