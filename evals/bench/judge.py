"""Could the bundled model judge its own answers? For every factoid answer a results file shows (not refused,
with a supported citation), the model is asked whether the cited passages state that answer to the question,
and its Yes/No is set against the gold rule (`evals.scores.is_right`). A "No" that the answer path turned into
a refusal would gain the unanswerable questions it catches and lose the right answers it rejects. Tried for
issue 30's refusal target and not adopted (docs/eval/ablation.md, "Round six"):

    python -m evals.bench.judge news dev docs/eval/ablation-refusal/news-base.jsonl
    python -m evals.bench.judge seed all docs/eval/ablation-dating/seed-base.jsonl
    python -m evals.bench.judge docs/eval/ablation-refusal/unanswerable.jsonl all \
        docs/eval/ablation-refusal/unanswerable-base.jsonl

`--scoped` judges only questions that ask for a name, a number or a date in one part; `--titles` puts each
passage's title above it. Each check reads the question and the cited passages (a median of 2 to 2.7 s here).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from evals import refusal
from evals.cases import Case
from evals.scores import is_right
from evals.suites import load
from rag.answering.question import expected_type, question_parts
from rag.text import strip_markers

SYSTEM = "You check whether a news passage answers a question. Reply with one word: Yes or No."


def _prompt(passages: str, question: str, answer: str) -> str:
    return (f"Passage:\n{passages}\n\nQuestion: {question}\nProposed answer: {answer}\n\n"
            "Does the passage itself state this answer to the question? Yes or No.")


def _judged(case: Case, row: dict[str, Any], scoped: bool) -> bool:
    """A factoid answer shown as an answer, with a citation its passage supports."""
    answer = row.get("answer") or ""
    if case.open_ended or case.history or refusal.refused(answer):
        return False
    if scoped and (expected_type(case.question) is None or len(question_parts(case.question)) > 1):
        return False
    return any(c.get("supported") for c in row.get("citations") or [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite")
    parser.add_argument("split")
    parser.add_argument("rows", type=Path)
    parser.add_argument("--scoped", action="store_true")
    parser.add_argument("--titles", action="store_true")
    args = parser.parse_args()
    from langchain_core.messages import HumanMessage, SystemMessage

    from rag.config import Settings
    from rag.models.llm import build_chat_model

    model = build_chat_model(Settings())  # the bundled model, as the answer path loads it
    with tempfile.TemporaryDirectory() as work:
        cases = {c.id: c for c in load(args.suite, Path(work), split=args.split).cases}
    tally: Counter[tuple[str, str]] = Counter()
    seconds: list[float] = []
    for line in args.rows.read_text().splitlines():
        row = json.loads(line)
        case = cases.get(row["case_id"])
        if case is None or not _judged(case, row, args.scoped):
            continue
        cited = [(f"{c['title']}:\n" if args.titles else "") + c["text"]
                 for c in row["citations"] if c.get("supported")]
        started = time.perf_counter()
        reply = str(model.invoke([
            SystemMessage(SYSTEM),
            HumanMessage(_prompt("\n".join(dict.fromkeys(cited))[:2500], case.question,
                                 strip_markers(row["answer"])[:400]))], max_tokens=2).content).strip()
        seconds.append(time.perf_counter() - started)
        said = "No" if reply.lower().startswith("no") else "Yes"
        truth = "unanswerable" if not case.answerable else ("right" if is_right(case, row) else "wrong")
        tally[(truth, said)] += 1
        print(f"{case.id}\t{truth}\tjudge {said}\t{case.question[:70]}")
    print("\n| answer shown | judged Yes | judged No |\n|---|---|---|")
    for truth in ("right", "wrong", "unanswerable"):
        print(f"| {truth} | {tally[(truth, 'Yes')]} | {tally[(truth, 'No')]} |")
    if seconds:
        print(f"\nmedian seconds a check: {statistics.median(seconds):.2f}")


if __name__ == "__main__":
    main()
