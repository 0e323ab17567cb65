"""Answering benchmark: a naive LangChain RAG and newsrag, same model, same questions, one warm process.

    python -m evals.bench.answer [--limit 20] [--model qwen2.5-coder-1.5b]

(a) naive: raw files, RecursiveCharacterTextSplitter 1000/200, dense top 4, LangChain's "stuff" prompt;
(b) newsrag: `rag.stream()`. Prints prompt tokens, time to sources, time to first token and total time
(medians), and answer accuracy and refusal for both, with the ratio of newsrag to naive. The model is
loaded and warmed once before timing, so figures are for a warm process.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from pathlib import Path

from evals.report import load_results
from evals.runner import results_path, run
from evals.scores import score
from evals.suites import load
from rag.config import Settings

ROWS = ("questions", "prompt_tokens", "t_sources", "t_first_token", "t_total", "accuracy", "refusal_precision",
        "refusal_recall", "citation_precision")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--model", default=Settings().local_model)
    parser.add_argument("--split", default="test", choices=("dev", "test", "all"))
    parser.add_argument("--report", type=Path, help="keep results here (default: a temporary folder)")
    args = parser.parse_args()
    settings = dataclasses.replace(Settings.load(), local_model=args.model)
    with tempfile.TemporaryDirectory() as tmp:
        report_dir = args.report or Path(tmp)
        run("seed", ["naive", "newsrag"], settings, report_dir, args.limit, progress=True, split=args.split)
        suite = load("seed", report_dir / "work", args.limit, args.split)
        summary = {
            c: score(suite.cases, load_results(results_path(report_dir, "seed", c)), True) for c in ("naive", "newsrag")
        }
    print(f"\nseed {args.split} questions, first {args.limit}, model {args.model}\n")
    print(f"| {'figure':<20} | {'naive':>8} | {'newsrag':>8} | {'newsrag/naive':>13} |")
    print(f"|{'-' * 22}|{'-' * 10}|{'-' * 10}|{'-' * 15}|")
    for row in ROWS:
        a, b = summary["naive"].get(row, float("nan")), summary["newsrag"].get(row, float("nan"))
        ratio = f"{b / a:.2f}" if a == a and b == b and a else "–"
        print(f"| {row:<20} | {a:8.3f} | {b:8.3f} | {ratio:>13} |")
    first_token = summary["naive"]["t_first_token"] / summary["newsrag"]["t_first_token"]
    print(f"\nfirst token {first_token:.1f}x sooner than naive (goal >= 4x); "
          f"median prompt {summary['newsrag']['prompt_tokens']:.0f} tokens (goal <= 350)")


if __name__ == "__main__":
    main()
