"""The entry point: the `newsrag` command wires `index`, `rag`, `ui` and `evals` (nothing imports it)."""
