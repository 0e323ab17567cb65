"""Collections: isolated indexes under one home, listed and deleted; deleting an article from one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.pipeline import index_paths
from index.remove import NotIndexedError, delete_articles, delete_collection
from rag.fakes import ScriptedChat
from rag.pipeline import Pipeline
from rag.store.collections import collection_names, list_collections
from rag.store.corpus import CollectionDeletedError
from tests.conftest import FakeParts

TIKTOK = "Which companies wanted to buy TikTok's US business?"


@pytest.fixture
def two(fake: FakeParts, seed_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Collection "china": the samples but the TikTok article; collection "tech": only the TikTok article."""
    tech = tmp_path / "tech"
    tech.mkdir()
    for path in seed_dir.iterdir():
        if "tiktok" in path.read_text("utf-8", errors="ignore").lower()[:400]:
            path.rename(tech / path.name)
    assert list(tech.iterdir()), "a sample about TikTok"
    index_paths([seed_dir], fake.parts(collection="china"))
    index_paths([tech], fake.parts(collection="tech"))
    return seed_dir, tech


def test_an_answer_in_one_collection_never_cites_another(fake: FakeParts, two):
    china, tech = two
    for name, folder, other in (("tech", tech, china), ("china", china, tech)):
        pipeline = Pipeline(parts=fake.parts(collection=name), llm=ScriptedChat(replies=["Oracle and Microsoft [1]."]))
        answer = pipeline.answer(TIKTOK)
        sources = {Path(p.source).parent for p in answer.passages}
        assert sources == {folder}, name
        assert all(Path(c.passage.source).parent != other for c in answer.citations)


def test_collections_are_listed_with_what_they_hold(fake: FakeParts, two):
    assert collection_names(fake.settings.home) == ["newsrag", "china", "tech"]
    listed = {c.name: c for c in list_collections(fake.settings)}
    assert listed["newsrag"].articles == 0 and listed["newsrag"].last_indexed is None
    assert listed["tech"].articles >= 1 and listed["china"].articles >= 1
    assert listed["tech"].chunks > 0 and listed["tech"].last_indexed and listed["tech"].embed_model
    assert listed["tech"].folder == fake.settings.home / "collections" / "tech"


def test_deleting_a_collection_leaves_the_others(fake: FakeParts, two):
    delete_collection(fake.parts(collection="tech"))
    assert collection_names(fake.settings.home) == ["newsrag", "china"]
    answer = Pipeline(parts=fake.parts(collection="china"), llm=ScriptedChat(replies=["x [1]."])).answer(TIKTOK)
    assert answer.passages
    with pytest.raises(NotIndexedError):
        delete_collection(fake.parts(collection="tech"))
    with pytest.raises(ValueError, match="cannot be deleted"):
        delete_collection(fake.parts())


def test_a_collection_deleted_under_an_open_pipeline_says_so_and_is_not_re_created(fake: FakeParts, two):
    pipeline = Pipeline(parts=fake.parts(collection="tech"), llm=ScriptedChat(replies=["Oracle [1]."]))
    assert pipeline.answer(TIKTOK).passages
    delete_collection(fake.parts(collection="tech"))
    with pytest.raises(CollectionDeletedError, match="'tech' was deleted"):
        pipeline.answer(TIKTOK)
    with pytest.raises(CollectionDeletedError):  # every later question too, not "nothing indexed"
        pipeline.retrieve(TIKTOK)
    assert not (fake.settings.home / "collections" / "tech").exists()
    assert collection_names(fake.settings.home) == ["newsrag", "china"]


def test_a_collection_rebuilt_under_an_open_pipeline_is_read_afresh(fake: FakeParts, two):
    china, tech = two
    pipeline = Pipeline(parts=fake.parts(collection="tech"), llm=ScriptedChat(replies=["x [1]."] * 2))
    assert {Path(p.source).parent for p in pipeline.retrieve(TIKTOK)} == {tech}
    delete_collection(fake.parts(collection="tech"))
    index_paths([china], fake.parts(collection="tech"))  # the same name, other articles
    assert {Path(p.source).parent for p in pipeline.retrieve(TIKTOK)} == {china}


def test_a_leftover_folder_without_a_catalogue_is_not_listed(fake: FakeParts, two, capsys, monkeypatch):
    from newsrag.cli import main

    (fake.settings.home / "collections" / "ghost").mkdir()
    assert collection_names(fake.settings.home) == ["newsrag", "china", "tech"]
    monkeypatch.setenv("NEWSRAG_HOME", str(fake.settings.home))
    assert main(["collections", "--delete", ""]) == 2  # a missing name, not a listing
    assert "collection name ''" in capsys.readouterr().err


def test_a_bad_collection_name_is_refused(fake: FakeParts):
    with pytest.raises(ValueError, match="collection name"):
        fake.parts(collection="../etc")


def test_a_deleted_article_leaves_retrieval_at_once_and_stays_out(fake: FakeParts, seed_dir: Path):
    parts = fake.parts()
    index_paths([seed_dir], parts)
    pipeline = Pipeline(parts=parts, llm=ScriptedChat(replies=[]))
    before = pipeline.retrieve("How much helium does China use every year?", k=3)
    helium = before[0]
    assert "helium" in helium.text.lower()
    corpus = pipeline.corpus()
    chunks = corpus.catalogue.article(helium.article_id)
    assert chunks is not None
    removed = delete_articles(parts, [helium.article_id])
    assert removed == chunks.chunks
    after = pipeline.retrieve("How much helium does China use every year?", k=8)
    assert helium.article_id not in {p.article_id for p in after}
    assert all(not cid.startswith(helium.article_id) for cid in fake.stores[fake.committed().collection].chunks)
    # Re-indexing the folder, even with the file touched, does not bring it back, and the report says so.
    source = Path(helium.source)
    source.touch()
    report = index_paths([seed_dir], parts)
    assert helium.article_id not in {p.article_id for p in pipeline.retrieve("helium China tonnes", k=8)}
    left_out = [w for w in report.warnings if "deleted in the library" in w["warning"]]
    assert [w["path"] for w in left_out] == [str(source)] and helium.title[:20] in left_out[0]["warning"]
    assert report.articles == fake.catalogue().article_count()  # the deleted one is not counted
    with pytest.raises(NotIndexedError):
        delete_articles(parts, [helium.article_id])


def test_the_library_lists_searches_and_opens_articles(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    catalogue = fake.catalogue()
    listed = catalogue.listing()
    assert len(listed) == catalogue.article_count()
    assert [a.published for a in listed] == sorted((a.published for a in listed), reverse=True)
    found = catalogue.listing("helium")
    assert found and all("helium" in (catalogue.article(a.article_id).text).lower() for a in found)  # type: ignore[union-attr]
    assert catalogue.listing("100%_no_such") == []
    view = catalogue.article(found[0].article_id)
    assert view is not None and view.chunks == found[0].chunks and "helium" in view.text.lower()
    # The library shows how much web clutter was taken out of the article's file: the index report's count.
    record = catalogue.file_records([view.source])[view.source]
    assert view.boilerplate_lines == record.boilerplate_lines
    assert sum(r.boilerplate_lines for r in catalogue.file_records().values()) > 0  # the samples hold some


def test_cli_collections_lists_and_deletes(fake: FakeParts, two, capsys, monkeypatch):
    from newsrag.cli import main

    monkeypatch.setenv("NEWSRAG_HOME", str(fake.settings.home))
    assert main(["collections", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in listed] == ["newsrag", "china", "tech"]
    assert main(["collections"]) == 0
    table = capsys.readouterr().out
    row = next(line.split() for line in table.splitlines() if line.startswith("tech "))
    assert int(row[1]) >= 1 and row[-1] == "hash" and row[-2] == "UTC"  # articles ... last indexed, model
    assert main(["--collection", "tech", "collections", "--delete", "tech"]) == 0
    assert main(["collections", "--delete", "newsrag"]) == 2
    assert "cannot be deleted" in capsys.readouterr().err
    assert main(["index", "--collection", "bad/name"]) == 2
