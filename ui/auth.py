"""Who may open the chat window. On this machine only (loopback) no login is needed; on any other address
the window and its upload box are reachable from the network, so a login is required unless the user says
`--no-auth` explicitly. Passwords come from a file, never from the command line (it shows in `ps`)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

Credentials = list[tuple[str, str]]


class AuthError(RuntimeError):
    """The chat would be exposed without a login, or the login file is unusable; the message says how to fix it."""


def is_loopback(host: str) -> bool:
    if host in {"localhost", "ip6-localhost"}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def read_auth_file(path: Path) -> Credentials:
    """`user:password` per line; blank lines and `#` comments skipped. An empty or malformed file is an error."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthError(f"cannot read the login file {path}: {exc}") from exc
    credentials: Credentials = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        user, sep, password = line.strip().partition(":")
        if not sep or not user or not password:
            raise AuthError(f"{path}:{number}: expected `user:password`")
        if user != user.strip() or password != password.strip():  # ` bob : secret ` is not the login `bob`
            raise AuthError(f"{path}:{number}: spaces around ':' would be part of the name or password; "
                            "write `user:password` with none")
        credentials.append((user, password))
    if not credentials:
        raise AuthError(f"the login file {path} holds no `user:password` line")
    return credentials


def login_for(host: str, auth_file: Path | None, no_auth: bool) -> tuple[Credentials | None, str | None]:
    """The logins to require (None: no login) and a warning to print, if any."""
    credentials = read_auth_file(auth_file) if auth_file else None
    if is_loopback(host):
        return credentials, None
    if credentials:
        return credentials, (f"warning: the chat is reachable from the network at {host}; a login from "
                             f"{auth_file} is required. Use HTTPS in front of it (passwords travel in clear).")
    if no_auth:
        return None, (f"warning: the chat and its upload box are open to anyone who can reach {host}, with no "
                      "login (--no-auth).")
    raise AuthError(f"refusing to serve on {host} without a login: anyone on the network could read and upload "
                    "articles. Give --auth-file FILE (or NEWSRAG_AUTH_FILE) with `user:password` lines, or "
                    "--no-auth to accept the exposure.")
