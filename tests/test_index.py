"""The indexing pipeline with fast fakes: counts, incremental runs, deletions, bad input, interruption."""

import sqlite3
from pathlib import Path

import pytest

from index.pipeline import index_paths
from rag.retrieve import SentenceCache, dense_search, hybrid_search
from rag.store.article import ArticleText
from rag.store.corpus import Corpus
from tests.conftest import FakeParts
from tests.test_clean_split import BOILERPLATE


def _chunks(fake: FakeParts) -> dict[str, str]:
    return {c.chunk_id: c.text for c in fake.stores[fake.committed().collection].chunks.values()}


def test_seed_corpus_report(fake: FakeParts, seed_dir: Path):
    report = index_paths([seed_dir], fake.parts())
    assert (report.files, report.articles, report.duplicates) == (5, 12, 2)
    assert report.chunks_added == len(_chunks(fake)) > 12 and report.errors == []
    assert report.boilerplate_lines > 50
    assert {d["title"][:14] for d in report.duplicate_articles} == {"China launches", "US retaliation"}
    for text in _chunks(fake).values():
        assert not BOILERPLATE.search(text)


def test_second_run_adds_nothing_and_embeds_nothing(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    calls = len(fake.embedder.calls)
    report = index_paths([seed_dir], fake.parts())
    assert (report.chunks_added, report.chunks_removed, report.articles, report.duplicates) == (0, 0, 12, 2)
    assert len(fake.embedder.calls) == calls


def test_editing_one_article_reembeds_only_that_article(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    before = _chunks(fake)
    path = seed_dir / "003_ceb1761aac35b2bc.txt"
    path.write_text(path.read_text().replace("3 Min Read", "3 Min Read\n\nThe ministry declined to comment."))
    calls = len(fake.embedder.calls)
    report = index_paths([seed_dir], fake.parts())
    after = _chunks(fake)
    new_ids = set(after) - set(before)
    chunks, sentences = fake.embedder.calls[calls:]  # the new chunks, then the sentences not stored yet
    assert report.chunks_added == len(new_ids) == chunks
    assert 0 < sentences <= len(ArticleText(path.read_text()).spans) + 2 * chunks
    gone = set(before) - set(after)
    assert len({cid.split(":")[0] for cid in new_ids}) == len({cid.split(":")[0] for cid in gone}) == 1
    assert any("declined to comment" in after[c] for c in new_ids)
    assert report.chunks_removed == len(gone)


def test_a_file_holding_many_articles_changes_only_the_edited_one(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    path = seed_dir / "001_6e42feeb05231df3.txt"
    path.write_text(path.read_text().replace("Building more plants", "Building many more plants"))
    report = index_paths([seed_dir], fake.parts())
    catalogue = fake.catalogue()
    assert report.articles == 12 == catalogue.article_count()
    helium = [p for p in catalogue.passages(catalogue.chunk_ids()).values() if p.title.startswith("China retaliation")]
    assert report.chunks_added == len(helium)


def test_deleting_a_file_removes_its_chunks(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    (seed_dir / "004_be98c239c1c32342.txt").unlink()
    report = index_paths([seed_dir], fake.parts())
    assert report.articles == 11 and report.chunks_removed > 0
    assert not any("Kudlow" in t for t in _chunks(fake).values())


def test_other_paths_are_left_alone(fake: FakeParts, seed_dir: Path, tmp_path: Path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "a.txt").write_text("Harbour council votes today\n\n" + "The council voted to close the pier. " * 5)
    index_paths([seed_dir], fake.parts())
    report = index_paths([extra], fake.parts())
    assert report.articles == 1
    assert fake.catalogue().article_count() == 13


@pytest.mark.chaos
def test_bad_files_are_reported_and_the_rest_indexed(fake: FakeParts, seed_dir: Path):
    (seed_dir / "empty.txt").write_text("")
    (seed_dir / "image.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (seed_dir / "latin.txt").write_bytes("Le café était fermé à Paris.".encode("latin-1"))
    (seed_dir / "broken.json").write_text("[{")
    (seed_dir / "huge.txt").write_text("Big news. " * 300_000)
    report = index_paths([seed_dir, seed_dir / "nope.md"], fake.parts(max_file_bytes=1_000_000))
    reasons = {Path(e.path).name: e.error for e in report.errors}
    assert set(reasons) == {"empty.txt", "image.txt", "latin.txt", "broken.json", "huge.txt", "nope.md"}
    assert "limit" in reasons["huge.txt"] and "UTF-8" in reasons["latin.txt"]
    assert report.articles == 12


def test_near_copy_in_another_file_is_skipped(fake: FakeParts, seed_dir: Path):
    text = (seed_dir / "003_ceb1761aac35b2bc.txt").read_text()
    (seed_dir / "syndicated.txt").write_text(text.replace("3 Min Read", "Via Example Wire"))
    report = index_paths([seed_dir], fake.parts())
    assert report.articles == 12 and report.duplicates == 3
    assert any(not d["exact"] for d in report.duplicate_articles)


@pytest.mark.chaos
def test_interrupted_run_keeps_previous_index_and_next_run_finishes(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    old = fake.committed(), sorted(fake.catalogue().chunk_ids())
    extra = seed_dir / "zz_new.txt"
    extra.write_text("Harbour council votes today\n\n" + "The harbour council voted to close the pier. " * 40)
    embed = fake.embedder.embed

    def crash(texts, kind):
        fake.embedder.embed = embed  # type: ignore[method-assign]
        raise KeyboardInterrupt

    fake.embedder.embed = crash  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        index_paths([seed_dir], fake.parts())
    assert (fake.committed(), sorted(fake.catalogue().chunk_ids())) == old
    corpus = Corpus.open(fake.parts())
    hits = dense_search("harbour council pier", corpus, fake.parts(), 3)
    assert hits and all("harbour" not in p.text for p in hits)
    report = index_paths([seed_dir], fake.parts())
    assert report.articles == 13 and report.chunks_added > 0
    assert "harbour" in dense_search("harbour council pier", Corpus.open(fake.parts()), fake.parts(), 1)[0].text


def test_rebuild_starts_a_new_collection_and_drops_the_old(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    first = fake.committed()
    report = index_paths([seed_dir], fake.parts(), rebuild=True)
    second = fake.committed()
    assert first.collection != second.collection
    assert report.chunks_added == len(fake.catalogue().chunk_ids())
    assert fake.stores[first.collection].count() == 0


def test_changing_chunk_size_reindexes(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    report = index_paths([seed_dir], fake.parts(chunk_chars=300))
    assert report.chunks_added == len(fake.catalogue().chunk_ids())
    assert all(len(t) <= 300 for t in _chunks(fake).values())


def test_new_sentence_rules_rechunk_an_existing_index(fake: FakeParts, seed_dir: Path, monkeypatch):
    """An index chunked by older sentence rules keeps chunks split where the rules now see one sentence."""
    import index.pipeline
    from rag.text import SENTENCE_RULES

    index_paths([seed_dir], fake.parts())
    assert index_paths([seed_dir], fake.parts()).chunks_added == 0
    monkeypatch.setattr(index.pipeline, "SENTENCE_RULES", SENTENCE_RULES + 1)
    report = index_paths([seed_dir], fake.parts())
    assert report.chunks_added == len(fake.catalogue().chunk_ids()) > 0


def test_retrieval_filters_by_date_and_source(fake: FakeParts, seed_dir: Path):
    import datetime as dt

    from rag.types import Filters

    index_paths([seed_dir], fake.parts())
    corpus = Corpus.open(fake.parts())
    dated = dense_search("TikTok sanctions", corpus, fake.parts(), 5, Filters(since=dt.date(2020, 1, 1)))
    assert dated and {p.published for p in dated} == {dt.date(2020, 9, 12)}
    source = str(seed_dir.resolve() / "003_ceb1761aac35b2bc.txt")
    only = dense_search("TikTok", corpus, fake.parts(), 5, Filters(sources=(source,)))
    assert only and {p.source for p in only} == {source}


def test_common_words_are_left_out_of_the_keyword_search(fake: FakeParts, seed_dir: Path, monkeypatch):
    """At scale a common word's posting list is what slows a search; its BM25 weight is small anyway."""
    from rag.tuning import RETRIEVAL

    index_paths([seed_dir], fake.parts())
    corpus = Corpus.open(fake.parts())
    exact = corpus.catalogue.keyword(["china", "helium", "tonnes"], 3)
    monkeypatch.setitem(RETRIEVAL, "common_floor", 5)  # as if the 80 sample chunks were a big archive
    searched: list[list[str]] = []
    search = corpus.catalogue.keyword

    def spy(words: list[str], k: int, filters: object = None, outlet: str | None = None) -> list[tuple[str, float]]:
        searched.append(words)
        return search(words, k, None, outlet)

    monkeypatch.setattr(corpus.catalogue, "keyword", spy)
    found = corpus.keyword("China helium tonnes", 3)
    assert sorted(searched[-1]) == ["helium", "tonnes"] and found[0][0] == exact[0][0]
    assert corpus.keyword("China trade", 3) and searched[-1] == ["trade"]  # all common: the rarer one


def test_a_name_typed_as_one_word_is_searched_as_the_articles_write_it(fake: FakeParts, seed_dir: Path):
    # "pangonglake" matched nothing the samples hold; they write "Pangong Lake".
    from rag.retrieve import hybrid_search, lexical_overlap

    index_paths([seed_dir], fake.parts())
    corpus = Corpus.open(fake.parts())
    assert corpus.spelled_apart("where is pangonglake?") == "where is pangong lake?"
    assert corpus.spelled_apart("tiktok ban") == "tiktok ban"  # words the archive holds stay as typed
    assert corpus.spelled_apart("where is xqzvbwlake?") == "where is xqzvbwlake?"  # no split the archive holds
    found = hybrid_search("where is pangonglake?", corpus, fake.parts(), 3)
    assert any("Pangong Lake" in s.info.text for s in found)
    assert lexical_overlap({"pangonglake": 2.0, "where": 1.0}, "the shore of Pangong Lake") == 2.0 / 3


def test_a_rerun_reads_only_files_whose_size_or_time_changed(fake: FakeParts, seed_dir: Path, monkeypatch):
    import os

    import index.pipeline
    from index.load import read_bytes

    index_paths([seed_dir], fake.parts())
    read: list[str] = []

    def counted(path: Path, limit: int) -> bytes:
        read.append(path.name)
        return read_bytes(path, limit)

    monkeypatch.setattr(index.pipeline, "read_bytes", counted)
    assert index_paths([seed_dir], fake.parts()).articles == 12 and read == []
    touched = seed_dir / "003_ceb1761aac35b2bc.txt"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    report = index_paths([seed_dir], fake.parts())
    assert read == [touched.name] and report.chunks_added == report.chunks_removed == 0
    read.clear()
    assert index_paths([seed_dir], fake.parts()).articles == 12 and read == []  # its new time was recorded


def test_answering_reads_the_sentence_vectors_the_index_run_stored(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    corpus = Corpus.open(fake.parts())
    calls = len(fake.embedder.calls)
    found = hybrid_search("Who is Zhao Lijian?", corpus, fake.parts(), 4, cache=SentenceCache())
    assert found and max(found[0].sims) > 0.1
    assert fake.embedder.calls[calls:] == [1]  # the question alone: no sentence embedded while it waits
    fresh = fake.embedder.embed([found[0].best_sentence()], "document")[0]
    stored = corpus.sentence_vectors([found[0].best_sentence()])[found[0].best_sentence()]
    assert abs(float(fresh @ stored) - 1.0) < 1e-5


def test_an_index_from_before_sentences_were_stored_is_filled_once(fake: FakeParts, seed_dir: Path):
    index_paths([seed_dir], fake.parts())
    db = sqlite3.connect(fake.settings.home / "catalogue.sqlite")
    with db:
        db.execute("DROP TABLE sentences")
        db.execute("DELETE FROM meta WHERE key='sentences'")
    db.close()
    corpus = Corpus.open(fake.parts())
    assert corpus.sentence_vectors(["Zhao Lijian said."]) == {}  # an old catalogue still answers
    calls = len(fake.embedder.calls)
    report = index_paths([seed_dir], fake.parts())
    assert report.chunks_added == 0 and len(fake.embedder.calls) > calls
    calls = len(fake.embedder.calls)
    index_paths([seed_dir], fake.parts())
    assert len(fake.embedder.calls) == calls
    hybrid_search("Who is Zhao Lijian?", Corpus.open(fake.parts()), fake.parts(), 4, cache=SentenceCache())
    assert fake.embedder.calls[calls:] == [1]
