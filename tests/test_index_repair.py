"""Hostile states of the index: damaged manifest, lost keyword index, nothing indexed, orphan vectors."""

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.pipeline import index_paths
from rag import manifest as mf
from rag.corpus import Corpus, EmptyIndexError
from rag.keyword import KeywordIndex
from rag.ports import StoredChunk
from tests.conftest import FakeParts

pytestmark = pytest.mark.chaos


def _committed(fake: FakeParts) -> mf.Manifest:
    manifest = mf.load(fake.settings.home)
    assert manifest is not None
    return manifest


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _garbled(data: bytes) -> bytes:
    return data[:300] + b"\xff\xfe\x80" + data[303:]


@pytest.mark.parametrize(("damage", "names_collection"), [
    (_truncated, True), (_garbled, True), (lambda data: b"", False), (lambda data: b"[]", False),
])
def test_a_damaged_manifest_is_one_clear_error_and_rebuild_repairs_it(fake, seed_dir, damage, names_collection):
    index_paths([seed_dir], fake.parts())
    first = _committed(fake).collection
    path = mf.path_for(fake.settings.home)
    path.write_bytes(damage(path.read_bytes()))
    for attempt in (lambda: mf.load(fake.settings.home), lambda: Corpus.open(fake.parts()),
                    lambda: index_paths([seed_dir], fake.parts())):
        with pytest.raises(RuntimeError) as caught:
            attempt()
        message = str(caught.value)
        assert isinstance(caught.value, mf.DamagedIndexError) and "\n" not in message
        assert str(path) in message and "`newsrag index --rebuild PATH`" in message
    report = index_paths([seed_dir], fake.parts(), rebuild=True)
    assert report.articles == 12 and report.chunks_added == len(_committed(fake).chunk_ids())
    assert Corpus.open(fake.parts()).keyword.search("TikTok", 3)
    # The old vectors go too when the damaged file still names their collection.
    assert (fake.stores[first].count() == 0) == names_collection


@pytest.mark.parametrize("damage", ["folder deleted", "chunk ids deleted", "model garbled"])
def test_a_lost_keyword_index_is_rebuilt_from_the_manifest_with_a_warning(fake, seed_dir, damage, caplog):
    index_paths([seed_dir], fake.parts())
    folder = fake.settings.home / _committed(fake).keyword_dir
    expected = KeywordIndex.load(folder).search("TikTok sanctions", 5)
    if damage == "folder deleted":
        shutil.rmtree(folder)
    elif damage == "chunk ids deleted":
        (folder / "chunk_ids.txt").unlink()
    else:
        for part in folder.glob("*.json"):
            part.write_bytes(b"\x00garbage")
    with caplog.at_level(logging.WARNING, logger="rag.corpus"):
        corpus = Corpus.open(fake.parts())
    assert "rebuilding the keyword index" in caplog.text and str(folder) in caplog.text
    assert corpus.keyword.search("TikTok sanctions", 5) == expected
    assert KeywordIndex.load(folder).search("TikTok sanctions", 5) == expected  # saved for the next reader
    assert not [p for p in fake.settings.home.iterdir() if p.name.startswith(".bm25")]
    caplog.clear()
    Corpus.open(fake.parts())
    assert not caplog.text


def test_a_killed_keyword_save_never_leaves_a_half_index_under_its_name(tmp_path, monkeypatch):
    index = KeywordIndex.build(["a:0", "b:0"], ["harbour council", "pier vote"])

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", killed)  # dies after bm25s wrote its files, before the ids
    with pytest.raises(KeyboardInterrupt):
        index.save(tmp_path / "bm25-x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("given", ["missing path", "empty file"])
def test_indexing_nothing_leaves_an_empty_valid_index(fake, seed_dir, tmp_path, given):
    path = tmp_path / "nope.txt"
    if given == "empty file":
        path.write_text("")
    report = index_paths([path], fake.parts())
    assert [Path(e.path).name for e in report.errors] == ["nope.txt"] and report.articles == 0
    manifest = _committed(fake)
    assert manifest.articles == {} and fake.stores == {}  # nothing to embed: the store is never opened
    assert KeywordIndex.load(fake.settings.home / manifest.keyword_dir).search("harbour council", 5) == []
    with pytest.raises(EmptyIndexError, match=r"nothing is indexed yet .*`newsrag index PATH`"):
        Corpus.open(fake.parts())
    assert index_paths([seed_dir], fake.parts()).articles == 12
    assert Corpus.open(fake.parts()).keyword.search("TikTok", 3)


def test_an_endless_sentence_is_indexed_in_chunks_of_at_most_the_size_with_a_warning(fake, tmp_path):
    folder = tmp_path / "rants"
    folder.mkdir()
    body = "The council said no to the pier and " * 2000  # one sentence of 72,000 characters
    (folder / "rant.txt").write_text(f"Harbour rant\n\n{body}")
    report = index_paths([folder], fake.parts(chunk_chars=600))
    assert report.articles == 1 and report.errors == []
    assert [Path(w["path"]).name for w in report.warnings] == ["rant.txt"]
    assert "a sentence of 71,999 characters, split into chunks of at most 600" in report.warnings[0]["warning"]
    manifest = _committed(fake)
    record = next(iter(manifest.articles.values()))
    assert max(end - start for _, start, end in record.chunks) <= 600
    assert index_paths([folder], fake.parts(chunk_chars=600)).warnings == report.warnings  # kept, not re-parsed


def _chunk(cid: str) -> StoredChunk:
    return StoredChunk(cid, cid.split(":")[0], "left over", "Left over", "gone.txt", "", 0, 9)


def _killed_while_embedding(fake: FakeParts, monkeypatch: pytest.MonkeyPatch, run: object) -> None:
    """Run `run` with embedding in slices of 2 and a kill at the second slice (the first one is stored)."""
    monkeypatch.setattr("index.pipeline._EMBED_SLICE", 2)
    embed = fake.embedder.embed

    def killed(texts, kind):
        fake.embedder.embed = embed  # type: ignore[method-assign]
        raise KeyboardInterrupt

    def first_then_killed(texts, kind):
        fake.embedder.embed = killed  # type: ignore[method-assign]
        return embed(texts, kind)

    fake.embedder.embed = first_then_killed  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        run()  # type: ignore[operator]


def test_vectors_of_a_killed_run_are_removed_by_the_next_commit(fake, seed_dir, tmp_path, monkeypatch):
    index_paths([seed_dir], fake.parts())
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "pier.txt").write_text("Harbour council votes\n\n" + "The council voted to close the pier. " * 60)
    _killed_while_embedding(fake, monkeypatch, lambda: index_paths([seed_dir, extra], fake.parts()))
    store = fake.stores[_committed(fake).collection]
    assert store.count() == len(_committed(fake).chunk_ids()) + 2
    shutil.rmtree(extra)  # the user gave up on that folder: nothing to embed in the next run
    report = index_paths([seed_dir], fake.parts())
    assert report.orphans_removed == 2 and report.chunks_added == 0
    assert sorted(store.ids()) == sorted(_committed(fake).chunk_ids())
    assert index_paths([seed_dir], fake.parts()).orphans_removed == 0


def test_leftover_vectors_are_removed_by_the_next_run_that_writes(fake, seed_dir, tmp_path):
    index_paths([seed_dir], fake.parts())
    store = fake.stores[_committed(fake).collection]
    store.upsert([_chunk("gone:0"), _chunk("gone:1")], np.eye(2, 256, dtype=np.float32))
    (seed_dir / "zz_pier.txt").write_text("Harbour council votes\n\n" + "The council voted to close the pier. " * 5)
    report = index_paths([seed_dir], fake.parts())
    assert report.orphans_removed == 2 and report.chunks_added > 0
    assert sorted(store.ids()) == sorted(_committed(fake).chunk_ids())


def test_a_killed_rebuild_leaves_no_collection_behind(fake, seed_dir, monkeypatch):
    index_paths([seed_dir], fake.parts())
    committed = _committed(fake)
    _killed_while_embedding(fake, monkeypatch, lambda: index_paths([seed_dir], fake.parts(), rebuild=True))
    abandoned = [name for name in fake.stores if name != committed.collection]
    assert len(abandoned) == 1 and fake.stores[abandoned[0]].count() == 2 and _committed(fake) == committed
    report = index_paths([seed_dir], fake.parts())
    assert report.orphans_removed == 2 and fake.stores[abandoned[0]].count() == 0
    rebuilt = index_paths([seed_dir], fake.parts(), rebuild=True)
    assert rebuilt.orphans_removed == 0 and fake.stores[committed.collection].count() == 0


def test_the_cli_names_a_damaged_manifest_and_the_command_that_recovers(tmp_path, capsys):
    from rag.cli import main

    home = tmp_path / "home"
    home.mkdir()
    (home / "manifest.json").write_bytes(b'{"version": 1, "collection": "newsrag-1", "files": {')
    assert main(["--home", str(home), "ask", "Who bought TikTok?"]) == 2
    err = capsys.readouterr().err.strip()
    assert "manifest.json is damaged" in err and "newsrag index --rebuild" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert main(["--home", str(home), "index", str(tmp_path / "missing")]) == 2
    assert "--rebuild" in capsys.readouterr().err
