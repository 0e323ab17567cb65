"""Every dev question's reading (intent, whole collection or not, search query, options, parts), as JSON, to
compare two commits: `python docs/eval/ablation-typed/parse.py OUT.json WORK [NEWS_HOME]` at each, then diff
the files. WORK is a folder for the MultiHop suite's work files. With NEWS_HOME (an index `newsrag eval news`
built), each reading also holds the outlets the question names and those whose reporting it asks for, read with
that index's outlets and the MultiHop corpus's (round thirty-four). Test-split questions are left out."""

import datetime as dt
import glob
import json
import sqlite3
import sys
from pathlib import Path

from evals.suites import multihop
from rag.answering.outlets import named
from rag.answering.spec import parse
from rag.store.outlet import outlet_of

work = Path(sys.argv[2])
questions: dict[str, None] = {}
for name in glob.glob("evals/suites/*.jsonl") + glob.glob("docs/eval/ablation-*/*.jsonl"):
    for line in Path(name).read_text().splitlines():
        try:
            case = json.loads(line)
        except ValueError:
            continue
        if isinstance(case, dict) and "question" in case and case.get("split") != "test":
            questions[case["question"]] = None
for case in multihop.load(work).cases:
    if case.split == "dev":
        questions[case.question] = None
known: set[str] = set()
if len(sys.argv) > 3:
    catalogue = sqlite3.connect(Path(sys.argv[3]) / "catalogue.sqlite")
    titles = [t for (t,) in catalogue.execute("select title from articles")]
    titles += [json.loads(line).get("title", "") for line in (work / "multihop-corpus" / "articles.jsonl").open()]
    known = {o for t in titles if (o := outlet_of(t))}
read = {}
for q in questions:
    spec = parse(q, q, lambda text: named(text, known), dt.date(2023, 12, 20))
    read[q] = [spec.intent, spec.collection, spec.query, list(spec.options or ()), list(spec.parts)]
    if known:
        read[q] += [list(spec.outlets), list(spec.reported)]
Path(sys.argv[1]).write_text(json.dumps(read, indent=0))
