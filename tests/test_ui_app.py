"""The chat window's handlers with fast fakes (hashing embedder, scripted LLM): no browser, no weights."""

import datetime as dt
import re
from pathlib import Path

import pytest

import rag
from index.pipeline import index_paths
from rag.fakes import ScriptedChat
from rag.models.llm import LLMError
from rag.types import Filters
from tests.conftest import FakeParts
from ui import app, library, uploads
from ui import chat as events

HELIUM = "How much helium does China use every year?"


def _run(question: str, chat=None, history=None, since="", until="", sources=None, k=4, earlier=None):
    """respond's outputs without the earlier-panels state (see `_run_all` for it)."""
    return [o[:4] for o in _run_all(question, chat, history, since, until, sources, k, earlier)]


def _run_all(question: str, chat=None, history=None, since="", until="", sources=None, k=4, earlier=None):
    return list(events.respond(rag.api.default(), question, chat or [], history or [], since, until, sources or [], k,
                               earlier or []))


def test_respond_streams_sources_then_tokens_then_the_final_answer(scripted):
    scripted("China uses more than 4,300 tonnes of helium every year [1].")
    outputs = _run(HELIUM)
    panels = [o[3] for o in outputs if isinstance(o[3], str)]
    assert "appear here" in panels[0] and "being written" in panels[1] and "Sources cited (1)" in panels[-1]
    streamed = [o[1][-1]["content"] for o in outputs if "nr-streaming" in o[1][-1]["content"]]
    assert len(streamed) > 3 and "4,300" in streamed[-1]
    box, chat, history, _ = outputs[-1]
    assert box == "" and [m["role"] for m in chat] == ["user", "assistant"]
    assert 'class="nr-cite"' in chat[-1]["content"] and "nr-streaming" not in chat[-1]["content"]
    assert history == [(HELIUM, "China uses more than 4,300 tonnes of helium every year [1].")]


def test_follow_ups_carry_the_conversation(scripted):
    llm = scripted("China uses more than 4,300 tonnes of helium every year [1].",
                   "How much helium does China use every year, and how much will the new plant make?",
                   "Of that, China uses more than 4,300 tonnes of helium every year [1].")
    _, chat, history, _ = _run(HELIUM)[-1]
    _, chat, history, _ = _run("And how much will the new plant make?", chat, history)[-1]
    assert [m["role"] for m in chat] == ["user", "assistant"] * 2 and len(history) == 2
    # The follow-up is rewritten with the first turn (the default "llm" condense), then answered.
    assert "Previous question: How much helium" in str(llm.prompts[1][-1].content)
    assert "Question: How much helium does China use every year, and how much" in str(llm.prompts[2][-1].content)
    assert re.search(r'href="#src-2-\d+"', chat[-1]["content"])  # the follow-up links to its own sources


def test_markers_of_an_earlier_answer_still_open_its_own_passages(scripted):
    scripted("China uses more than 4,300 tonnes of helium every year [1].",
             "How much helium will the new plant make?",
             "The plant will make 20 tonnes a year [1].")
    _, chat, history, _, earlier = _run_all(HELIUM)[-1]
    _, chat, _, panel, earlier = _run_all("And the new plant?", chat, history, earlier=earlier)[-1]
    first_links = set(re.findall(r'href="#(src-1-\d+)"', chat[1]["content"]))
    assert first_links and all(f'id="{a}"' in panel for a in first_links)  # the first answer's cards are kept
    assert re.search(r'id="src-2-\d+"', panel) and panel.index("src-2-") < panel.index("Earlier answers")
    assert [turn for turn, _ in earlier] == [1, 2]


def test_a_refusal_is_shown_as_one(scripted):
    scripted("The articles do not say.")
    _, chat, _, panel = _run("What colour is the helium plant's roof?")[-1]
    assert "nr-refusal" in chat[-1]["content"] and "nr-cite" not in chat[-1]["content"]
    assert "No passage answers" in panel


def test_errors_become_a_message_not_a_traceback(scripted, monkeypatch):
    scripted("x")

    def broken(*args, **kwargs):
        raise ConnectionError("connection refused")
        yield

    monkeypatch.setattr(rag.api.default(), "stream", broken)
    _, chat, history, _ = _run(HELIUM)[-1]
    assert "nr-error" in chat[-1]["content"] and "not reachable" in chat[-1]["content"]
    assert "Traceback" not in chat[-1]["content"] and history == []


def test_a_backend_failure_after_retrieval_keeps_the_sources(scripted, monkeypatch):
    scripted("x")
    original = rag.api.default().stream

    def failing(*args, **kwargs):
        for event in original(*args, **kwargs):
            if isinstance(event, rag.Token):
                raise LLMError("the language model (http://127.0.0.1:9/v1) did not answer: Connection error.")
            yield event

    monkeypatch.setattr(rag.api.default(), "stream", failing)
    _, chat, _, panel = _run(HELIUM)[-1]
    assert "No answer: The language model (http://127.0.0.1:9/v1) did not answer" in chat[-1]["content"]
    assert "no answer was written" in panel


def test_a_question_over_the_limit_names_the_limit_and_never_reaches_the_model(scripted, capsys):
    from newsrag.cli import main
    from rag.limits import MAX_QUESTION_CHARS, QuestionTooLongError

    llm = scripted("never read")
    question = "Why " * 5000
    _, chat, history, _ = _run(question)[-1]
    message = chat[-1]["content"]
    assert f"up to {MAX_QUESTION_CHARS:,} characters" in message and "19,99" in message
    assert "backend" not in message and history == [] and llm.prompts == []
    with pytest.raises(QuestionTooLongError):
        rag.answer(question)
    assert main(["ask", question]) == 2
    assert f"up to {MAX_QUESTION_CHARS:,} characters" in capsys.readouterr().err


def test_a_prompt_over_the_local_models_window_is_refused_before_generation():
    from langchain_core.messages import HumanMessage

    from rag.limits import PromptTooLongError
    from rag.models.llm import LlamaCppChat

    class Counted(LlamaCppChat):  # the window arithmetic without loading weights: a token a word
        def _load(self) -> object:
            return object()

        def count_tokens(self, text: str) -> int:
            return len(text.split())

    model = Counted(model_path="unused.gguf", n_ctx=100, max_tokens=20)
    with pytest.raises(PromptTooLongError, match="window of 100 holds with 20 kept for the answer"):
        list(model._stream([HumanMessage("word " * 80)]))


def test_an_empty_index_is_explained(fake: FakeParts):
    rag.configure(parts=fake.parts(), llm=ScriptedChat(replies=[]))
    _, chat, _, _ = _run(HELIUM)[-1]
    assert "Nothing is indexed yet" in chat[-1]["content"]


def test_a_bad_date_filter_is_explained(scripted):
    scripted("x")
    _, chat, _, _ = _run(HELIUM, since="12/09/2020")[-1]
    assert "YYYY-MM-DD" in chat[-1]["content"] and "nr-error" in chat[-1]["content"]


def test_blank_questions_do_nothing(scripted):
    assert len(_run("   ")) == 1


def test_parse_filters():
    assert events.parse_filters("", " ", []) == Filters()
    assert events.parse_filters("2020-09-01", "2020-09-30", ["/a.txt"]) == Filters(
        dt.date(2020, 9, 1), dt.date(2020, 9, 30), ("/a.txt",))
    with pytest.raises(events.FilterError, match="after"):
        events.parse_filters("2020-10-01", "2020-09-01", [])
    with pytest.raises(events.FilterError, match="YYYY-MM-DD"):
        events.parse_filters("20200901", "", [])


def test_filters_reach_retrieval(scripted):
    scripted("x [1].")
    outputs = _run(HELIUM, sources=["/nowhere.txt"])
    assert any("No indexed passage" in o[3] for o in outputs if isinstance(o[3], str))


def test_stage_uploads_accepts_articles_and_turns_away_the_rest(tmp_path: Path):
    incoming = tmp_path / "in"
    incoming.mkdir()
    (incoming / "story.txt").write_text("A story.")
    (incoming / "photo.pdf").write_bytes(b"%PDF")
    (incoming / "huge.md").write_text("x" * 200)
    (incoming / ".hidden.json").write_text("{}")
    folder = tmp_path / "uploads"
    paths = [str(incoming / n) for n in ("story.txt", "photo.pdf", "huge.md", ".hidden.json")]
    staged, rejected = uploads.stage_uploads(paths, folder, paths, max_bytes=100, root=incoming)
    assert [p.name for p in staged] == ["story.txt", "hidden.json"]
    assert dict(rejected).keys() == {"photo.pdf", "huge.md"} and "unsupported" in dict(rejected)["photo.pdf"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in staged)  # stored copies: the owner's only
    assert folder.stat().st_mode & 0o777 == 0o700
    again, rejected = uploads.stage_uploads([paths[0]], folder, paths, root=incoming)
    assert again == [] and "identical" in rejected[0][1]
    (incoming / "story.txt").write_text("Another story.")
    renamed, _ = uploads.stage_uploads([paths[0]], folder, paths, root=incoming)
    assert [p.name for p in renamed] == ["story-2.txt"]


def test_only_files_the_upload_route_received_are_read(tmp_path: Path):
    """A client can name any server path in the upload call: only what a browser uploaded is indexed."""
    root = tmp_path / "gradio"
    (root / "abc123").mkdir(parents=True)
    fine = root / "abc123" / "fine.txt"
    fine.write_text("An uploaded story.")
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2")
    secret.chmod(0o600)
    copied = root / "def456" / "secret.txt"  # in the folder, but no upload the route received
    copied.parent.mkdir()
    copied.write_text("password: hunter2")
    (root / "abc123" / "link.txt").symlink_to(secret)  # a link out of the folder
    (root / "linkdir").symlink_to(tmp_path)  # a folder link out
    hostile = [str(secret), str(copied), str(root / "abc123" / "link.txt"), str(root / "linkdir" / "secret.txt"),
               f"{root}/abc123/../../secret.txt", "../secret.txt", "file:///etc/passwd", "http://x/y.txt",
               str(root), str(tmp_path / "missing.txt"), "/etc/hostname.txt", ""]
    received = [*hostile[2:5], str(fine)]  # even a path the route was told of must stay inside, unlinked
    staged, rejected = uploads.stage_uploads([*hostile, str(fine)], tmp_path / "up", received, root=root)
    assert [p.name for p in staged] == ["fine.txt"]
    assert len(rejected) == len(hostile)
    assert {why for _, why in rejected} == {"not a file uploaded through this window"}  # existence not told
    assert all("hunter2" not in p.read_text() for p in (tmp_path / "up").iterdir())
    assert copied.exists() and secret.exists()  # nothing is deleted on a client's word


def test_add_articles_indexes_uploads_and_reports(scripted, tmp_path: Path, seed_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    scripted()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))  # these files stand for the browser's uploads
    story = tmp_path / "veltrana.txt"
    story.write_text("Glassworks in Veltrana cast the largest green bell\n\n"
                     "The Veltrana Glassworks Guild cast a green glass bell weighing 2,417 kilograms this spring.\n")
    copy = tmp_path / "copy.txt"
    copy.write_bytes((seed_dir / "003_ceb1761aac35b2bc.txt").read_bytes())
    (tmp_path / "empty.txt").write_text("")
    files = [str(story), str(copy), str(tmp_path / "empty.txt"), str(tmp_path / "x.exe")]
    (tmp_path / "x.exe").write_bytes(b"MZ")
    cleared, summary = uploads.add_articles(rag.api.default(), files, lambda *a, **k: None, files)
    assert cleared is None
    assert "1 article added from 4 files" in summary and "duplicate" in summary
    assert "x.exe" in summary and "empty.txt" in summary and "file is empty" in summary
    folder = rag.api.default().settings.folder / "uploads"
    assert sorted(p.name for p in folder.iterdir()) == ["copy.txt", "veltrana.txt"]
    dropdown, info = library.refresh(rag.api.default())
    labels = [label for label, _ in dropdown.constructor_args["choices"]]
    assert "veltrana.txt" in labels and "articles from" in info
    catalogue = rag.api.default().corpus().catalogue
    titles = {p.title for p in catalogue.passages(catalogue.chunk_ids()).values()}
    assert "Glassworks in Veltrana cast the largest green bell" in titles


def test_source_choices_disambiguate_equal_names():
    assert library.source_choices(["/a/x.txt", "/b/x.txt", "/a/y.txt", "/a/y.txt"]) == [
        ("a/x.txt", "/a/x.txt"), ("b/x.txt", "/b/x.txt"), ("y.txt", "/a/y.txt")]


def test_the_app_builds_without_serving(tmp_path: Path):
    blocks = app.build_app(rag.Settings(home=tmp_path))
    ids = {getattr(b, "elem_id", None) for b in blocks.blocks.values()}
    assert {"nr-chat", "nr-question", "nr-sources-panel", "nr-upload-files", "nr-k", "nr-model", "nr-collection",
            "nr-lib-search", "nr-lib-open", "nr-lib-delete", "nr-stop"} <= ids


def test_the_library_lists_opens_and_deletes_articles(scripted):
    scripted("x [1].")
    pipeline = rag.api.default()
    table, dropdown = library.listing(pipeline, "helium")
    choices = dropdown.constructor_args["choices"]
    assert len(choices) == 1 and "gas plant" in choices[0][0] and "<table>" in table
    opened = library.open_article(pipeline, choices[0][1])
    assert "4,300 tonnes" in opened and "boilerplate line" in opened
    assert "Deleted" in library.delete_article(pipeline, choices[0][1])
    assert "No article matches" in library.listing(pipeline, "helium")[0]
    assert all("4,300 tonnes" not in p.text for p in pipeline.retrieve(HELIUM, k=8))
    assert "no longer in the collection" in library.delete_article(pipeline, choices[0][1])


def test_markup_in_a_title_is_text_in_the_library(scripted, tmp_path: Path):
    scripted()
    story = tmp_path / "x.txt"
    story.write_text("<img src=x onerror=alert(1)> Glass bell\n\nThe guild cast a bell weighing 2,417 kilograms.\n")
    index_paths([story], rag.api.default().parts)
    table, _ = library.listing(rag.api.default(), "bell")
    assert "<img" not in table and "&lt;img" in table


def test_stop_keeps_the_partial_answer_marked_unfinished(scripted):
    scripted("China uses more than 4,300 tonnes of helium every year [1].")
    outputs = _run_all(HELIUM)
    partial = next(o[1] for o in outputs if "nr-streaming" in o[1][-1]["content"] and "4,300" in o[1][-1]["content"])
    after = events.stopped(partial)
    assert "nr-stopped" in after[-1]["content"] and "nr-streaming" not in after[-1]["content"]
    assert "4,300" in after[-1]["content"] and "Stopped" in after[-1]["content"]
    assert events.stopped(outputs[-1][1]) == outputs[-1][1]  # a finished answer is left alone
