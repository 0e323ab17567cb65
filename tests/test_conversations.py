"""Conversations that persist and feedback that becomes evaluation cases (fakes: no weights, no browser)."""

from __future__ import annotations

import html
import json
import os
import sqlite3
from pathlib import Path

import gradio as gr
import pytest

from evals.cases import read_cases
from evals.feedback import key_facts, to_cases, write
from index.pipeline import index_paths
from rag.fakes import ScriptedChat
from rag.pipeline import Pipeline
from tests.conftest import FakeParts
from ui import sidebar
from ui.conversations import Conversations
from ui.pipelines import Pipelines

HELIUM = "How much helium does China use every year?"
PLANT = "How much helium will the new plant make?"


@pytest.fixture
def window(fake: FakeParts, seed_dir: Path):
    """The pipelines and conversation stores the window uses, with a scripted LLM."""
    index_paths([seed_dir], fake.parts())
    llm = ScriptedChat(replies=[])
    # "cheap" condense: follow-ups resolved without an LLM call, so each question takes one scripted reply.
    pipelines = Pipelines(fake.parts().settings,
                          lambda name: Pipeline(parts=fake.parts(collection=name, condense="cheap"), llm=llm))
    return pipelines, sidebar.Stores(pipelines), llm


def _ask(window, question: str, cid=None, chat=None, history=None, earlier=None):
    pipelines, stores, _ = window
    outputs = list(sidebar.answer(pipelines, stores, "newsrag", cid, question, chat or [], history or [], "", "",
                                  [], 4, earlier or []))
    _, chat, history, _, earlier, cid, _ = outputs[-2]
    assert outputs[-1][1] == chat  # the last output holds the whole state: an API client reads only that
    return cid, chat, history, earlier, outputs[-1][-1]


def test_a_conversation_is_stored_and_restored_with_each_answers_sources(window, fake: FakeParts):
    window[2].replies += ["China uses more than 4,300 tonnes of helium every year [1].",
                          "The plant will make 20 tonnes a year [1]."]
    cid, chat, history, earlier, radio = _ask(window, HELIUM)
    assert cid and radio.constructor_args["choices"] == [(HELIUM, cid)]
    cid2, chat, history, earlier, _ = _ask(window, PLANT, cid, chat, history, earlier)
    assert cid2 == cid and len(history) == 2
    # A restart: a new store object over the same folder.
    store = Conversations(fake.settings.home)
    restored_chat, restored_history, panel, restored_earlier, restored_id = sidebar.restore(store, cid)
    assert restored_id == cid and restored_chat == chat and restored_history == history
    assert [turn for turn, _ in restored_earlier] == [1, 2]
    assert 'id="src-1-1"' in panel and 'id="src-2-1"' in panel  # both answers' [1] open their own passages
    assert panel.index("src-2-1") < panel.index("Earlier answers") < panel.index("src-1-1")


def test_conversations_are_listed_renamed_and_deleted(window, fake: FakeParts):
    window[2].replies += ["China uses more than 4,300 tonnes [1].", "x [1]."]
    first = _ask(window, HELIUM)[0]
    second = _ask(window, PLANT)[0]
    store = window[1].get("newsrag")
    assert [cid for _, cid in store.listing()] == [second, first]  # the latest first
    store.rename(first, "  Helium  ")
    assert ("Helium", first) in store.listing()
    store.delete(second)
    assert store.listing() == [("Helium", first)] and store.load(second) is None
    assert sidebar.restore(store, second)[4] is None
    # An answer still streaming in a deleted conversation saves nothing when it ends: it stays deleted.
    store.save(second, [{"role": "user", "content": "late"}], [("late", "answer")], [])
    assert store.listing() == [("Helium", first)]


def _like(index: int, liked: bool | str) -> gr.LikeData:
    return gr.LikeData(None, {"index": index, "value": "", "liked": liked})


def test_feedback_is_exported_as_cases_newsrag_eval_reads(window, tmp_path: Path):
    window[2].replies += ["China uses more than 4,300 tonnes of helium every year [1].",
                          "The plant makes 5 tonnes [1].", "The articles do not say.", "It is red [1]."]
    cid, chat, history, earlier, _ = _ask(window, HELIUM)
    cid, chat, history, earlier, _ = _ask(window, PLANT, cid, chat, history, earlier)
    cid, chat, history, earlier, _ = _ask(window, "What did Zhao Lijian eat for breakfast?", cid, chat, history,
                                          earlier)
    cid, *_ = _ask(window, "What colour is the plant?", cid, chat, history, earlier)
    store = window[1].get("newsrag")
    assert "marked good" in sidebar.rate(store, cid, _like(1, True))[0]
    status, turn = sidebar.rate(store, cid, _like(3, False))
    assert turn == 2 and "wrong" in status
    assert "Correction saved" in sidebar.correct(store, cid, turn, "20 tonnes a year")[0]
    sidebar.rate(store, cid, _like(5, True))  # the refusal was right
    sidebar.rate(store, cid, _like(7, False))  # wrong, with no correction: left out
    assert "Only a finished answer" in sidebar.rate(store, cid, _like(9, True))[0]
    export = to_cases(store.feedback())
    assert len(export.cases) == 3 and len(export.skipped) == 1 and "without the right answer" in export.skipped[0]
    path = tmp_path / "feedback.jsonl"
    write(export, path)
    cases = {c.question: c for c in read_cases(path)}
    assert cases[HELIUM].answers == ("4,300",) and cases[HELIUM].evidence and cases[HELIUM].history == ()
    assert cases[PLANT].answers == ("20 tonnes a year",) and cases[PLANT].history[0][0] == HELIUM
    assert not cases["What did Zhao Lijian eat for breakfast?"].answerable
    assert all(c.split == "test" for c in cases.values())
    assert json.loads(path.read_text().splitlines()[0])["id"].startswith("fb-")


def test_key_facts_are_numbers_and_names_the_passages_hold():
    passages = ["Linde's plant in Ningxia makes 4,300 tonnes; Arjun Kharpal reported it."]
    assert key_facts("Arjun Kharpal said 4,300 tonnes [1] and 7 more [2].", passages) == ["Arjun Kharpal", "4,300"]
    assert key_facts("Yes [1].", passages) == []


def test_cli_feedback_export(window, fake: FakeParts, tmp_path: Path, monkeypatch, capsys):
    from newsrag.cli import main

    window[2].replies += ["China uses more than 4,300 tonnes of helium every year [1]."]
    cid = _ask(window, HELIUM)[0]
    sidebar.rate(window[1].get("newsrag"), cid, _like(1, True))
    monkeypatch.setenv("NEWSRAG_HOME", str(fake.settings.home))
    out = tmp_path / "out.jsonl"
    assert main(["feedback", "export", str(out)]) == 0
    assert "1 question(s) written" in capsys.readouterr().out
    assert [c.answers for c in read_cases(out)] == [("4,300",)]


def test_stop_ends_the_answer_between_tokens_and_keeps_what_was_written(window):
    pipelines, stores, llm = window
    llm.replies += ["China uses more than 4,300 tonnes of helium every year, a figure that keeps growing [1].",
                    "The plant will make 20 tonnes a year [1]."]
    stops = sidebar.Stops()
    outputs = sidebar.answer(pipelines, stores, "newsrag", None, HELIUM, [], [], "", "", [], 4, [], stops, "tab-1")
    seen = []
    for out in outputs:
        seen.append(out)
        last = str(out[1][-1]["content"]) if isinstance(out[1], list) and out[1] else ""
        if "nr-streaming" in last and "4,300" in last:
            stops.request("tab-1")
            stops.request("tab-2")  # another tab's Stop is not this one's
    stopped_chat = next(o[1] for o in seen if "nr-stopped" in str(o[1]))
    assert "4,300" in stopped_chat[-1]["content"] and "growing" not in stopped_chat[-1]["content"]
    cid = seen[-1][5]
    saved = stores.get("newsrag").load(cid)
    assert saved is not None and saved.history == [] and "nr-stopped" in saved.chat[-1]["content"]
    # The next question in the same tab runs to the end (tab-1's stop was used up).
    again = list(sidebar.answer(pipelines, stores, "newsrag", None, PLANT, [], [], "", "", [], 4, [], stops, "tab-1"))
    assert "20 tonnes" in again[-2][1][-1]["content"] and "nr-stopped" not in again[-2][1][-1]["content"]


def _moved_aside(home: Path) -> list[Path]:
    return [p for p in home.glob("conversations.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm"))]


@pytest.mark.chaos
def test_a_file_with_a_damaged_header_is_moved_aside_and_every_conversation_kept(window, fake: FakeParts):
    pipelines, stores, llm = window
    llm.replies += ["China uses more than 4,300 tonnes [1].", "x [1].", "The plant will make 20 tonnes a year [1]."]
    first, second = _ask(window, HELIUM)[0], _ask(window, "How is helium used?")[0]
    stores.get("newsrag").close()
    path = fake.settings.home / "conversations.sqlite"
    with open(path, "r+b") as handle:
        handle.write(b"\xff" * 16)
    restarted = (pipelines, sidebar.Stores(pipelines), llm)
    radio = sidebar.listing(restarted[1].get("newsrag"), None)  # the page loads
    assert [cid for _, cid in radio.constructor_args["choices"]] == [second, first]
    said = radio.constructor_args["info"]
    assert str(path) in said and "file is not a database" in said and "moved aside" in said
    assert [p.name in said for p in _moved_aside(fake.settings.home)] == [True]
    cid, chat, *_ = _ask(restarted, PLANT)
    assert "20 tonnes" in chat[-1]["content"]
    again = Conversations(fake.settings.home)  # the fresh file holds all three
    assert {c for _, c in again.listing()} == {first, second, cid} and again.problem is None


@pytest.mark.chaos
def test_a_file_cut_in_half_while_the_chat_runs_keeps_answering_and_what_is_readable(window, fake: FakeParts):
    _, stores, llm = window
    llm.replies += [f"China uses {n},300 tonnes of helium [1]." for n in range(8)]
    llm.replies += ["The plant will make 20 tonnes a year [1]."]
    asked = {cid: history for cid, _, history, _, _ in (_ask(window, f"{HELIUM} ({n})") for n in range(8))}
    stores.get("newsrag").close()
    path = fake.settings.home / "conversations.sqlite"
    os.truncate(path, path.stat().st_size // 2)
    cid, chat, _, _, radio = _ask(window, PLANT)
    assert "20 tonnes" in chat[-1]["content"]
    said = radio.constructor_args["info"]
    assert str(path) in said and "malformed" in said
    listed = [c for _, c in radio.constructor_args["choices"]]
    kept = [c for c in listed if c in asked]
    assert cid in listed and kept and f"with the {len(kept)} conversation(s) that could still be read" in said
    for c in kept:  # each opens with its question and answer
        chat, history, *_ = sidebar.restore(stores.get("newsrag"), c)
        assert history == asked[c] and html.escape(history[0][1]) in chat[1]["content"]
    assert _moved_aside(fake.settings.home)


@pytest.mark.chaos
def test_a_read_only_file_keeps_the_chat_answering_and_says_nothing_is_saved(window, fake: FakeParts, monkeypatch):
    pipelines, stores, llm = window
    llm.replies += ["China uses more than 4,300 tonnes [1].", "The plant will make 20 tonnes a year [1]."]
    first = _ask(window, HELIUM)[0]
    stores.get("newsrag").close()
    path = fake.settings.home / "conversations.sqlite"
    connect = sqlite3.connect

    def read_only(target, *args, **kwargs):
        # chmod does not stop root, which tests may run as; SQLite's read-only mode is what a locked file gives.
        if Path(target) == path:
            return connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)
        return connect(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    restarted = (pipelines, sidebar.Stores(pipelines), llm)
    radio = sidebar.listing(restarted[1].get("newsrag"), None)  # the page loads
    said = radio.constructor_args["info"]
    assert str(path) in said and "readonly" in said and "not saved" in said
    assert [c for _, c in radio.constructor_args["choices"]] == [first]  # the earlier conversation is still there
    cid, chat, _, _, radio = _ask(restarted, PLANT)
    assert "20 tonnes" in chat[-1]["content"]
    assert [c for _, c in radio.constructor_args["choices"]] == [cid, first]
    monkeypatch.undo()
    assert [c for _, c in Conversations(fake.settings.home).listing()] == [first]  # the file was left as it was
    assert not _moved_aside(fake.settings.home)
