"""Several processes on one index: readers keep answering while another process indexes, and see its commit
at their next question, with Chroma embedded and as a real server."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import rag
from rag.config import Settings
from tests.servers import chroma_server

pytestmark = [pytest.mark.chaos, pytest.mark.model]
BELL = ("Glass bell cast in Veltrana\n\ndate 2021-03-02\n\nThe town of Veltrana cast a glass bell weighing 2,417 "
        "kilograms for its harbour tower. The foundry needed nine days to cool the glass.\n")
QUESTION = "How much does the Veltrana glass bell weigh?"


def _env(home: Path, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_HOME=str(home), HF_HUB_OFFLINE="1")
    return env | ({"NEWSRAG_CHROMA_URL": url} if url else {})


def _index(home: Path, url: str | None, *paths: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "newsrag", "index", *map(str, paths)], env=_env(home, url),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(params=["embedded", "server"])
def chroma_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    if request.param == "embedded":
        yield None
    else:
        with chroma_server(tmp_path / "chroma-server") as url:
            yield url


def test_a_reader_keeps_answering_while_another_process_indexes_and_sees_its_commit(
    tmp_path: Path, seed_dir: Path, chroma_url: str | None
):
    home = tmp_path / "home"
    assert _index(home, chroma_url, seed_dir).wait(timeout=600) == 0
    rag.configure(Settings(home=home, chroma_url=chroma_url))
    assert not any("Veltrana" in p.text for p in rag.retrieve(QUESTION, k=3))

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "bell.txt").write_text(BELL, "utf-8")
    for i in range(12):  # enough to keep the indexer busy while this process reads
        (extra / f"filler_{i:02d}.txt").write_text((seed_dir / "003_ceb1761aac35b2bc.txt").read_text("utf-8")
                                                   .replace("TikTok", f"Filler{i} app"), "utf-8")
    writer = _index(home, chroma_url, seed_dir, extra)
    answered = 0
    while writer.poll() is None:  # the reader is never blocked and never sees half a commit
        passages = rag.retrieve("Which companies wanted to buy TikTok?", k=3)
        assert passages and all(p.text for p in passages)
        answered += 1
        time.sleep(0.05)
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert answered > 0
    found = rag.retrieve(QUESTION, k=3)  # the same process, no restart
    assert "2,417 kilograms" in found[0].text


def test_a_second_indexer_waits_for_the_first_and_says_so(tmp_path: Path, seed_dir: Path):
    import fcntl

    home = tmp_path / "home"
    home.mkdir()
    with open(home / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running `newsrag index` holds it
        second = _index(home, None, seed_dir)
        time.sleep(3)
        assert second.poll() is None  # waiting, not failing and not writing
        fcntl.flock(held, fcntl.LOCK_UN)
    assert second.wait(timeout=600) == 0
    err = second.stderr.read().decode() if second.stderr else ""
    assert "another index run is writing" in err and str(home) in err
