"""The Gradio chat window over the index: `serve` prepares the index and launches `build_app`.

The layout and its event wiring live here; chat events in `ui.chat`, uploads and the index line in
`ui.library`, HTML in `ui.render`, the stylesheet in `ui.style`. Nothing is built at import time.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

import rag
from rag.config import Settings
from rag.corpus import EmptyIndexError, OldIndexError
from ui import render
from ui.chat import clear, respond
from ui.library import ACCEPTED_SUFFIXES, MAX_UPLOAD_BYTES, add_articles, refresh
from ui.style import COPY_JS, CSS, THEME_FONTS

log = logging.getLogger("newsrag.ui")

EXAMPLES = (
    "What did CNBC reporter Arjun Kharpal report from China?",
    "What did Dominic Raab say about China on Sky News?",
    "How much helium does China use every year?",
)


def _constant(text: str) -> Callable[[], str]:
    return lambda: text


def build_app(settings: Settings) -> gr.Blocks:
    """The window: chat and sources side by side; filters, uploads and settings below."""
    app = gr.Blocks(title="newsrag", analytics_enabled=False)
    with app:
        history = gr.State([])
        earlier = gr.State([])  # each earlier answer's sources panel
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
            "fn": respond, "inputs": [question, chat, history, since, until, chosen, k, earlier],
            "outputs": [question, chat, history, sources, earlier], "concurrency_limit": 1, "concurrency_id": "llm",
        }
        question.submit(**answer_io)
        ask.click(**answer_io)
        for button, text in zip(examples, EXAMPLES, strict=True):
            button.click(_constant(text), outputs=question, queue=False).then(**answer_io)
        reset.click(clear, outputs=[chat, history, sources, question, earlier], queue=False)
        chat.clear(clear, outputs=[chat, history, sources, question, earlier], queue=False)
        def on_upload(paths: list[str] | None, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> Any:  # noqa: B008
            return add_articles(paths, progress)

        upload.click(on_upload, inputs=files, outputs=[files, summary, chosen, info],
                     concurrency_limit=1, concurrency_id="index")
        app.load(refresh, outputs=[chosen, info, model])
    return app


def ensure_index(samples: Path) -> None:
    """On a fresh install the index is empty: index the bundled sample articles, showing progress. An index
    from an older newsrag is converted instead (its articles stay; nothing is embedded again)."""
    from index.pipeline import index_paths

    try:
        rag.api.default().corpus()
        return
    except OldIndexError:
        print("newsrag: converting the index to the catalogue format", file=sys.stderr)
        index_paths([], rag.api.default().parts)
        return
    except EmptyIndexError:
        pass
    print(f"newsrag: the index is empty; indexing the sample articles in {samples}", file=sys.stderr)
    report = index_paths([samples], rag.api.default().parts, progress=True)
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
        server_name=host, server_port=port, css=CSS, js=COPY_JS, footer_links=[], ssr_mode=False, show_error=False,
        theme=gr.themes.Soft(font=THEME_FONTS, font_mono=["ui-monospace", "monospace"]),
        max_file_size=f"{10 * MAX_UPLOAD_BYTES // 10**6}mb", auth=auth,
    )
