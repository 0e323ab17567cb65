"""Round thirty-two: on which shown "No" answers of the dev splits would the `unsaid` rule fire? For each row
whose answer opens with "No" to a question naming no outlet (`trace.spec.outlets`), it reads the question
against the text of the passages the answer cites (all ranked passages when it cites none) with
`bearing.bears_on`. Run from the repository root, WORK being an eval's work folder (the MultiHop corpus):

    python docs/eval/ablation-unsaid/predict.py WORK ROWS.jsonl ...

It prints each row where the rule would fire, with whether the shown "No" was right, and per file the shown
"No" answers and how many it fires on."""

import json
import re
import sys
from pathlib import Path

from evals.cases import read_cases
from evals.scores import is_right
from evals.suites import load
from rag.answering.bearing import bears_on

work = Path(sys.argv[1])
cases = {c.id: c for name in ("seed", "news", "multihop") for c in load(name, work, split="dev").cases}
for c in read_cases(Path("evals/suites/seed_dev2.jsonl"), "dev"):
    cases.setdefault(c.id, c)
for path in sys.argv[2:]:
    shown = fired = right = 0
    with open(path) as lines:
        for line in lines:
            row = json.loads(line)
            case = cases.get(row["case_id"])
            answer = row.get("answer") or ""
            spec = (row.get("trace") or {}).get("spec") or {}
            if case is None or case.split != "dev" or not re.match(r"\W*no\b", answer, re.I) or spec.get("outlets"):
                continue
            shown += 1
            texts = [c["text"] for c in row.get("citations") or []] or row.get("ranked") or []
            if texts and not bears_on(case.question, texts):
                fired += 1
                right += is_right(case, row)
                print(row["case_id"], "RIGHT" if is_right(case, row) else "wrong", "|", case.question, "|",
                      answer[:100])
    print(f"{path}: {shown} shown 'No' answers naming no outlet; the rule fires on {fired}, {right} of them right")
