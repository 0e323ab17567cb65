"""`newsrag chat` off this machine needs a login (or an explicit --no-auth), and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from newsrag.cli import main
from tests.servers import free_port, wait_for
from ui.auth import AuthError, is_loopback, login_for, read_auth_file


def test_loopback_hosts_need_no_login():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
    assert login_for("127.0.0.1", None, no_auth=False) == (None, None)


def test_a_network_address_without_a_login_is_refused_unless_no_auth(tmp_path: Path):
    with pytest.raises(AuthError, match="--auth-file"):
        login_for("0.0.0.0", None, no_auth=False)
    logins, warning = login_for("0.0.0.0", None, no_auth=True)
    assert logins is None and warning and "no login" in warning
    (tmp_path / "logins").write_text("# desk\nana:s3cret\n", "utf-8")
    logins, warning = login_for("0.0.0.0", tmp_path / "logins", no_auth=False)
    assert logins == [("ana", "s3cret")] and warning and "login" in warning


@pytest.mark.parametrize("content", ["", "# only a comment\n", "ana\n", ":pw\n"])
def test_an_unusable_login_file_is_an_error_naming_it(tmp_path: Path, content: str):
    (tmp_path / "logins").write_text(content, "utf-8")
    with pytest.raises(AuthError, match="logins"):
        read_auth_file(tmp_path / "logins")


@pytest.mark.parametrize("line", [" bob : secret ", "bob :secret", "bob: secret"])
def test_spaces_around_the_colon_are_refused_with_the_line_number(tmp_path: Path, line: str):
    (tmp_path / "logins").write_text(f"ana:s3cret\n{line}\n", "utf-8")
    with pytest.raises(AuthError, match=r"logins:2: spaces around ':'"):
        read_auth_file(tmp_path / "logins")


@pytest.mark.chaos
def test_the_cli_refuses_to_expose_the_chat_without_a_login(capsys: pytest.CaptureFixture[str]):
    assert main(["chat", "--host", "0.0.0.0"]) == 2
    assert "without a login" in capsys.readouterr().err


@pytest.mark.model
def test_the_chat_on_a_network_address_asks_for_the_login(tmp_path: Path):
    """A real `newsrag chat --host 0.0.0.0 --auth-file`: the app's config is refused until the login is given."""
    (tmp_path / "logins").write_text("ana:s3cret\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_HOME=str(tmp_path / "home"), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    port = free_port()
    with (tmp_path / "server.log").open("wb") as log:
        command = [sys.executable, "-m", "newsrag", "chat", "--host", "0.0.0.0", "--port", str(port),
                   "--auth-file", str(tmp_path / "logins")]
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(url, proc, 300)
            assert httpx.get(url + "config").status_code == 401
            session = httpx.Client(timeout=10)
            wrong = session.post(url + "login", data={"username": "ana", "password": "wrong"})
            assert wrong.status_code >= 400
            assert session.post(url + "login", data={"username": "ana", "password": "s3cret"}).is_success
            assert session.get(url + "config").is_success
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert "reachable from the network" in (tmp_path / "server.log").read_text(errors="replace")
