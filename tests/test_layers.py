"""The import graph the design promises: `rag` imports nothing above it, and nothing imports the entry module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ABOVE_RAG = {"index", "ui", "evals", "newsrag", "service"}


def _imports(package: str, root: Path = ROOT, depth: int = 1) -> list[tuple[str, str]]:
    """(file, imported module to `depth` dotted parts) for every import in `package`, inside functions too."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path.name, ".".join(alias.name.split(".")[:depth])) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((path.name, ".".join(node.module.split(".")[:depth])))
    return found


def test_rag_imports_nothing_above_it():
    wrong = [(f, m) for f, m in _imports("rag") if m in ABOVE_RAG]
    assert wrong == []


@pytest.mark.parametrize("package", ["rag", "index", "ui", "evals", "service"])
def test_only_the_entry_module_wires_everything(package):
    assert [(f, m) for f, m in _imports(package) if m == "newsrag"] == []


def test_index_does_not_import_the_window_or_the_evals():
    assert [(f, m) for f, m in _imports("index") if m in {"ui", "evals"}] == []


def test_the_check_sees_a_violation(tmp_path):
    """The walk finds imports inside functions, the kind the old CLI in `rag/` used."""
    (tmp_path / "rag").mkdir()
    (tmp_path / "rag" / "x.py").write_text("def f():\n    from ui.app import serve\n    import evals.runner\n")
    assert _imports("rag", tmp_path) == [("x.py", "ui"), ("x.py", "evals")]


# Inside rag/: the store and the models sit below the answering, and none of them reaches for the wiring.
WIRING = {"rag.chain", "rag.pipeline", "rag.parts", "rag.api", "rag.retrieve", "rag.retriever"}


@pytest.mark.parametrize("package", ["rag/store", "rag/models"])
def test_the_store_and_the_models_import_nothing_above_them(package):
    wrong = [(f, m) for f, m in _imports(package, depth=2) if m in WIRING | {"rag.answering"}]
    assert wrong == []


def test_the_models_do_not_read_the_store():
    assert [(f, m) for f, m in _imports("rag/models", depth=2) if m == "rag.store"] == []


def test_no_module_is_over_300_lines():
    """Small modules that follow the data flow (STYLE.md): a module past 300 lines holds two concerns."""
    long = {str(p.relative_to(ROOT)): n for package in ("rag", "index", "ui", "evals", "newsrag", "service")
            for p in (ROOT / package).rglob("*.py") if (n := len(p.read_text("utf-8").splitlines())) > 300}
    assert long == {}
