from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.config import Settings
from rag.fakes import HashEmbedder, MemoryStore, ScriptedChat
from rag.parts import Parts
from rag.ports import Store
from rag.store.catalogue import Catalogue, Meta, path_for

SEED = Path(__file__).resolve().parent.parent / "data" / "articles"
# Test runs (and the processes they start) never write the project's test ledger.
os.environ["NEWSRAG_LEDGER"] = str(Path(tempfile.mkdtemp(prefix="newsrag-ledger-")) / "ledger.jsonl")
# The modules that run the real model, longest first (seconds on the 2-core machine): with `make test`'s two
# workers, a long module started last would leave one worker running alone at the end.
_LONG = {"test_ui_browser": 280, "test_chaos": 250, "test_eval_ci": 155, "test_service_real": 127,
         "test_processes": 75, "test_hostile": 75, "test_injection": 67, "test_real_answer": 58,
         "test_real_index": 50, "test_openai_backend": 43, "test_auth": 28}


def pytest_configure(config: pytest.Config) -> None:
    """Under `pytest -n N` (make test), each worker runs on cores of its own, and so do the servers and CLIs
    its tests start: the models size their threads to them (rag.models.cpus). Two workers sharing both cores
    would run four model threads on two cores, each spinning while it waits for the others."""
    worker, count = os.environ.get("PYTEST_XDIST_WORKER"), int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if worker and count > 1 and hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) >= count:
            os.sched_setaffinity(0, cores[int(worker.removeprefix("gw")) :: count])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: -_LONG.get(item.path.stem, 0))  # stable: file order within a module is kept


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled sample articles, so tests may edit and delete files."""
    target = tmp_path / "articles"
    shutil.copytree(SEED, target)
    return target


class FakeParts:
    """Fast parts for our own logic: hashing embedder and in-memory stores keyed by collection."""

    def __init__(self, home: Path) -> None:
        self.embedder = HashEmbedder()
        self.stores: dict[str, MemoryStore] = {}
        self.settings = Settings(home=home)

    def parts(self, **overrides: object) -> Parts:
        settings = Settings(**{"home": self.settings.home, **overrides})  # type: ignore[arg-type]
        return Parts(settings, self.embedder, self.open_store)

    def open_store(self, collection: str) -> Store:
        return self.stores.setdefault(collection, MemoryStore())

    def catalogue(self) -> Catalogue:
        return Catalogue(path_for(self.settings.home))

    def committed(self) -> Meta:
        """The committed index's settings and collection (fails when nothing was committed)."""
        catalogue = self.catalogue()
        meta = catalogue.meta()
        catalogue.close()
        assert meta is not None
        return meta


def index_articles(fake: FakeParts, folder: Path, articles: list[dict[str, str]]) -> ScriptedChat:
    """Index `articles` (one JSON article file each) with fakes and configure `rag` with a model scripted to
    write nothing: an answer built from the passages never asks it."""
    import rag
    from index.pipeline import index_paths

    folder.mkdir()
    for n, article in enumerate(articles):
        (folder / f"{n}.json").write_text(json.dumps(article))
    index_paths([folder], fake.parts())
    llm = ScriptedChat(replies=[])
    rag.configure(parts=fake.parts(), llm=llm)
    return llm


@pytest.fixture
def fake(tmp_path: Path) -> FakeParts:
    return FakeParts(tmp_path / "home")


@pytest.fixture
def scripted(fake: FakeParts, seed_dir: Path) -> Callable[..., ScriptedChat]:
    """Index the samples with fakes and configure `rag` with a scripted LLM; returns a script setter that
    takes the replies in order and any settings to override."""
    import rag
    from index.pipeline import index_paths

    index_paths([seed_dir], fake.parts())

    def script(*replies: str, **settings: object) -> ScriptedChat:
        llm = ScriptedChat(replies=list(replies))
        rag.configure(parts=fake.parts(**settings), llm=llm)
        return llm

    return script


# The reliability suite's table (`make chaos`): one line per chaos-marked test, held or broke.
_CHAOS: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "chaos" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _CHAOS.append((report.nodeid, "held" if report.passed else "skipped" if report.skipped else "BROKE"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _CHAOS:
        return
    terminalreporter.write_sep("=", "reliability: what held")
    terminalreporter.write_line("| check | result |")
    terminalreporter.write_line("|---|---|")
    for nodeid, result in _CHAOS:
        module, _, test = nodeid.partition("::")
        terminalreporter.write_line(f"| `{test}` ({Path(module).stem}) | {result} |")
    held = sum(1 for _, r in _CHAOS if r == "held")
    terminalreporter.write_line(f"\n{held} of {len(_CHAOS)} held")
