"""Does the bundled model know when it is guessing? Each factoid question of the given question sets is answered
by the real chain while a logits processor records the probability the model gave each token it wrote (greedy
decoding writes the most likely one). The answers the chain shows are then split by the gold rule
(`evals.scores.is_right`) into right, wrong and unanswerable, and for each threshold the script counts what a
rule "refuse when the least likely word is under it" would catch and lose. Tried for issue 30's refusal target
and not adopted (docs/eval/ablation.md, round twenty-two):

    NEWSRAG_HOME=NEWS_DEV_HOME python -m evals.bench.certainty ROWS.jsonl news:dev \\
        docs/eval/ablation-recite/nearmiss.jsonl:all docs/eval/ablation-refusal/unanswerable.jsonl:all \\
        docs/eval/ablation-twofacts/twofacts.jsonl:all
    python -m evals.bench.certainty ROWS.jsonl --read      # the table again, from the rows

Two figures a shown answer: the least probability among the first sentence's words the question does not
hold (its new words: the value it gives), and, for a yes/no answer, the probability of its "Yes" or "No".
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from evals import refusal
from evals.scores import is_right
from evals.suites import question_set
from rag.text import STOPWORDS, sentences

THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.55, 0.6)


def answer(sets: list[str], out: Path) -> None:
    """Answer every factoid question of `sets` ("SUITE_OR_FILE:SPLIT") and write one row each to `out`."""
    import llama_cpp

    import rag

    probs: list[float] = []
    original = llama_cpp.Llama.create_chat_completion

    def record(_ids: Any, logits: np.ndarray) -> np.ndarray:
        shifted = np.exp(logits - logits.max())
        probs.append(float(shifted.max() / shifted.sum()))
        return logits

    def with_record(self: Any, *args: Any, **kwargs: Any) -> Any:
        return original(self, *args, **{**kwargs, "logits_processor": [record]})

    llama_cpp.Llama.create_chat_completion = with_record  # type: ignore[method-assign]
    with out.open("w") as rows, tempfile.TemporaryDirectory() as work:
        for spec in sets:
            for case in question_set(spec, Path(work)).cases:
                if case.open_ended:
                    continue
                probs.clear()
                tokens: list[tuple[str, float]] = []
                shown = ""
                for event in rag.stream(case.question, history=case.history):
                    if isinstance(event, rag.Token) and probs:
                        tokens.append((event.text, probs[-1]))
                    elif isinstance(event, rag.Answer):
                        shown = event.text
                rows.write(json.dumps({"id": case.id, "question": case.question, "answerable": case.answerable,
                                       "right": is_right(case, {"answer": shown}), "shown": shown,
                                       "tokens": tokens}) + "\n")


def certainty(question: str, tokens: list[tuple[str, float]]) -> tuple[float, float | None]:
    """The least probability among the first sentence's new words (a word's is its least likely token), and
    the probability of a leading "Yes" or "No" (None when the answer gives no verdict).

    >>> certainty("How old is Sam Altman?", [("Sam", .7), (" Alt", 1.), ("man", 1.), (" is", .9), (" ", .7),
    ...                                      ("4", .3), ("5", .13), (" years", .97), (".", .5)])
    (0.13, None)
    >>> certainty("did microsoft buy tiktok?", [("Yes", .51), (",", .9), (" Microsoft", .99), (" bought", .6)])
    (0.51, 0.51)
    """
    text = "".join(t for t, _ in tokens)
    first = sentences(text)[0] if text.strip() else ""
    asked = set(re.findall(r"[a-z0-9]+", question.lower())) | STOPWORDS
    grouped: list[list[Any]] = []  # [word, least probability of its tokens]
    for piece, p in tokens:
        if sum(len(w) for w, _ in grouped) >= len(first):
            break
        if grouped and piece[:1].isalnum() and grouped[-1][0][-1:].isalnum():
            grouped[-1] = [grouped[-1][0] + piece, min(grouped[-1][1], p)]
        else:
            grouped.append([piece, p])
    new = [p for w, p in grouped
           if re.search(r"[A-Za-z0-9]", w) and re.sub(r"[^a-z0-9]", "", w.lower()) not in asked
           and not re.fullmatch(r"\W*\[\d+\]\W*", w)]
    verdict = tokens[0][1] if tokens and tokens[0][0].strip().lower() in ("yes", "no") else None
    return min(new, default=1.0), verdict


def table(rows: list[dict[str, Any]]) -> str:
    """What refusing under each threshold would catch (unanswerable, or wrong) and lose (right), over the
    answers shown (not refused)."""
    shown = [r for r in rows if r["tokens"] and not refusal.refused(r["shown"])]
    lines = ["| figure | under | right lost | unanswerable caught | wrong refused |", "|---|---|---|---|---|"]
    for index, name in ((0, "least likely new word"), (1, "yes/no verdict")):
        figures = [(r, certainty(r["question"], [(t, p) for t, p in r["tokens"]])[index]) for r in shown]
        scored = [(r, p) for r, p in figures if p is not None]
        for threshold in THRESHOLDS:
            under = [r for r, p in scored if p < threshold]
            lines.append(f"| {name} ({len(scored)} shown) | {threshold} | {sum(r['right'] for r in under)} | "
                         f"{sum(not r['answerable'] for r in under)} | "
                         f"{sum(r['answerable'] and not r['right'] for r in under)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=Path)
    parser.add_argument("sets", nargs="*", help="question sets, SUITE_OR_FILE:SPLIT")
    parser.add_argument("--read", action="store_true", help="only print the table of existing rows")
    args = parser.parse_args()
    if not args.read:
        answer(args.sets, args.rows)
    print(table([json.loads(line) for line in args.rows.read_text().splitlines()]))


if __name__ == "__main__":
    main()
