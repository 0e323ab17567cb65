from __future__ import annotations

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
