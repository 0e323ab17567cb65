"""Round thirty-one: which shown refusals keep a sentence that only restates the question after "They say
only:" ("The senior Chinese officer killed in the Galwan Valley clash was a senior officer [3].")? It reads
each such refusal of the given rows with `support.restates` against its question (the repository's question
files, and MultiHop's from WORK). Run from the repository root:

    python docs/eval/ablation-denied/restated.py WORK ROWS.jsonl ...

It prints each refusal with the sentences the rule drops, then how many "They say only" refusals the rows
hold and on how many it drops a sentence."""

import glob
import json
import sys
from pathlib import Path

from evals.suites import multihop
from rag.answering.prompt import REFUSAL
from rag.answering.support import restates
from rag.text import sentences

asked: dict[str, str] = {}
for path in glob.glob("evals/suites/*.jsonl") + glob.glob("docs/eval/ablation-*/*.jsonl"):
    with open(path) as lines:
        for line in lines:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if "question" in row and "id" in row:
                asked.setdefault(row["id"], row["question"])
for case in multihop.load(Path(sys.argv[1])).cases:
    asked.setdefault(case.id, case.question)
head = f"{REFUSAL} They say only:"
total = changed = 0
for path in sys.argv[2:]:
    with open(path) as lines:
        for line in lines:
            row = json.loads(line)
            answer = row.get("answer") or ""
            if not answer.startswith(head) or row["case_id"] not in asked:
                continue
            total += 1
            said = sentences(answer[len(head):].strip())
            dropped = [s for s in said if restates(s, asked[row["case_id"]])]
            if dropped:
                changed += 1
                print(row["case_id"], "|", dropped, "| left:", len(said) - len(dropped))
print(f"{total} 'They say only' refusals; a sentence dropped from {changed}")
