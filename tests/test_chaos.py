"""The reliability suite (`make chaos`, marker `chaos`): what a crash or many users at once can do.

Here: `kill -9` of a real `newsrag index` at three moments, then a re-run converges; eight chat sessions at
once through `gradio_client`, each getting the answer to its own question. Marked `chaos` elsewhere: damaged
state files (tests/test_index_repair.py), the bad-input zoo (tests/test_index.py) and the injection suite
(tests/test_injection.py). `make chaos` prints a table of what held.
"""

from __future__ import annotations

import html
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.sweep import Listing
from rag.config import Settings
from rag.parts import build_parts
from rag.store.catalogue import Catalogue, path_for
from rag.store.corpus import Corpus
from tests.servers import free_port, wait_for
from ui.chat import message_text

pytestmark = [pytest.mark.chaos, pytest.mark.model]
SEED = Path(__file__).resolve().parent.parent / "data" / "articles"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_HOME=str(home), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    return env


def _synthetic_articles(folder: Path, n: int) -> None:
    """`n` distinct articles of random words from the samples (distinct enough that near-dup keeps them)."""
    words = sorted(set(re.findall(r"[A-Za-z]{4,}", " ".join(p.read_text("utf-8") for p in SEED.iterdir()))))
    rng = random.Random(7)
    folder.mkdir()
    for i in range(n):
        sentences = [" ".join(rng.choices(words, k=14)).capitalize() + "." for _ in range(30)]
        (folder / f"synthetic_{i:03d}.txt").write_text(f"Synthetic report {i}\n\n" + " ".join(sentences), "utf-8")


def _index(home: Path, *paths: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsrag", "index", *map(str, paths)]
    return subprocess.Popen(command, env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _started(home: Path) -> bool:
    return True


def _embedding(home: Path) -> bool:
    return (home / "written-collections.txt").exists()  # noted just before the first vector is written


def _committing(home: Path) -> bool:
    wal = home / "catalogue.sqlite-wal"  # an index run's first catalogue write is its commit transaction
    return wal.exists() and wal.stat().st_size > 0


def _articles(home: Path) -> set[str]:
    """The committed article ids, read straight from the catalogue."""
    catalogue = Catalogue(path_for(home))
    found = {aid for record in catalogue.file_records().values() for aid in record.articles}
    catalogue.close()
    return found


MOMENTS: dict[str, Callable[[Path], bool]] = {"start": _started, "embedding": _embedding, "commit": _committing}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the sample articles indexed by the real CLI (copied for each test)."""
    home = tmp_path_factory.mktemp("seeded") / "home"
    assert _index(home, SEED).wait(timeout=600) == 0
    return home


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_9_during_an_index_run_keeps_the_last_index_and_a_rerun_converges(seeded: Path, tmp_path: Path,
                                                                                moment: str):
    home, extra = tmp_path / "home", tmp_path / "extra"
    shutil.copytree(seeded, home)
    before = _articles(home)
    _synthetic_articles(extra, 60)
    proc = _index(home, SEED, extra)
    deadline = time.monotonic() + 300
    while proc.poll() is None and not MOMENTS[moment](home) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no clean-up code runs
    proc.wait()
    parts = build_parts(Settings(home=home))
    corpus = Corpus.open(parts)
    assert len(_articles(home)) in (len(before), len(before) + 60)
    assert corpus.keyword("helium", 3)  # the last commit answers
    assert _index(home, SEED, extra).wait(timeout=600) == 0
    assert len(_articles(home)) == len(before) + 60
    catalogue = Catalogue(path_for(home))
    meta = catalogue.meta()
    assert meta is not None
    store = parts.open_store(meta.collection)
    assert isinstance(store, Listing) and sorted(store.ids()) == sorted(catalogue.chunk_ids())


QUESTIONS = {
    "How much helium does China use every year?": "4,300",
    "Which company made an offer to acquire TikTok's operations in the US, Canada, Australia and New Zealand?":
        "microsoft",
    "Which head of Russia's Investigative Committee is on the UK's Magnitsky sanctions list?": "bastrykin",
    "How many huts has China built along the disputed Pangong Lake shoreline?": "186",
    "Which Indian opposition leader asked on Twitter why the Prime Minister was silent?": "gandhi",
    "In which Chinese city did China order US diplomatic staff to leave their consulate?": "chengdu",
    "Where was Liu Xiaoming's live news conference about UK-China relations broadcast?": "twitter",
    "Which security minister called Russian attempts to steal COVID-19 vaccine research unacceptable?":
        "brokenshire",
}


def _plain(message: dict[str, object]) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", message_text(message))).strip()


@pytest.fixture(scope="module")
def chat_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("chaos-home")
    port = free_port()
    with (home.parent / "chaos-server.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "newsrag", "chat", "--port", str(port)], env=_env(home),
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(url, proc, 300)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_eight_chat_sessions_at_once_each_get_the_answer_to_their_own_question(chat_url: str):
    from gradio_client import Client

    answers: dict[str, str] = {}
    asked: dict[str, str] = {}

    def ask(question: str) -> None:
        result = Client(chat_url, verbose=False).predict("newsrag", question, [], "", "", [], 6, api_name="/respond")
        chat = result[1]
        asked[question] = _plain(chat[0])
        answers[question] = _plain(chat[-1]).lower()

    threads = [threading.Thread(target=ask, args=(q,)) for q in QUESTIONS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    assert set(answers) == set(QUESTIONS)
    assert all(asked[q] == q for q in QUESTIONS), asked  # each session shows its own question
    for question, text in answers.items():
        # Another question's key word, unless this question names it too ("on Twitter").
        others = [key for q, key in QUESTIONS.items() if q != question and key not in question.lower()]
        assert not any(key in text for key in others), (question, text)  # nobody else's answer
    right = [q for q, text in answers.items() if QUESTIONS[q] in text]
    assert len(right) >= 6, answers
