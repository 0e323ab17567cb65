"""The Gradio chat window over the index: `serve` prepares the index and launches `build_app`.

Answers come from `rag.stream` only; this module turns its events into chat messages and panels (via
`ui.render`), and turns uploads into `index_paths` runs. Nothing is built at import time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

import rag
from rag.config import Settings
from rag.corpus import EmptyIndexError
from rag.manifest import DamagedIndexError
from rag.types import Filters
from ui import render

log = logging.getLogger("newsrag.ui")

ACCEPTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MAX_UPLOAD_BYTES = 5_000_000
EXAMPLES = (
    "What did CNBC reporter Arjun Kharpal report from China?",
    "What did Dominic Raab say about China on Sky News?",
    "How much helium does China use every year?",
)

History = list[tuple[str, str]]
Message = dict[str, Any]

_index_lock = threading.Lock()  # one upload indexes at a time (index_paths also holds a file lock)


class FilterError(ValueError):
    """A filter the user typed that cannot be applied; the message says how to fix it."""


def _day(label: str, value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"The {label} date must look like 2020-09-15 (YYYY-MM-DD), not {value!r}.") from None


def parse_filters(since: str | None, until: str | None, sources: Sequence[str] | None) -> Filters:
    """The filter fields of the window as `rag.Filters`; empty fields filter nothing."""
    start, end = _day("'since'", since), _day("'until'", until)
    if start and end and start > end:
        raise FilterError(f"'since' ({start}) is after 'until' ({end}): no article can match.")
    return Filters(start, end, tuple(sources or ()))


def describe_error(exc: BaseException) -> str:
    """A one-paragraph message for the chat; the traceback goes to the server log only."""
    from rag.llm import LLMError
    from rag.models import ModelUnavailableError

    name = type(exc).__name__
    detail = str(exc).strip()[:300]
    if isinstance(exc, FilterError):
        return str(exc)
    if isinstance(exc, DamagedIndexError):
        return str(exc)
    if isinstance(exc, EmptyIndexError):
        return ("Nothing is indexed yet. Add articles under 'Add articles' (or run `newsrag index PATH`), "
                "then ask again.")
    if isinstance(exc, ModelUnavailableError):
        return f"The language model is not available: {detail}"
    if isinstance(exc, LLMError):
        return f"No answer: {detail[:1].upper()}{detail[1:]}. Check that the model backend is running, then ask again."
    if isinstance(exc, ConnectionError | TimeoutError) or "Connect" in name or "Timeout" in name:
        return (f"The language model backend is not reachable ({name}: {detail}). "
                "Check that it is running, then ask again.")
    return f"Something went wrong while answering ({name}: {detail}). The details are in the server log."


def _message(role: str, content: str) -> Message:
    return {"role": role, "content": content}


def respond(
    question: str, chat: list[Message], history: History, since: str, until: str, sources: list[str], k: float
) -> Iterator[tuple[Any, list[Message], History, Any]]:
    """Stream one answer: outputs are (question box, chat, history state, sources panel)."""
    question = (question or "").strip()
    if not question:
        yield gr.skip(), chat, history, gr.skip()
        return
    turn = 1 + sum(1 for m in chat if m.get("role") == "user")
    chat = [*chat, _message("user", render.question_html(question)),
            _message("assistant", render.streaming_html("", turn, []))]
    yield "", chat, history, render.sources_html(None)
    view: render.SourcesView | None = None
    text = ""
    try:
        filters = parse_filters(since, until, sources)
        for event in rag.stream(question, history=history, filters=filters, k=int(k)):
            if isinstance(event, rag.Sources):
                view = render.SourcesView(turn, event.passages, event.evidence)
                yield "", chat, history, render.sources_html(view)
            elif isinstance(event, rag.Token):
                text += event.text
                partial = render.streaming_html(text, turn, view.passages if view else [])
                chat = [*chat[:-1], _message("assistant", partial)]
                yield "", chat, history, gr.skip()
            else:
                chat = [*chat[:-1], _message("assistant", render.answer_html(event, turn))]
                history = [*history, (question, event.text)]
                yield "", chat, history, render.sources_html(view, event)
    except Exception as exc:
        log.exception("answering %r failed", question)
        chat = [*chat[:-1], _message("assistant", render.error_html(describe_error(exc)))]
        yield "", chat, history, render.sources_html(view, failed=True) if view else gr.skip()


def _safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dot (hidden files are not indexed), no odd characters."""
    clean = Path(re.sub(r"[^\w.\- ]", "_", Path(name).name).lstrip(". ") or "upload")
    return clean.stem[:100] + clean.suffix[:10]


def _target(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Where to store an upload, and whether an identical file is already there."""
    path = Path(folder) / name
    digest = hashlib.sha256(data).digest()
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate, False
        if hashlib.sha256(candidate.read_bytes()).digest() == digest:
            return candidate, True
    raise OSError(f"too many uploads named {name}")


def stage_uploads(
    paths: Sequence[str], folder: Path, max_bytes: int = MAX_UPLOAD_BYTES
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Copy acceptable uploads into `folder`; return the new files and the (name, reason) of the others."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[Path] = []
    rejected: list[tuple[str, str]] = []
    for raw in paths:
        source = Path(raw)
        name = _safe_name(source.name)
        size = source.stat().st_size
        if source.suffix.lower() not in ACCEPTED_SUFFIXES:
            rejected.append((source.name, f"unsupported file type (accepted: {' '.join(ACCEPTED_SUFFIXES)})"))
        elif size > max_bytes:
            rejected.append((source.name, f"{size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit"))
        else:
            data = source.read_bytes()
            target, same = _target(folder, name, data)
            if same:
                rejected.append((source.name, "identical to a file already added"))
            else:
                target.write_bytes(data)
                staged.append(target)
    return staged, rejected


def add_articles(files: list[str] | None, progress: Callable[..., Any]) -> tuple[Any, str, Any, str]:
    """Index uploaded files: outputs are (file input, summary, sources dropdown, index info)."""
    from index.pipeline import index_paths

    if not files:
        return gr.skip(), render.upload_html(render.UploadSummary(0, 0, 0, [("(none)", "choose files first")])), \
            gr.skip(), gr.skip()
    with _index_lock:
        try:
            parts = rag.api.current_parts()
            progress(0, desc="Reading files")
            staged, rejected = stage_uploads(files, parts.settings.home / "uploads")
            articles = duplicates = 0
            seconds = 0.0
            if staged:
                progress(0.1, desc="Indexing")
                report = index_paths(staged, parts, progress=True)
                articles, duplicates, seconds = report.articles, report.duplicates, report.seconds
                rejected += [(Path(e.path).name, e.error) for e in report.errors]
                _remove_unindexable(staged, {e.path for e in report.errors})
            summary = render.upload_html(render.UploadSummary(len(files), articles, duplicates, rejected, seconds))
        except Exception as exc:
            log.exception("indexing uploads failed")
            summary = render.error_html(f"Indexing failed ({type(exc).__name__}: {str(exc)[:300]}).")
    choices, info = _index_state()
    return None, summary, gr.Dropdown(choices=choices), info


def _remove_unindexable(staged: list[Path], failed: set[str]) -> None:
    """Files the loader turned away stay out of the uploads folder."""
    for path in staged:
        if str(path) in failed or str(path.resolve()) in failed:
            path.unlink(missing_ok=True)


def source_choices(sources: Sequence[str]) -> list[tuple[str, str]]:
    """(label, source path) pairs: the file name, with its folder when two files share a name."""
    names = Counter(Path(s).name for s in set(sources))
    return [
        (Path(s).name if names[Path(s).name] == 1 else f"{Path(s).parent.name}/{Path(s).name}", s)
        for s in sorted(set(sources), key=lambda s: (Path(s).name, s))
    ]


def _index_state() -> tuple[list[tuple[str, str]], str]:
    """Sources for the filter and a line about the index, from the committed manifest."""
    try:
        corpus = rag.api.current_corpus()
    except EmptyIndexError:
        return [], render.paragraphs(render.esc("The index is empty."))
    except Exception as exc:
        log.exception("reading the index failed")
        return [], render.error_html(f"Cannot read the index ({type(exc).__name__}: {str(exc)[:200]}).")
    articles = corpus.manifest.articles
    sources = [rec.source for rec in articles.values()]
    home = rag.api.current_parts().settings.home
    info = f"{len(articles)} articles from {len(set(sources))} files, indexed in {home}"
    return source_choices(sources), render.paragraphs(render.esc(info))


def _model_name() -> str:
    from rag.llm import model_label

    try:
        return model_label(rag.api.current_llm())
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}: {str(exc)[:200]}"


def refresh() -> tuple[Any, str, str]:
    """On page load: the sources dropdown, the index line and the model name."""
    choices, info = _index_state()
    return gr.Dropdown(choices=choices), info, _model_name()


def clear() -> tuple[list[Message], History, str, str]:
    return [], [], render.sources_html(None), ""


def _constant(text: str) -> Callable[[], str]:
    return lambda: text


def build_app(settings: Settings) -> gr.Blocks:
    """The window: chat and sources side by side; filters, uploads and settings below."""
    app = gr.Blocks(title="newsrag", analytics_enabled=False)
    with app:
        history = gr.State([])
        gr.HTML('<div class="nr-header"><b>newsrag</b>: ask questions about the indexed news articles; '
                "every claim cites its passage.</div>")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    label="Chat", show_label=False, elem_id="nr-chat", height=520, buttons=["copy"],
                    # Messages arrive as escaped HTML from ui.render; Gradio's sanitizer stays on as a second guard.
                    render_markdown=False, sanitize_html=True, allow_tags=False, latex_delimiters=[],
                    feedback_options=None,
                    placeholder="Ask a question about the articles, or pick an example below.",
                )
                with gr.Row():
                    question = gr.Textbox(show_label=False, placeholder="Ask about the news…", scale=8,
                                          elem_id="nr-question", autofocus=True, max_lines=4)
                    ask = gr.Button("Ask", variant="primary", scale=1, elem_id="nr-ask")
                    reset = gr.Button("Clear", scale=1, elem_id="nr-clear")
                with gr.Row(elem_id="nr-examples"):
                    examples = [gr.Button(q, size="sm", elem_classes=["nr-example"]) for q in EXAMPLES]
            with gr.Column(scale=2):
                sources = gr.HTML(render.sources_html(None), elem_id="nr-sources-panel", label="Sources")
        with gr.Row(equal_height=False):
            with gr.Accordion("Filters", open=False, elem_id="nr-filters"):
                since = gr.Textbox(label="Published since (YYYY-MM-DD)", elem_id="nr-since",
                                   info="With a date set, undated articles are left out.")
                until = gr.Textbox(label="Published until (YYYY-MM-DD)", elem_id="nr-until")
                chosen = gr.Dropdown(label="Only these sources", choices=[], multiselect=True, elem_id="nr-sources")
            with gr.Accordion("Add articles", open=False, elem_id="nr-add"):
                files = gr.File(label=f"Files ({' '.join(ACCEPTED_SUFFIXES)}; up to {MAX_UPLOAD_BYTES // 10**6} MB "
                                "each)", file_count="multiple", elem_id="nr-upload-files")
                upload = gr.Button("Add to index", elem_id="nr-upload")
                summary = gr.HTML("", elem_id="nr-upload-summary")
            with gr.Accordion("Settings", open=False, elem_id="nr-settings"):
                k = gr.Slider(1, 12, value=settings.k, step=1, label="Passages per answer (k)", elem_id="nr-k")
                model = gr.Textbox(label="Model", interactive=False, elem_id="nr-model")
                info = gr.HTML("", elem_id="nr-index-info")

        answer_io: dict[str, Any] = {
            "fn": respond, "inputs": [question, chat, history, since, until, chosen, k],
            "outputs": [question, chat, history, sources], "concurrency_limit": 1, "concurrency_id": "llm",
        }
        question.submit(**answer_io)
        ask.click(**answer_io)
        for button, text in zip(examples, EXAMPLES, strict=True):
            button.click(_constant(text), outputs=question, queue=False).then(**answer_io)
        reset.click(clear, outputs=[chat, history, sources, question], queue=False)
        chat.clear(clear, outputs=[chat, history, sources, question], queue=False)
        def on_upload(paths: list[str] | None, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> Any:  # noqa: B008
            return add_articles(paths, progress)

        upload.click(on_upload, inputs=files, outputs=[files, summary, chosen, info],
                     concurrency_limit=1, concurrency_id="index")
        app.load(refresh, outputs=[chosen, info, model])
    return app


CSS = """
.nr-header { font-size: 1.05em; padding: 4px 2px; }
.nr-question p, .nr-answer p, .nr-refusal p, .nr-error p { margin: 0 0 .4em 0; }
a.nr-cite { display: inline-block; padding: 0 .35em; margin: 0 .1em; border-radius: .6em; font-size: .8em;
  font-weight: 600; text-decoration: none; background: #dbeafe; color: #1e3a8a; border: 1px solid #93c5fd; }
a.nr-cite.nr-unsupported { background: #fef3c7; color: #92400e; border: 1px dashed #d97706; }
.nr-meta { font-size: .75em; opacity: .65; margin-top: .3em; }
.nr-warning { font-size: .8em; color: #92400e; margin-top: .3em; }
.nr-pending { opacity: .6; }
.nr-refusal { border-left: 4px solid #9ca3af; padding: .2em .6em; font-style: italic;
  color: var(--body-text-color-subdued); }
.nr-refusal-label, .nr-error-label { font-style: normal; font-weight: 700; font-size: .8em; text-transform: uppercase;
  letter-spacing: .04em; margin-bottom: .2em; }
.nr-error { border-left: 4px solid #dc2626; background: #fef2f2; color: #7f1d1d; padding: .3em .6em; }
.nr-sources { max-height: 640px; overflow-y: auto; padding-right: 4px; }
.nr-sources-head { font-weight: 700; margin: .2em 0 .5em; }
.nr-empty { opacity: .6; font-style: italic; padding: 1em .2em; }
.nr-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .5em .7em; margin-bottom: .6em;
  scroll-margin-top: 12px; }
.nr-source:target { outline: 3px solid #60a5fa; }
.nr-uncited { opacity: .75; }
.nr-source-unsupported { border-color: #d97706; border-style: dashed; }
.nr-source-head .nr-badge { font-weight: 700; color: #1e3a8a; }
.nr-title { font-weight: 600; }
.nr-flag { margin-left: .5em; font-size: .75em; color: #92400e; background: #fef3c7; padding: 0 .4em;
  border-radius: .4em; }
.nr-source-meta { font-size: .8em; opacity: .7; margin: .15em 0 .35em; }
.nr-passage { font-size: .9em; line-height: 1.45; white-space: pre-wrap; }
.nr-passage mark { background: #fde68a; padding: 0 .1em; }
.nr-rejected ul { margin: .2em 0 0 1.2em; }
button.nr-example { font-weight: 400; }
"""

THEME_FONTS = ["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"]


def ensure_index(samples: Path) -> None:
    """On a fresh install the index is empty: index the bundled sample articles, showing progress."""
    from index.pipeline import index_paths

    try:
        rag.api.current_corpus()
        return
    except EmptyIndexError:
        pass
    print(f"newsrag: the index is empty; indexing the sample articles in {samples}", file=sys.stderr)
    report = index_paths([samples], rag.api.current_parts(), progress=True)
    print(f"newsrag: {report.articles} articles indexed ({report.duplicates} duplicates skipped, "
          f"{len(report.errors)} errors) in {report.seconds:.1f} s", file=sys.stderr)


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, samples: Path | None = None,
          auth: list[tuple[str, str]] | None = None) -> None:
    """`newsrag chat`: configure `rag`, make sure something is indexed, load the embedder, then serve."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    rag.configure(settings)
    if samples is not None:
        ensure_index(samples)
    print("newsrag: loading the embedding model…", file=sys.stderr)
    try:
        rag.retrieve("news", k=1)
    except Exception as exc:  # the window still opens and shows the problem when a question is asked
        log.warning("warm-up failed: %s", exc)
    app = build_app(settings)
    app.queue(default_concurrency_limit=1)
    app.launch(
        server_name=host, server_port=port, css=CSS, footer_links=[], ssr_mode=False, show_error=False,
        theme=gr.themes.Soft(font=THEME_FONTS, font_mono=["ui-monospace", "monospace"]),
        max_file_size=f"{10 * MAX_UPLOAD_BYTES // 10**6}mb", auth=auth,
    )
