"""What a result row came from: the settings, the model file and the code. Resuming never mixes rows of
different fingerprints, and the report header names the fingerprints behind its figures."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import subprocess
from pathlib import Path

from rag.config import Settings
from rag.models.files import BUNDLED

ROOT = Path(__file__).resolve().parent.parent
# The code that produces a config's result rows (scoring code is not here: it re-reads the rows). The
# baselines use only a few modules, so a change to newsrag's pipeline does not make them stale.
CODE = ("rag", "index", "evals/configs.py")
_SHARED = ("evals/configs.py", "rag/models/llm.py", "rag/models/files.py", "rag/text.py")
CODE_OF = {
    "naive": (*_SHARED, "index/load.py", "index/dates.py", "rag/models/embedder.py", "rag/ports.py"),
    "oracle": (*_SHARED, "rag/answering/prompt.py"),
}
# Settings that cannot change an answer: where files live and how to reach them.
NOT_ANSWER_SETTINGS = {"home", "model_cache", "chroma_url", "llm_api_key", "llm_timeout"}
_MODEL_SETTINGS = ("local_model", "llm_url", "llm_model", "n_ctx", "max_answer_tokens")
SETTINGS_OF = {"naive": (*_MODEL_SETTINGS, "embed_model"), "oracle": _MODEL_SETTINGS}


def fingerprint(settings: Settings, config: str, answering: bool) -> dict[str, str]:
    """`key` decides whether rows may be mixed; `commit` is recorded for people (committing results must
    not make them stale, so it is not part of the key)."""
    parts = {
        "settings": _settings_hash(settings, SETTINGS_OF.get(config)),
        "model": model_id(settings) if answering else "-",
        "code": code_hash(CODE_OF.get(config, CODE)),
    }
    key = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]
    return {"key": key, **parts, "commit": git_commit()}


def _settings_hash(settings: Settings, only: tuple[str, ...] | None) -> str:
    values = {k: str(v) for k, v in dataclasses.asdict(settings).items()
              if k not in NOT_ANSWER_SETTINGS and (only is None or k in only)}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:12]


def model_id(settings: Settings) -> str:
    """A bundled model by its verified sha256, a .gguf path by hashing the file, a server by URL and name."""
    if settings.llm_url:
        return f"{settings.llm_url} {settings.llm_model or ''}".strip()
    if settings.local_model in BUNDLED:
        return f"{settings.local_model} sha256:{BUNDLED[settings.local_model].sha256[:16]}"
    return f"{Path(settings.local_model).name} sha256:{_file_hash(Path(settings.local_model).expanduser())[:16]}"


@functools.cache
def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def code_hash(paths: tuple[str, ...] = CODE) -> str:
    digest = hashlib.sha256()
    for name in paths:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def git_commit() -> str:
    """HEAD, with "+changes" when the answer-producing code differs from it; "unknown" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *CODE], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+changes" if dirty else head
