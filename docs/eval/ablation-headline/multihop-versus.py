"""MultiHop dev, answer by answer: round thirty-four's rows (the narrow `outlet_only`: the base rows with the
broad rule's 75 questions taken from its ablated run) against a new run.

    python docs/eval/ablation-headline/multihop-versus.py WORK NEW.jsonl [-v]

WORK is a directory that `evals.suites.multihop` builds its corpus in; NEW the new run's newsrag rows."""

import json
import sys
from pathlib import Path

from evals import refusal
from evals.scores import is_right
from evals.suites import multihop

HERE = Path(__file__).resolve().parent
cases = {c.id: c for c in multihop.load(Path(sys.argv[1])).cases}


def rows(path: Path | str) -> dict[str, dict]:
    return {r["case_id"]: r for r in map(json.loads, open(path)) if r["config"] == "newsrag"}


base = rows(HERE.parent / "ablation-outlet" / "multihop-aliases.jsonl")
base.update(rows(HERE.parent / "ablation-outlet" / "multihop-outlet_only.jsonl"))
new = rows(sys.argv[2])
ids = [i for i in new if i in base]
changed = [i for i in ids if base[i]["answer"] != new[i]["answer"]]
print(len(ids), "questions; answers changed", len(changed), changed)
print("gained", [i for i in ids if not is_right(cases[i], base[i]) and is_right(cases[i], new[i])],
      "lost", [i for i in ids if is_right(cases[i], base[i]) and not is_right(cases[i], new[i])])
print("right", sum(is_right(cases[i], base[i]) for i in ids), "->", sum(is_right(cases[i], new[i]) for i in ids))
print("refused", sum(refusal.refused(base[i]["answer"]) for i in ids), "->",
      sum(refusal.refused(new[i]["answer"]) for i in ids))
if "-v" in sys.argv:
    for i in changed:
        print("==", i, cases[i].answers, "\n  before", base[i]["answer"][:200], "\n  after ", new[i]["answer"][:200])
