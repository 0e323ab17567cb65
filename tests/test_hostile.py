"""A logged-in user against a real `newsrag chat --auth-file` (issue "the newest surfaces, hardened"): server
paths sent to the upload call, a collection deleted under an open tab, a question of 20,000 characters.

One server for the module; each test replays a probe's reproduction through `gradio_client`, as a hostile
but realistic client would, and checks on disk that nothing it should not reach was read or re-created.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from rag.store.catalogue import Catalogue, path_for
from tests.servers import free_port, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.model]
SEED = Path(__file__).resolve().parent.parent / "data" / "articles"
LOGIN = ("ana", "s3cret")


@dataclass(frozen=True)
class Server:
    url: str
    home: Path
    cache: Path  # Gradio's upload folder for this server (GRADIO_TEMP_DIR)
    secret: Path  # a file of the server's user, mode 600, that no client may read
    logins: Path
    env: dict[str, str]

    def client(self) -> Any:
        from gradio_client import Client

        return Client(self.url, auth=LOGIN, verbose=False)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "newsrag", *args], env=self.env, capture_output=True,
                              text=True, timeout=600)

    def titles(self) -> list[str]:
        catalogue = Catalogue(path_for(self.home))
        try:
            return [a.title for a in catalogue.listing(limit=1000)]
        finally:
            catalogue.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("hostile")
    home, cache = root / "home", root / "gradio-cache"
    secret = root / "secret.txt"
    secret.write_text("Private notes\n\nThe database password is hunter2-zebra.\n", "utf-8")
    secret.chmod(0o600)
    logins = root / "logins.txt"
    logins.write_text(f"{LOGIN[0]}:{LOGIN[1]}\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_HOME=str(home), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
               GRADIO_TEMP_DIR=str(cache))
    made = subprocess.run([sys.executable, "-m", "newsrag", "index", str(SEED), "--collection", "extra"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    _damaged_conversations(home)
    port = free_port()
    with (root / "server.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "newsrag", "chat", "--port", str(port), "--auth-file",
                                 str(logins)], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(url, proc, 300)
            yield Server(url, home, cache, secret, logins, env)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _damaged_conversations(home: Path) -> None:
    """A conversation store with one saved chat, then its first 16 bytes overwritten (the probe's damage)."""
    from ui.conversations import FILE, Conversations

    store = Conversations(home)
    store.save(store.new("Helium before the damage"), [], [("Helium before the damage", "It was saved.")], [])
    store.close()
    with open(home / FILE, "r+b") as handle:
        handle.write(b"\xff" * 16)


def _plain(message: dict[str, Any]) -> str:
    content = message.get("content", "")
    if isinstance(content, list):
        content = "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return html.unescape(re.sub(r"<[^>]+>", "", str(content))).strip()


def _upload(server: Server, path: str) -> str:
    """The upload call with a client-chosen path, sent as raw HTTP after the login (gradio_client would upload
    a path it can read itself, which is not the probe); what the call returned, as text."""
    with httpx.Client(base_url=server.url, timeout=120) as http:
        assert http.post("login", data={"username": LOGIN[0], "password": LOGIN[1]}).is_success
        sent = http.post("gradio_api/call/on_upload",
                         json={"data": ["newsrag", [{"path": path, "meta": {"_type": "gradio.FileData"}}]]})
        if not sent.is_success:
            return f"refused: HTTP {sent.status_code}"
        events = http.get(f"gradio_api/call/on_upload/{sent.json()['event_id']}").text
    if "event: error" in events:
        return "refused: the call ended in an error"
    return html.unescape(re.sub(r"<[^>]+>", " ", json.loads(events.split("data:")[-1].strip())[1]))


def test_a_server_path_sent_to_the_upload_call_is_never_indexed(server: Server):
    before = server.titles()
    server.cache.mkdir(parents=True, exist_ok=True)
    link = server.cache / "innocent.txt"
    link.symlink_to(server.secret)  # a link inside the upload folder, out to the secret
    probes = [str(server.secret), str(server.logins), str(link), f"{server.cache}/../secret.txt", "/etc/passwd",
              "../secret.txt", f"file://{server.secret}", "http://127.0.0.1:9/x.txt"]
    for probe in probes:
        shown = _upload(server, probe)
        assert "0 articles added" in shown or shown.startswith("refused"), (probe, shown)
        assert "hunter2" not in shown
    assert server.titles() == before
    copies = [p for p in server.cache.rglob("*") if p.is_file() and not p.is_symlink()
              and "hunter2" in p.read_text("utf-8", "replace")]
    assert copies == []  # and Gradio copied none of the server's files into its cache
    stored = server.home / "uploads"
    assert not stored.exists() or not any("hunter2" in p.read_text("utf-8", "replace") for p in stored.iterdir())


def test_a_file_the_browser_uploaded_is_indexed_and_stored_for_the_owner_only(server: Server, tmp_path: Path):
    from gradio_client import handle_file

    story = tmp_path / "veltrana.txt"
    story.write_text("Glassworks in Veltrana cast the largest green bell\n\nThe Veltrana Glassworks Guild cast a "
                     "green glass bell weighing 2,417 kilograms this spring, its master said.\n", "utf-8")
    _, summary = server.client().predict("newsrag", [handle_file(str(story))], api_name="/on_upload")
    assert "1 article added" in html.unescape(str(summary))
    assert "Glassworks in Veltrana cast the largest green bell" in server.titles()
    stored = server.home / "uploads" / "veltrana.txt"
    assert stored.stat().st_mode & 0o777 == 0o600 and (server.home / "uploads").stat().st_mode & 0o777 == 0o700


def test_a_question_of_20000_characters_gets_the_limit_not_the_backend(server: Server):
    question = "What did the minister say about the helium plant? " * 400
    result = server.client().predict("newsrag", question, [], "", "", [], 4, api_name="/respond")
    said = _plain(result[1][-1])
    assert "up to 2,000 characters" in said and "backend" not in said.lower(), said


def test_a_collection_deleted_under_an_open_tab_says_so_and_stays_deleted(server: Server):
    client = server.client()
    asked = client.predict("extra", "How much helium does China use every year?", [], "", "", [], 4,
                           api_name="/respond")
    assert "4,300" in _plain(asked[1][-1])
    deleted = server.cli("collections", "--delete", "extra")
    assert deleted.returncode == 0, deleted.stderr
    again = client.predict("extra", "How much helium does China use every year?", [], "", "", [], 4,
                           api_name="/respond")
    said = _plain(again[1][-1])
    assert "'extra' was deleted" in said and "rebuild" not in said, said
    assert not (server.home / "collections" / "extra").exists()  # nothing re-created its folder
    listed = server.cli("collections")
    assert listed.returncode == 0 and not re.search(r"^extra\b", listed.stdout, re.M), listed.stdout


def test_a_damaged_conversation_store_is_set_aside_and_the_chat_answers(server: Server):
    result = server.client().predict("newsrag", "How much helium does China use every year?", [], "", "", [], 4,
                                     api_name="/respond")
    assert "4,300" in _plain(result[1][-1])
    aside = list(server.home.glob("conversations.sqlite.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes()[:16] == b"\xff" * 16  # kept as it was, for a look
    from ui.conversations import Conversations

    titles = [title for title, _ in Conversations(server.home).listing()]
    assert "Helium before the damage" in titles  # the saved chat was read back into the fresh store
    assert "How much helium does China use every year?" in titles  # and the new one saved
    log = (server.home.parent / "server.log").read_text("utf-8", "replace")
    assert "conversations.sqlite were damaged" in log
