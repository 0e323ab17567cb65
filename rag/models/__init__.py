"""The models: the chat model adapters (llm), the embedder, and the bundled model files."""

from __future__ import annotations

import os


def cpus() -> int:
    """The CPUs this process may run on: a container's, `taskset`'s or a test worker's share, not the
    machine's. A model given more threads than that spins them against each other."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
