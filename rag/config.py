"""One frozen `Settings`, resolved once at the entry point: CLI flag > NEWSRAG_* env > newsrag.toml > default."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsrag"


DEFAULT_COLLECTION = "newsrag"
COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "newsrag"


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path = dataclasses.field(default_factory=_default_home)
    chroma_url: str | None = None
    # The collection (a knowledge base of its own): its folder holds its catalogue and embedded Chroma data,
    # and its vector collections are named after it on a Chroma server.
    collection: str = DEFAULT_COLLECTION
    embed_model: str = "all-MiniLM-L6-v2"
    embed_batch: int = 32
    # Chunk size in characters (~4 chars/token). Chosen for prompt length: see README "Chunking".
    chunk_chars: int = 600
    chunk_overlap_sentences: int = 1
    max_file_bytes: int = 20_000_000
    near_dup_threshold: float = 0.8
    k: int = 6  # at most this many passages (runs of evidence sentences) in the prompt
    candidates: int = 10  # chunks retrieved per question (and per part of a multi-part question)
    # Prompt budget for the evidence, in estimated tokens; picked from the accuracy/first-token Pareto
    # table on the dev splits (docs/eval/pareto.md).
    context_tokens: int = 250
    # Answering. `local_model` is a bundled model name or a .gguf path; `llm_url` switches to an
    # OpenAI-compatible server (vLLM, Ollama, LM Studio, OpenAI) serving `llm_model`.
    local_model: str = "qwen2.5-coder-1.5b"
    model_cache: Path = dataclasses.field(default_factory=lambda: _cache_dir() / "models")
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 300.0
    n_ctx: int = 2048
    max_answer_tokens: int = 160
    min_score: float = 0.45  # below this best-passage score the articles are taken not to hold the answer
    # Follow-ups: "llm" rewrites them into a standalone question (5-6 of the 7 seed follow-ups right, about
    # +1.5 s); "cheap" resolves pronouns from the last turn with no LLM call (4 of 7). See README.
    condense: str = "llm"
    # Which rules the answer path runs (rag/answering/policy.py): auto, small, strong or off; `ablate` turns
    # named rules or families off (comma-separated), for `newsrag eval --ablate`.
    answer_policy: str = "auto"
    ablate: str = ""

    def __post_init__(self) -> None:
        if not COLLECTION_NAME.fullmatch(self.collection):
            raise ValueError(f"collection name {self.collection!r}: use 1-40 letters, digits, '-' or '_', "
                             "starting with a letter or digit")

    @property
    def folder(self) -> Path:
        """The collection's folder: `home` itself for the default collection (so an index from before
        collections stays where it is), `home/collections/NAME` for the others."""
        if self.collection == DEFAULT_COLLECTION:
            return self.home
        return self.home / "collections" / self.collection

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        config_file: Path | None = None,
    ) -> Settings:
        """Merge the sources in priority order; unknown keys are an error, not silently ignored."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        path = config_file or Path(env.get("NEWSRAG_CONFIG", "newsrag.toml"))
        if path.is_file():
            values.update(tomllib.loads(path.read_text("utf-8")))
        for name in _field_names():
            raw = env.get(f"NEWSRAG_{name.upper()}")
            if raw is not None and raw != "":
                values[name] = raw
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        unknown = set(values) - set(_field_names())
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**{k: _coerce(k, v) for k, v in values.items()})


def _field_names() -> list[str]:
    return [f.name for f in dataclasses.fields(Settings)]


def _coerce(name: str, value: Any) -> Any:
    """Convert strings from env/toml to the field's type."""
    default = getattr(Settings(), name)
    if name in {"home", "model_cache"}:
        return Path(value).expanduser()
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return None if value in (None, "") else str(value)
