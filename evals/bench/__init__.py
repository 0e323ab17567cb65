"""One-off benchmarks and comparisons: each a `python -m evals.bench.NAME` script whose figures the docs quote."""
