"""The entry point: the `newsrag` command wires `index`, `rag`, `ui`, `evals` and `service` (nothing imports
it)."""

from pathlib import Path

BUNDLED_ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"  # the sample articles
