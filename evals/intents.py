"""How well the plan reads what a question asks for: the intent the rules give each `news` question against
its label, as a confusion table (rows: the label; columns: the intent read). Run:

    python -m evals.intents --split dev
    python -m evals.intents --split test --reason "..." --out docs/eval/intent.md

A run on the test split is recorded in the ledger like any test run (the rules were written on dev).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from evals import ledger
from evals.suites import load
from rag.answering.intent import INTENTS, intent


def confusion(split: str) -> tuple[str, float, int]:
    """The Markdown table, the accuracy and the number of questions."""
    cases = load("news", Path(tempfile.mkdtemp()), split=split).cases
    pairs = Counter((c.intent, intent(c.question)) for c in cases)
    rows = ["| label \\ read | " + " | ".join(INTENTS) + " | questions | right |",
            "|---" * (len(INTENTS) + 3) + "|"]
    for label in INTENTS:
        total = sum(n for (lab, _), n in pairs.items() if lab == label)
        if total:
            cells = " | ".join(str(pairs[(label, read)] or "") for read in INTENTS)
            rows.append(f"| {label} | {cells} | {total} | {pairs[(label, label)] / total:.2f} |")
    right = sum(n for (lab, read), n in pairs.items() if lab == read)
    return "\n".join(rows), right / len(cases), len(cases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--reason", help="why the test split is read (recorded in the ledger)")
    parser.add_argument("--out", type=Path, help="write the table into this page between intent markers")
    args = parser.parse_args()
    if args.split == "test":
        ledger.record("news", "test", ["intent"], args.reason, len(load("news", Path(tempfile.mkdtemp()),
                                                                          split="test").cases))
    table, accuracy, n = confusion(args.split)
    text = f"`news` {args.split}, {n} questions: intent accuracy {accuracy:.3f}\n\n{table}"
    if args.out:
        start, end = f"<!-- intent-{args.split}:start -->", f"<!-- intent-{args.split}:end -->"
        page = args.out.read_text("utf-8")
        args.out.write_text(page.split(start)[0] + f"{start}\n{text}\n{end}" + page.split(end, 1)[1], "utf-8")
    print(text)


if __name__ == "__main__":
    main()
