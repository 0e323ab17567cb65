"""The Gradio chat window over the collections: `serve` prepares the index and launches `build_app`.

The layout and its event wiring live here; chat events in `ui.chat`, the library and the index line in
`ui.library`, uploads in `ui.uploads`, HTML in `ui.render`, the stylesheet in `ui.style`. Nothing is built at
import time. Every handler gets the pipeline of the collection picked in that browser tab.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from rag.config import DEFAULT_COLLECTION, Settings
from rag.pipeline import Pipeline
from rag.store.corpus import EmptyIndexError, OldIndexError
from ui import library, render, sidebar
from ui.pipelines import Pipelines
from ui.style import COPY_JS, CSS, THEME_FONTS
from ui.uploads import ACCEPTED_SUFFIXES, MAX_UPLOAD_BYTES, add_articles

log = logging.getLogger("newsrag.ui")

EXAMPLES = (
    "What did CNBC reporter Arjun Kharpal report from China?",
    "What did Dominic Raab say about China on Sky News?",
    "How much helium does China use every year?",
)


def _constant(text: str) -> Callable[[], str]:
    return lambda: text


def build_app(pipelines: Pipelines | Settings) -> gr.Blocks:
    """The window: chat beside the sources and the library; the collection picker above, filters, uploads
    and settings below."""
    if isinstance(pipelines, Settings):
        pipelines = Pipelines(pipelines)
    get = pipelines.get
    stores = sidebar.Stores(pipelines)
    stops = sidebar.Stops()
    app = gr.Blocks(title="newsrag", analytics_enabled=False)
    with app:
        history = gr.State([])
        earlier = gr.State([])  # each earlier answer's sources panel
        conv = gr.State(None)  # the open conversation's id (None: a new chat, stored at its first answer)
        rated = gr.State(None)  # the turn last rated, which a correction refers to
        with gr.Row(equal_height=True):
            with gr.Column(scale=4):
                gr.HTML('<div class="nr-header"><b>newsrag</b>: ask questions about the indexed news articles; '
                        "every claim cites its passage.</div>")
                info = gr.HTML("", elem_id="nr-index-info")  # the collection: articles, files, last indexed
            collection = gr.Dropdown(pipelines.names(), value=pipelines.settings.collection, label="Collection",
                                     elem_id="nr-collection", scale=0, min_width=220, allow_custom_value=False)
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=200, elem_id="nr-sidebar"):
                new = gr.Button("New chat", size="sm", elem_id="nr-new")
                conversations = gr.Radio([], label="Conversations", elem_id="nr-conversations")
                title = gr.Textbox(show_label=False, placeholder="New title…", elem_id="nr-title", max_lines=1)
                with gr.Row():
                    rename = gr.Button("Rename", size="sm", elem_id="nr-rename")
                    forget = gr.Button("Delete", size="sm", variant="stop", elem_id="nr-conv-delete")
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    label="Chat", show_label=False, elem_id="nr-chat", height=520, buttons=["copy"],
                    # Messages arrive as escaped HTML from ui.render; Gradio's sanitizer stays on as a second guard.
                    render_markdown=False, sanitize_html=True, allow_tags=False, latex_delimiters=[],
                    feedback_options=("Like", "Dislike"),
                    placeholder="Ask a question about the articles, or pick an example below.",
                )
                with gr.Row():
                    question = gr.Textbox(show_label=False, placeholder="Ask about the news…", scale=8,
                                          elem_id="nr-question", autofocus=True, max_lines=4)
                    ask = gr.Button("Ask", variant="primary", scale=1, elem_id="nr-ask")
                    stop = gr.Button("Stop", variant="stop", scale=1, elem_id="nr-stop")
                    reset = gr.Button("Clear", scale=1, elem_id="nr-clear")
                with gr.Row(elem_id="nr-examples"):
                    examples = [gr.Button(q, size="sm", elem_classes=["nr-example"]) for q in EXAMPLES]
                with gr.Accordion("Feedback", open=False, elem_id="nr-feedback"):
                    gr.Markdown("Rate an answer with the thumbs under it. If it was wrong, say what is right:")
                    correction = gr.Textbox(show_label=False, placeholder="The right answer is…",
                                            elem_id="nr-correction", max_lines=2)
                    send = gr.Button("Save correction", size="sm", elem_id="nr-correction-send")
                feedback = gr.HTML("", elem_id="nr-feedback-status")
            with gr.Column(scale=2), gr.Tabs():
                with gr.Tab("Sources", elem_id="nr-tab-sources"):
                    sources = gr.HTML(render.sources_html(None), elem_id="nr-sources-panel")
                with gr.Tab("Library", elem_id="nr-tab-library"):
                    search = gr.Textbox(show_label=False, placeholder="Search titles, files and text…",
                                        elem_id="nr-lib-search")
                    table = gr.HTML("", elem_id="nr-lib-list")
                    chosen_article = gr.Dropdown(label="Open an article", choices=[], elem_id="nr-lib-open")
                    delete = gr.Button("Delete this article", variant="stop", size="sm", elem_id="nr-lib-delete")
                    done = gr.HTML("", elem_id="nr-lib-status")
                    article = gr.HTML("", elem_id="nr-lib-article")
        with gr.Row(equal_height=False):
            with gr.Accordion("Filters", open=False, elem_id="nr-filters"):
                since = gr.Textbox(label="Published since (YYYY-MM-DD)", elem_id="nr-since",
                                   info="With a date set, undated articles are left out.")
                until = gr.Textbox(label="Published until (YYYY-MM-DD)", elem_id="nr-until")
                chosen = gr.Dropdown(label="Only these sources", choices=[], multiselect=True, elem_id="nr-sources")
            with gr.Accordion("Add articles", open=False, elem_id="nr-add"):
                files = gr.File(label=f"Files ({' '.join(ACCEPTED_SUFFIXES)}; up to {MAX_UPLOAD_BYTES // 10**6} MB "
                                "each)", file_count="multiple", elem_id="nr-upload-files")
                upload = gr.Button("Add to the collection", elem_id="nr-upload")
                summary = gr.HTML("", elem_id="nr-upload-summary")
            with gr.Accordion("Settings", open=False, elem_id="nr-settings"):
                k = gr.Slider(1, 12, value=pipelines.settings.k, step=1, label="Passages per answer (k)",
                              elem_id="nr-k")
                model = gr.Textbox(label="Model", interactive=False, elem_id="nr-model")

        def answer(name: str, cid: str | None, text: str, messages: list[Any], turns: list[Any], start: str,
                   end: str, files: list[str], passages: float, panels: list[Any],
                   request: gr.Request) -> Iterator[Any]:
            if pipelines.deleted(name):  # nothing of it may be opened: that would re-create its folder
                notice = deleted_messages(name, text, pipelines.fallback())
                yield gr.skip(), [*messages, *notice], [], gr.skip(), [], None, gr.skip()  # no follow-up of it
                return
            yield from sidebar.answer(pipelines, stores, name, cid, text, messages, turns, start, end, files,
                                      passages, panels, stops, request.session_hash or "")

        answer_io: dict[str, Any] = {
            "fn": answer, "inputs": [collection, conv, question, chat, history, since, until, chosen, k, earlier],
            "outputs": [question, chat, history, sources, earlier, conv, conversations], "concurrency_limit": 1,
            "concurrency_id": "llm",
            # A question asked while the last answer is still closing (just after Stop) runs when it has closed,
            # instead of being dropped (Gradio's default for a pending event).
            "trigger_mode": "always_last",
        }
        # The API (gradio_client) asks through /respond: collection, question, chat, since, until, sources, k.
        state_out = [chosen, info, table, chosen_article, search, article, done, conversations]

        def leave_deleted(name: str) -> tuple[Any, ...]:
            """After a question in a tab whose collection was deleted: the picker moves to the default one."""
            if not pipelines.deleted(name):
                return tuple(gr.skip() for _ in range(len(state_out) + 2))
            default = pipelines.fallback()
            return (gr.Dropdown(choices=pipelines.names(), value=default), None, *collection_state(default))

        leave: dict[str, Any] = {"fn": leave_deleted, "inputs": collection, "outputs": [collection, conv, *state_out]}
        question.submit(**answer_io, api_name="respond").then(**leave)
        ask.click(**answer_io, api_visibility="private").then(**leave)
        for button, text in zip(examples, EXAMPLES, strict=True):
            button.click(_constant(text), outputs=question, queue=False).then(
                **answer_io, api_visibility="private").then(**leave)
        # Stop is a flag the running answer reads between tokens: it then closes its stream, which ends the
        # model's generation, so the next question starts at once. (Gradio's `cancels` would leave the
        # generator, and the model it holds, suspended.) What was written stays, marked unfinished.
        def stop_answer(request: gr.Request) -> None:
            stops.request(request.session_hash or "")

        stop.click(stop_answer, queue=False)
        opened = [chat, history, sources, earlier, conv]

        def fresh() -> tuple[Any, ...]:
            return [], [], render.sources_html(None), [], None, gr.Radio(value=None), "", ""

        fresh_out = [*opened, conversations, question, feedback]
        for trigger in (reset.click, new.click, chat.clear):
            trigger(fresh, outputs=fresh_out, queue=False)
        conversations.input(lambda name, cid: sidebar.restore(stores.get(name), cid),
                            inputs=[collection, conversations], outputs=opened)

        def retitle(name: str, cid: str | None, text: str) -> tuple[Any, str]:
            if cid and text.strip():
                stores.get(name).rename(cid, text)
            return sidebar.listing(stores.get(name), cid), ""

        rename.click(retitle, inputs=[collection, conv, title], outputs=[conversations, title])

        def drop(name: str, cid: str | None) -> tuple[Any, ...]:
            if cid:
                stores.get(name).delete(cid)
            return (*fresh()[:5], sidebar.listing(stores.get(name), None))

        forget.click(drop, inputs=[collection, conv], outputs=[*opened, conversations])

        def on_like(name: str, cid: str | None, data: gr.LikeData) -> tuple[str, int | None]:
            return sidebar.rate(stores.get(name), cid, data)

        chat.like(on_like, inputs=[collection, conv], outputs=[feedback, rated])
        send.click(lambda name, cid, turn, text: sidebar.correct(stores.get(name), cid, turn, text),
                   inputs=[collection, conv, rated, correction], outputs=[feedback, correction])

        def collection_state(name: str) -> tuple[Any, ...]:
            pipeline = get(name)
            return (*library.refresh(pipeline), *library.listing(pipeline, ""), "", "", "",
                    sidebar.listing(stores.get(name), None))

        collection.input(fresh, outputs=fresh_out, queue=False).then(collection_state, inputs=collection,
                                                                     outputs=state_out)
        search.submit(lambda name, text: library.listing(get(name), text), inputs=[collection, search],
                      outputs=[table, chosen_article])
        # `input`: only a person's choice opens an article (the list's own updates must not clear the status).
        chosen_article.input(lambda name, aid: (library.open_article(get(name), aid), ""),
                              inputs=[collection, chosen_article], outputs=[article, done])

        def gone(name: str) -> str:
            return render.error_html(f"The collection {name!r} was deleted; pick another collection above.")

        def delete_chosen(name: str, aid: str | None, text: str) -> tuple[Any, ...]:
            if pipelines.deleted(name):  # writing to it would re-create its folder
                return (gone(name), *(gr.skip() for _ in range(5)))
            status = library.delete_article(get(name), aid)
            return (status, "", *library.listing(get(name), text), *library.refresh(get(name)))

        delete.click(delete_chosen, inputs=[collection, chosen_article, search],
                     outputs=[done, article, table, chosen_article, chosen, info],
                     concurrency_limit=1, concurrency_id="index")

        def on_upload(name: str, paths: list[str] | None,
                      progress: gr.Progress = gr.Progress(track_tqdm=True)) -> Any:  # noqa: B008
            if pipelines.deleted(name):
                return gr.skip(), gone(name)
            return add_articles(get(name), paths, progress, app.upload_file_set)

        upload.click(on_upload, inputs=[collection, files], outputs=[files, summary],
                     concurrency_limit=1, concurrency_id="index").then(collection_state, inputs=collection,
                                                                      outputs=state_out)

        def on_load(name: str) -> tuple[Any, ...]:
            # Collections made since the window was built (`newsrag index --collection NAME`) join the picker.
            name = pipelines.fallback() if pipelines.deleted(name) else name
            picker = gr.Dropdown(choices=pipelines.names(), value=name)
            return (picker, *collection_state(name), library.model_name(get(name)))

        app.load(on_load, inputs=collection, outputs=[collection, *state_out, model])
    return app


def deleted_messages(name: str, question: str, fallback: str) -> list[dict[str, str]]:
    """The question and the notice that its collection is gone (the picker then moves to the default)."""
    notice = (f"The collection {name!r} was deleted (`newsrag collections --delete`), so nothing was searched. "
              f"The window has switched to the collection {fallback!r}: ask again there, or pick another.")
    return [{"role": "user", "content": render.question_html(question.strip())},
            {"role": "assistant", "content": render.error_html(notice)}]


def ensure_index(pipeline: Pipeline, samples: Path) -> None:
    """On a fresh install the index is empty: index the bundled sample articles, showing progress. An index
    from an older newsrag is converted instead (its articles stay; nothing is embedded again)."""
    from index.pipeline import index_paths

    try:
        pipeline.corpus()
        return
    except OldIndexError:
        print("newsrag: converting the index to the catalogue format", file=sys.stderr)
        index_paths([], pipeline.parts)
        return
    except EmptyIndexError:
        pass
    print(f"newsrag: the index is empty; indexing the sample articles in {samples}", file=sys.stderr)
    report = index_paths([samples], pipeline.parts, progress=True)
    print(f"newsrag: {report.articles} articles indexed ({report.duplicates} duplicates skipped, "
          f"{len(report.errors)} errors) in {report.seconds:.1f} s", file=sys.stderr)


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, samples: Path | None = None,
          auth: list[tuple[str, str]] | None = None) -> None:
    """`newsrag chat`: make sure the chosen collection has something indexed, load the embedder, then serve."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    pipelines = Pipelines(settings)
    pipeline = pipelines.get()
    if samples is not None and settings.collection == DEFAULT_COLLECTION:  # a named collection starts empty
        ensure_index(pipeline, samples)
    print("newsrag: loading the embedding model…", file=sys.stderr)
    try:
        pipeline.retrieve("news", k=1)
    except Exception as exc:  # the window still opens and shows the problem when a question is asked
        log.warning("warm-up failed: %s", exc)
    app = build_app(pipelines)
    app.queue(default_concurrency_limit=1)
    app.launch(
        server_name=host, server_port=port, css=CSS, js=COPY_JS, footer_links=[], ssr_mode=False, show_error=False,
        theme=gr.themes.Soft(font=THEME_FONTS, font_mono=["ui-monospace", "monospace"]),
        max_file_size=f"{10 * MAX_UPLOAD_BYTES // 10**6}mb", auth=auth,
    )
