"""The conversation list (new, open, rename, delete) and feedback on answers, over `ui.conversations`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import gradio as gr

from rag.config import DEFAULT_COLLECTION
from rag.limits import MAX_QUESTION_CHARS
from ui import render
from ui.chat import Earlier, History, Message, respond, stopped
from ui.conversations import Conversations
from ui.pipelines import PerCollection, Pipelines


class Stores(PerCollection[Conversations]):
    """One conversation store per collection (in the collection's folder)."""

    def __init__(self, pipelines: Pipelines) -> None:
        # A named collection's folder exists while it does: only the default one (the home) may be made here.
        super().__init__(lambda name: Conversations(pipelines.get(name).settings.folder,
                                                    make_folder=name == DEFAULT_COLLECTION))


class Stops:
    """Browser sessions whose running answer a person stopped. The answer checks between tokens and then
    closes its stream, which closes the model's generation (and frees the one model for the next question)."""

    def __init__(self) -> None:
        self._sessions: set[str] = set()
        self._lock = threading.Lock()

    def request(self, session: str) -> None:
        with self._lock:
            self._sessions.add(session)

    def take(self, session: str) -> bool:
        with self._lock:
            found = session in self._sessions
            self._sessions.discard(session)
            return found


def listing(store: Conversations, current: str | None) -> Any:
    """The conversation list; under its title, why conversations are not being saved, if they are not."""
    choices = store.listing()  # first: reading the store is what finds a damaged file
    return gr.Radio(choices=choices, value=current, info=store.problem)


def answer(pipelines: Pipelines, stores: Stores, name: str, cid: str | None, question: str, chat: list[Message],
           history: History, since: str, until: str, sources: list[str], k: float,
           earlier: Earlier, stops: Stops | None = None, session: str = "") -> Iterator[tuple[Any, ...]]:
    """`ui.chat.respond` in the picked collection, saved in conversation `cid` (a new one on the first
    question); ends early when `stops` says this session pressed Stop. Outputs: respond's five, then the
    conversation id and the conversation list."""
    if not (question or "").strip() or len(question.strip()) > MAX_QUESTION_CHARS:  # nothing to save
        for out in respond(pipelines.get(name), question, chat, history, since, until, sources, k, earlier):
            yield (*out, gr.skip(), gr.skip())
        return
    store = stores.get(name)
    cid = cid or store.new(question.strip()[:80])
    if stops:
        stops.take(session)  # a Stop pressed before this question does not end it
    last = None
    outputs = respond(pipelines.get(name), question, chat, history, since, until, sources, k, earlier,
                      on_answer=lambda turn, history, ans: store.record(cid, turn, history, ans))
    try:
        for out in outputs:
            if stops and stops.take(session):
                last = (out[0], stopped(out[1]), *out[2:])  # what was written so far, marked stopped
                yield (gr.skip(), last[1], gr.skip(), gr.skip(), gr.skip(), cid, gr.skip())
                break
            last = out
            yield (*out, cid, gr.skip())
    finally:
        outputs.close()  # closes the chain's stream and with it the model's generation
    if last is not None:
        _, chat, history, _, earlier = last
        store.save(cid, chat, history, earlier)
        # The final state again (an API client reads only the last output), except the question box: what a
        # person typed meanwhile, asked once this answer has closed, must not be wiped.
        yield (gr.skip(), *last[1:], cid, listing(store, cid))


def restore(store: Conversations, cid: str | None) -> tuple[list[Message], History, str, Earlier, str | None]:
    """Outputs: chat, history, sources panel (the last answer's, earlier ones folded below), earlier, id."""
    saved = store.load(cid) if cid else None
    if saved is None:
        return [], [], render.sources_html(None), [], None
    panel = render.with_earlier(saved.earlier[-1][1], saved.earlier[:-1]) if saved.earlier \
        else render.sources_html(None)
    return saved.chat, saved.history, panel, saved.earlier, cid


def rate(store: Conversations, cid: str | None, data: gr.LikeData) -> tuple[str, int | None]:
    """A thumb on an answer. Outputs: the feedback line and the rated answer's turn (for a correction)."""
    index = data.index if isinstance(data.index, int) else data.index[0]
    turn = index // 2 + 1  # user and assistant messages alternate
    rating = None if data.liked in ("", None) else (1 if data.liked else -1)
    if not cid or not store.rate(cid, turn, rating):
        return render.paragraphs(render.esc("Only a finished answer can be rated.")), None
    if rating is None:
        return render.paragraphs(render.esc(f"Rating of answer {turn} taken back.")), turn
    said = "good" if rating > 0 else "wrong: add the right answer below if you know it"
    return render.paragraphs(render.esc(f"Answer {turn} marked {said}.")), turn


def correct(store: Conversations, cid: str | None, turn: int | None, text: str) -> tuple[str, str]:
    """"The right answer is …" for the last rated answer (else the latest). Outputs: feedback line, textbox."""
    if not (text or "").strip():
        return render.paragraphs(render.esc("Type the right answer first.")), gr.skip()
    saved = store.load(cid) if cid else None
    turn = turn or (len(saved.history) if saved else None)
    if not cid or not turn or not store.rate(cid, turn, None, text):
        return render.paragraphs(render.esc("Ask a question first; the correction belongs to an answer.")), gr.skip()
    return render.paragraphs(render.esc(f"Correction saved for answer {turn}; `newsrag feedback export` "
                                        "turns it into an evaluation question.")), ""
