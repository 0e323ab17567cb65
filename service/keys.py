"""API keys: `newsrag keys create|list|revoke`, and the check every /v1 and /mcp request passes.

A key is shown once, when it is made; the home keeps only its SHA-256 (keys are 256 random bits, so a fast
hash is enough: there is no password to guess). The key file is re-read when it changes, so a key revoked
from the command line stops working on a running server at its next request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ui.auth import is_loopback

KEY_FILE = "api-keys.json"
PREFIX = "nrk_"
KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")


class KeyCommandError(ValueError):
    """A key command that cannot be done (a bad or taken name, no such key); the message says why."""


class KeyFileError(RuntimeError):
    """The key file exists but cannot be read: no request is let in until it is fixed."""


class ExposureError(RuntimeError):
    """The service would be reachable without keys; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    name: str
    digest: str  # SHA-256 of the key, hex
    shown: str  # the key's first characters, to recognise it in a list
    created: str
    collections: tuple[str, ...] = ()  # () = every collection
    read_only: bool = False  # no article upload or delete
    revoked: str | None = None

    def allows(self, collection: str) -> bool:
        return not self.collections or collection in self.collections


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    """The keys of one home, in `home/api-keys.json` (readable by its owner only)."""

    def __init__(self, home: Path) -> None:
        self.path = home / KEY_FILE
        self._stamp: tuple[int, int] | None = None
        self._keys: list[ApiKey] = []
        self._lock = threading.Lock()

    def all(self) -> list[ApiKey]:
        """Every key, revoked ones too (re-read when the file changed)."""
        with self._lock:
            try:
                stat = self.path.stat()
                stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
            except FileNotFoundError:
                stamp = None
            if stamp != self._stamp:
                self._keys = _read(self.path) if stamp else []
                self._stamp = stamp
            return list(self._keys)

    def active(self) -> list[ApiKey]:
        return [k for k in self.all() if k.revoked is None]

    def find(self, secret: str) -> ApiKey | None:
        """The active key `secret` is, or None (compared in constant time)."""
        wanted = digest(secret.strip())
        found = None
        for key in self.active():
            if hmac.compare_digest(key.digest, wanted):
                found = key
        return found

    def create(self, name: str, collections: Sequence[str] = (), read_only: bool = False) -> tuple[ApiKey, str]:
        """A new key named `name`: the record stored and the key itself (shown once, never stored)."""
        if not KEY_NAME.fullmatch(name):
            raise KeyCommandError(f"key name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-'")
        secret = PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(name, digest(secret), secret[:len(PREFIX) + 4], _now(), tuple(collections), read_only)
        with self._editing() as keys:
            if any(k.name == name and k.revoked is None for k in keys):
                raise KeyCommandError(f"there is already a key named {name!r} (revoke it first, or pick another name)")
            keys.append(key)
        return key, secret

    def revoke(self, name: str) -> ApiKey:
        with self._editing() as keys:
            for i, key in enumerate(keys):
                if key.name == name and key.revoked is None:
                    keys[i] = dataclasses.replace(key, revoked=_now())
                    return keys[i]
        raise KeyCommandError(f"no active key named {name!r} (see `newsrag keys list`)")

    @contextmanager
    def _editing(self) -> Iterator[list[ApiKey]]:
        """Read, change and write the file under a lock: two `keys create` at once both land."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(KEY_FILE + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            keys = _read(self.path) if self.path.exists() else []
            yield keys
            _write(self.path, keys)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _read(path: Path) -> list[ApiKey]:
    try:
        rows: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["keys"]
        return [ApiKey(**(row | {"collections": tuple(row.get("collections") or ())})) for row in rows]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"the key file {path} cannot be read ({exc}); fix or remove it") from exc


def _write(path: Path, keys: list[ApiKey]) -> None:
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump({"keys": [dataclasses.asdict(k) | {"collections": list(k.collections)} for k in keys]}, out,
                  indent=1)
    os.replace(tmp, path)


def check_exposure(host: str, keys: KeyStore, no_auth: bool) -> str | None:
    """Whether the service may start on `host`: keys are required, and may be off (`--no-auth`) on this
    machine only. Returns a warning to print, or raises ExposureError."""
    loopback = is_loopback(host)
    if no_auth:
        if not loopback:
            raise ExposureError(f"refusing to serve on {host} with --no-auth: keys may be off on this machine "
                                "(127.0.0.1) only. Create a key with `newsrag keys create NAME` and drop --no-auth.")
        return None
    if not keys.active():
        hint = " or pass --no-auth (this machine only)" if loopback else ""
        raise ExposureError(f"refusing to serve on {host} without API keys: every /v1 and /mcp request needs "
                            f"one. Create one with `newsrag keys create NAME`{hint}.")
    if not loopback:
        return (f"warning: the service is reachable from the network at {host}; put HTTPS in front of it "
                "(keys travel in the Authorization header).")
    return None
