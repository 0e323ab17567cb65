"""Round thirty: which answered rows would the changed `asked_fact` check refuse? It compares
`cites_asked_fact` with the question's-own-name change and without it on each answered name question's answer
and citations (the rows' passages). Run from the repository root:

    python docs/eval/ablation-name/predict.py ROWS.jsonl ...

It prints each row where the two disagree, and how many answered name rows each file has."""

import json
import re
import sys

from rag.answering import question as Q
from rag.answering.citations import cites_asked_fact
from rag.types import Citation, Passage

NEVER = re.compile(r"(?!x)x")  # matches nothing: the check without the change


def citations(row: dict) -> list[Citation]:
    return [Citation(c["marker"], Passage(f"x{c['marker']}", "a", c.get("title", ""), "", None, c["text"], 0.0, 0, 0),
                     c.get("supported")) for c in row.get("citations") or []]


for path in sys.argv[1:]:
    with open(path) as lines:
        rows = [json.loads(line) for line in lines]
    answered = 0
    for row in rows:
        if row.get("refused") or not row.get("answer"):
            continue
        asked = ((row.get("trace") or {}).get("spec") or {}).get("query") or ""
        if Q.expected_type(asked) != "name":
            continue
        answered += 1
        cited = citations(row)
        new = cites_asked_fact(row["answer"], cited, asked)
        saved, Q._NAME_RUN = Q._NAME_RUN, NEVER
        old = cites_asked_fact(row["answer"], cited, asked)
        Q._NAME_RUN = saved
        if old != new:
            print(path, row["case_id"], old, new, "|", asked, "|", row["answer"][:150])
    print(path, "answered name rows:", answered)
