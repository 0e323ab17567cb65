"""Evaluation suites, metrics, reports and benchmarks. Imports `rag` and `index`; nothing imports it."""
