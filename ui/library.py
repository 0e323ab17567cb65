"""The collection as the window shows it: the line about the index, the sources filter, the model name, and
the library panel (search and list the articles, open one, delete one)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from index.remove import NotIndexedError, delete_articles
from rag.pipeline import Pipeline
from rag.store.corpus import EmptyIndexError
from ui import render

log = logging.getLogger("newsrag.ui")

LISTED = 200  # articles the library shows at once; searching narrows them


def source_choices(sources: Sequence[str]) -> list[tuple[str, str]]:
    """(label, source path) pairs: the file name, with its folder when two files share a name."""
    names = Counter(Path(s).name for s in set(sources))
    return [
        (Path(s).name if names[Path(s).name] == 1 else f"{Path(s).parent.name}/{Path(s).name}", s)
        for s in sorted(set(sources), key=lambda s: (Path(s).name, s))
    ]


def index_state(pipeline: Pipeline) -> tuple[list[tuple[str, str]], str]:
    """Sources for the filter and a line about the collection, from its committed catalogue."""
    try:
        corpus = pipeline.corpus()
    except EmptyIndexError:
        return [], render.paragraphs(render.esc(f"Collection {pipeline.collection!r} is empty: add articles."))
    except Exception as exc:
        log.exception("reading the index failed")
        return [], render.error_html(f"Cannot read the index ({type(exc).__name__}: {str(exc)[:200]}).")
    sources = corpus.catalogue.sources()
    when = render.utc_time(corpus.catalogue.committed_at())
    info = (f"Collection {pipeline.collection!r}: {sum(sources.values())} articles from {len(sources)} files"
            + (f", last indexed {when}" if when else "") + f"; stored in {pipeline.settings.folder}")
    return source_choices(list(sources)), render.paragraphs(render.esc(info))


def model_name(pipeline: Pipeline) -> str:
    from rag.models.llm import model_label

    try:
        return model_label(pipeline.llm())
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}: {str(exc)[:200]}"


def refresh(pipeline: Pipeline) -> tuple[Any, str]:
    """The sources dropdown and the index line."""
    choices, info = index_state(pipeline)
    return gr.Dropdown(choices=choices, value=[], multiselect=True), info


def listing(pipeline: Pipeline, search: str = "") -> tuple[str, Any]:
    """The library's table and the choices of its "open" dropdown (label, article id)."""
    try:
        found = pipeline.corpus().catalogue.listing(search or "", LISTED)
    except EmptyIndexError:
        found = []
    except Exception as exc:
        log.exception("listing the library failed")
        return render.error_html(f"Cannot read the index ({type(exc).__name__}: {str(exc)[:200]})."), gr.skip()
    choices = [(render.article_label(a), a.article_id) for a in found]
    return render.library_html(found, search or "", LISTED), gr.Dropdown(choices=choices, value=None)


def open_article(pipeline: Pipeline, article_id: str | None) -> str:
    if not article_id:
        return ""
    view = pipeline.corpus().catalogue.article(article_id)
    return render.article_html(view) if view else render.error_html("That article is no longer in the collection.")


def delete_article(pipeline: Pipeline, article_id: str | None) -> str:
    """Take the article out of the collection at once; the next question no longer finds it."""
    if not article_id:
        return render.error_html("Choose an article to delete first.")
    view = pipeline.corpus().catalogue.article(article_id)
    try:
        delete_articles(pipeline.parts, [article_id])
    except NotIndexedError:
        return render.error_html("That article is no longer in the collection.")
    title = view.title if view else article_id
    return render.paragraphs(render.esc(f"Deleted {title!r}: it is no longer searched or cited. "
                                        "Indexing its file again leaves it out until its text changes."))
