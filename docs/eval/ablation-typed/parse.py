"""Every dev question's reading (intent, whole collection or not, search query, options, parts), as JSON, to
compare two commits: `python docs/eval/ablation-typed/parse.py OUT.json WORK` at each, then diff the files.
WORK is a folder for the MultiHop suite's work files. Test-split questions are left out."""

import datetime as dt
import glob
import json
import sys
from pathlib import Path

from evals.suites import multihop
from rag.answering.spec import parse

questions: dict[str, None] = {}
for name in glob.glob("evals/suites/*.jsonl") + glob.glob("docs/eval/ablation-*/*.jsonl"):
    for line in Path(name).read_text().splitlines():
        try:
            case = json.loads(line)
        except ValueError:
            continue
        if isinstance(case, dict) and "question" in case and case.get("split") != "test":
            questions[case["question"]] = None
for case in multihop.load(Path(sys.argv[2])).cases:
    if case.split == "dev":
        questions[case.question] = None
read = {}
for q in questions:
    spec = parse(q, q, lambda _: [], dt.date(2023, 12, 20))
    read[q] = [spec.intent, spec.collection, spec.query, list(spec.options or ()), list(spec.parts)]
Path(sys.argv[1]).write_text(json.dumps(read, indent=0))
print(len(read), "questions")
