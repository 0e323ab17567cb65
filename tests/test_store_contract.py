"""One contract, every Store: in-memory, embedded Chroma and a real Chroma server."""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.sweep import Listing
from rag.fakes import MemoryStore
from rag.ports import Store, StoredChunk
from rag.store.chroma_store import ChromaStore, connect
from rag.types import Filters
from tests.servers import chroma_server


def _chunk(cid: str, published: str, source: str = "a.txt") -> StoredChunk:
    return StoredChunk(cid, cid.split(":")[0], f"text of {cid}", f"title {cid}", source, published, 0, 10)


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture(params=["memory", "chroma-embedded", pytest.param("chroma-server", marks=pytest.mark.server)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    url = request.getfixturevalue("server_url") if request.param == "chroma-server" else None
    chroma = ChromaStore(connect(tmp_path, url), f"contract-{tmp_path.name[-20:]}".replace("_", "-"))
    yield chroma
    chroma.drop()


def test_search_ranks_by_cosine_and_reports_similarity(store: Store):
    store.upsert([_chunk("a:0", ""), _chunk("b:0", ""), _chunk("c:0", "")],
                 np.stack([_unit(1, 0, 0), _unit(1, 1, 0), _unit(0, 0, 1)]))
    hits = store.search(_unit(1, 0, 0), 2)
    assert [cid for cid, _ in hits] == ["a:0", "b:0"]
    assert hits[0][1] == pytest.approx(1.0, abs=1e-4) and hits[1][1] == pytest.approx(0.7071, abs=1e-3)


def test_upsert_replaces_and_delete_removes(store: Store):
    store.upsert([_chunk("a:0", "")], np.stack([_unit(1, 0)]))
    store.upsert([_chunk("a:0", ""), _chunk("b:0", "")], np.stack([_unit(0, 1), _unit(1, 0)]))
    assert store.count() == 2
    assert store.search(_unit(1, 0), 1)[0][0] == "b:0"
    store.delete(["b:0", "missing:0"])
    assert store.count() == 1 and [c for c, _ in store.search(_unit(1, 0), 5)] == ["a:0"]


def test_date_and_source_filters(store: Store):
    chunks = [_chunk("a:0", "2020-09-12"), _chunk("b:0", "2023-03-02", "b.txt"), _chunk("c:0", "")]
    store.upsert(chunks, np.stack([_unit(1, 0), _unit(1, 0.1), _unit(1, 0.2)]))
    q = _unit(1, 0)
    assert [c for c, _ in store.search(q, 5, Filters(since=dt.date(2021, 1, 1)))] == ["b:0"]
    assert [c for c, _ in store.search(q, 5, Filters(until=dt.date(2021, 1, 1)))] == ["a:0"]
    assert [c for c, _ in store.search(q, 5, Filters(sources=("b.txt",)))] == ["b:0"]
    assert len(store.search(q, 5, Filters())) == 3


def test_drop_empties_the_collection(store: Store):
    store.upsert([_chunk("a:0", "")], np.stack([_unit(1, 0)]))
    store.drop()
    assert store.count() == 0 and store.search(_unit(1, 0), 3) == []


def test_ids_lists_every_chunk_across_pages(store: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("rag.store.chroma_store._PAGE", 2)  # several pages of ids from Chroma
    assert isinstance(store, Listing)  # both of our stores can list their ids (the orphan sweep needs it)
    assert store.ids() == []
    names = [f"{c}:0" for c in "abcde"]
    store.upsert([_chunk(cid, "") for cid in names], np.stack([_unit(1, i) for i in range(5)]))
    store.delete(["c:0"])
    assert sorted(store.ids()) == ["a:0", "b:0", "d:0", "e:0"]
