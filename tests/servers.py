"""Real servers started by tests, on loopback, stopped at the end."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evals.servers import free_port, wait_for

__all__ = ["chroma_server", "free_port", "wait_for"]


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """`chroma run` from this venv; yields its URL."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/api/v2/heartbeat", proc, 60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def llama_server(model: Path, alias: str) -> Iterator[str]:
    """`python -m llama_cpp.server` serving `model` as `alias`; yields its OpenAI-compatible base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/v1/models", proc, 120)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
