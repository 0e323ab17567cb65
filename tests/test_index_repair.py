"""Hostile states of the index: damaged catalogue, nothing indexed, orphan vectors, an old manifest index."""

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from index.pipeline import index_paths
from rag.ports import StoredChunk
from rag.store import catalogue as cat
from rag.store.corpus import Corpus, EmptyIndexError, OldIndexError
from tests.conftest import FakeParts

pytestmark = pytest.mark.chaos


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 3]


def _garbled(data: bytes) -> bytes:
    return bytes(range(100)) + data[100:]  # the SQLite header


def _overwritten(data: bytes) -> bytes:
    return b"[]"


@pytest.mark.parametrize(("damage", "names_collection"), [
    (_truncated, True), (_garbled, True), (lambda data: b"", False), (_overwritten, False),
])
def test_a_damaged_catalogue_is_one_clear_error_and_rebuild_repairs_it(fake, seed_dir, damage, names_collection):
    index_paths([seed_dir], fake.parts())
    first = fake.committed().collection
    path = cat.path_for(fake.settings.home)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.write_bytes(damage(path.read_bytes()))
    attempts: list[Callable[[], object]] = [
        lambda: Corpus.open(fake.parts()), lambda: index_paths([seed_dir], fake.parts())]
    if path.stat().st_size:  # an empty file is a valid empty SQLite database: "nothing indexed"
        for attempt in attempts:
            with pytest.raises(RuntimeError) as caught:
                attempt()
            message = str(caught.value)
            assert isinstance(caught.value, cat.DamagedIndexError) and "\n" not in message
            assert str(path) in message and "`newsrag index --rebuild PATH`" in message
    report = index_paths([seed_dir], fake.parts(), rebuild=True)
    assert report.articles == 12 and report.chunks_added == len(fake.catalogue().chunk_ids())
    assert Corpus.open(fake.parts()).keyword("TikTok", 3)
    # The old vectors go too when the damaged file still names their collection.
    assert (fake.stores[first].count() == 0) == names_collection


@pytest.mark.parametrize("given", ["missing path", "empty file"])
def test_indexing_nothing_leaves_an_empty_valid_index(fake, seed_dir, tmp_path, given):
    path = tmp_path / "nope.txt"
    if given == "empty file":
        path.write_text("")
    report = index_paths([path], fake.parts())
    assert [Path(e.path).name for e in report.errors] == ["nope.txt"] and report.articles == 0
    assert fake.catalogue().article_count() == 0 and fake.stores == {}  # nothing to embed: store never opened
    assert fake.catalogue().keyword(["harbour", "council"], 5) == []
    with pytest.raises(EmptyIndexError, match=r"nothing is indexed yet .*`newsrag index PATH`"):
        Corpus.open(fake.parts())
    assert index_paths([seed_dir], fake.parts()).articles == 12
    assert Corpus.open(fake.parts()).keyword("TikTok", 3)


def test_an_endless_sentence_is_indexed_in_chunks_of_at_most_the_size_with_a_warning(fake, tmp_path):
    folder = tmp_path / "rants"
    folder.mkdir()
    body = "The council said no to the pier and " * 2000  # one sentence of 72,000 characters
    (folder / "rant.txt").write_text(f"Harbour rant\n\n{body}")
    report = index_paths([folder], fake.parts(chunk_chars=600))
    assert report.articles == 1 and report.errors == []
    assert [Path(w["path"]).name for w in report.warnings] == ["rant.txt"]
    assert "a sentence of 71,999 characters, split into chunks of at most 600" in report.warnings[0]["warning"]
    catalogue = fake.catalogue()
    assert max(len(p.text) for p in catalogue.passages(catalogue.chunk_ids()).values()) <= 600
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
    store = fake.stores[fake.committed().collection]
    assert store.count() == len(fake.catalogue().chunk_ids()) + 2
    shutil.rmtree(extra)  # the user gave up on that folder: nothing to embed in the next run
    report = index_paths([seed_dir], fake.parts())
    assert report.orphans_removed == 2 and report.chunks_added == 0
    assert sorted(store.ids()) == sorted(fake.catalogue().chunk_ids())
    assert index_paths([seed_dir], fake.parts()).orphans_removed == 0


def test_a_run_after_a_clean_one_never_lists_the_store(fake, seed_dir, monkeypatch):
    """Listing every vector costs a pass over the whole archive: only a run after a killed one may do it."""
    index_paths([seed_dir], fake.parts())
    store = fake.stores[fake.committed().collection]
    listed: list[int] = []

    def ids(self: object) -> list[str]:
        listed.append(1)
        return list(store.chunks)

    monkeypatch.setattr(type(store), "ids", ids)
    (seed_dir / "zz_pier.txt").write_text("Harbour council votes\n\n" + "The council voted to close the pier. " * 5)
    report = index_paths([seed_dir], fake.parts())
    assert report.chunks_added > 0 and listed == []
    assert sorted(store.chunks) == sorted(fake.catalogue().chunk_ids())


def test_a_killed_rebuild_leaves_no_collection_behind(fake, seed_dir, monkeypatch):
    index_paths([seed_dir], fake.parts())
    committed = fake.committed()
    _killed_while_embedding(fake, monkeypatch, lambda: index_paths([seed_dir], fake.parts(), rebuild=True))
    abandoned = [name for name in fake.stores if name != committed.collection]
    assert len(abandoned) == 1 and fake.stores[abandoned[0]].count() == 2 and fake.committed() == committed
    report = index_paths([seed_dir], fake.parts())
    assert report.orphans_removed == 2 and fake.stores[abandoned[0]].count() == 0
    rebuilt = index_paths([seed_dir], fake.parts(), rebuild=True)
    assert rebuilt.orphans_removed == 0 and fake.stores[committed.collection].count() == 0


def test_the_cli_names_a_damaged_catalogue_and_the_command_that_recovers(tmp_path, capsys):
    from newsrag.cli import main

    home = tmp_path / "home"
    home.mkdir()
    cat.path_for(home).write_bytes(b"not a database, though it has a name like one" * 100)
    assert main(["--home", str(home), "ask", "Who bought TikTok?"]) == 2
    err = capsys.readouterr().err.strip()
    assert "catalogue.sqlite is damaged" in err and "newsrag index --rebuild" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert main(["--home", str(home), "index", str(tmp_path / "missing")]) == 2
    assert "--rebuild" in capsys.readouterr().err


def _manifest_index(fake: FakeParts, seed_dir: Path) -> dict[str, object]:
    """An index as newsrag wrote it before the catalogue: manifest.json, a bm25s folder, vectors in a store."""
    index_paths([seed_dir], fake.parts())
    catalogue, meta = fake.catalogue(), fake.committed()
    records = catalogue.file_records()
    articles: dict[str, dict[str, object]] = {}
    for p in catalogue.passages(catalogue.chunk_ids()).values():
        text = catalogue.article_text(p.article_id)
        entry = articles.setdefault(p.article_id, {
            "title": p.title, "text": text, "source": p.source,
            "published": p.published.isoformat() if p.published else "", "url": "",
            "signature": json.loads(catalogue._rows("SELECT signature FROM articles WHERE id=?", [p.article_id])[0][0]),
            "chunks": []})
        entry["chunks"].append([p.chunk_id, p.start, p.end])  # type: ignore[attr-defined]
    manifest = {"version": 1, "collection": meta.collection, "embed_model": meta.embed_model,
                "chunking": meta.chunking, "keyword_dir": "bm25-1234abcd",
                "files": {path: {"sha256": r.sha256, "articles": r.articles, "duplicates": r.duplicates,
                                 "boilerplate_lines": r.boilerplate_lines, "errors": r.errors, "warnings": r.warnings}
                          for path, r in records.items()},
                "articles": articles, "pending_deletes": []}
    catalogue.close()
    for name in (cat.FILE, f"{cat.FILE}-wal", f"{cat.FILE}-shm"):
        (fake.settings.home / name).unlink(missing_ok=True)
    (fake.settings.home / "manifest.json").write_text(json.dumps(manifest))
    (fake.settings.home / "bm25-1234abcd").mkdir()
    return manifest


def test_an_index_from_before_the_catalogue_is_converted_without_embedding_again(fake, seed_dir):
    manifest = _manifest_index(fake, seed_dir)
    with pytest.raises(OldIndexError, match="run `newsrag index` once to convert it"):
        Corpus.open(fake.parts())
    report = index_paths([seed_dir], fake.parts())
    assert report.articles == 12 and report.chunks_added == 0 and report.chunks_removed == 0
    assert fake.committed().collection == manifest["collection"]
    assert not (fake.settings.home / "manifest.json").exists() and not (fake.settings.home / "bm25-1234abcd").exists()
    assert (fake.settings.home / "manifest.json.converted").exists()
    hits = Corpus.open(fake.parts()).keyword("TikTok Oracle", 3)
    assert hits and all(cid in fake.stores[fake.committed().collection].chunks for cid, _ in hits)


def test_a_catalogue_that_is_another_sqlite_database_is_damaged_not_empty(fake, seed_dir):
    home = fake.settings.home
    home.mkdir(parents=True)
    with sqlite3.connect(cat.path_for(home)) as db:
        db.execute("CREATE TABLE meta(x)")
    with pytest.raises(cat.DamagedIndexError):
        Corpus.open(fake.parts())
