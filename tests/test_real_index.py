"""End to end with the real parts: bundled MiniLM embedder, Chroma embedded and as a real server."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rag
from rag.config import Settings
from tests.servers import chroma_server

pytestmark = pytest.mark.model


def _newsrag(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsrag", *args], capture_output=True, text=True, env=env, timeout=600, check=True
    )


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    return {**env, "NEWSRAG_HOME": str(home), "HF_HUB_OFFLINE": "1", **extra}


def test_cli_indexes_the_bundled_articles_and_retrieves(tmp_path: Path, seed_dir: Path):
    env = _env(tmp_path / "home")
    first = json.loads(_newsrag("index", str(seed_dir), "--json", env=env).stdout.splitlines()[-1])
    assert first["articles"] == 12 and first["duplicates"] >= 2 and first["errors"] == []
    assert first["chunks_added"] > 12
    again = json.loads(_newsrag("index", str(seed_dir), "--json", env=env).stdout.splitlines()[-1])
    assert again["chunks_added"] == 0 and again["articles"] == 12

    rag.configure(Settings(home=tmp_path / "home"))
    passages = rag.retrieve("Which country opened a plant to produce helium on a commercial scale?", k=3)
    assert passages[0].title.startswith("China retaliation: Large-scale Chinese gas plant")
    assert "helium" in passages[0].text and passages[0].score > 0.3
    dated = rag.retrieve("reciprocal restrictions on the US embassy", k=2)
    assert dated[0].published == dt.date(2020, 9, 12)


@pytest.mark.server
def test_server_mode_indexes_into_a_real_chroma_server(tmp_path: Path, seed_dir: Path):
    with chroma_server(tmp_path / "server-data") as url:
        env = _env(tmp_path / "home", NEWSRAG_CHROMA_URL=url)
        report = json.loads(_newsrag("index", str(seed_dir), "--json", env=env).stdout.splitlines()[-1])
        assert report["articles"] == 12
        rag.configure(Settings(home=tmp_path / "home", chroma_url=url))
        passages = rag.retrieve("What did Dominic Raab say about China?", k=3)
        assert any("Raab" in p.title for p in passages)
    assert not (tmp_path / "home" / "chroma").exists()  # nothing went to the embedded store


def test_only_initials_the_real_embedder_does_not_know_are_written_out(tmp_path: Path, seed_dir: Path):
    # MiniLM reads "US" as "United States" (0.80) but not "CCP" as "Chinese Communist Party" (0.35): only the
    # second is searched again written out.
    from rag import api
    from rag.answering.initials import spell
    from rag.answering.spec import parse
    from rag.trace import Trace

    _newsrag("index", str(seed_dir), env=_env(tmp_path / "home"))
    rag.configure(Settings(home=tmp_path / "home"))
    question = "Did a US official say TikTok fed data to the CCP?"
    passages = rag.retrieve(question, k=12)
    spec = parse(question, question, lambda _: [], None)
    spelled = spell(spec, passages, Trace(), True, api.default().parts.embedder)
    assert spelled is not None
    assert spelled.question == "Did a US official say TikTok fed data to the Chinese Communist Party (CCP)?"
