"""Every dev question's intent and named outlets, read with a collection's outlets, as JSON, to compare two
commits: `python docs/eval/ablation-outlet/outlets.py OUT.json WORK NEWS_HOME` at each, then diff the files.
WORK is a folder for the MultiHop suite's work files; NEWS_HOME an index `newsrag eval news` built (its
outlets, with the MultiHop corpus's, are the ones a question may name). Test-split questions are left out."""

import datetime as dt
import glob
import json
import sqlite3
import sys
from pathlib import Path

from evals.suites import multihop
from rag.answering.outlets import asked, named
from rag.answering.spec import parse
from rag.store.outlet import outlet_of

work, home = Path(sys.argv[2]), Path(sys.argv[3])
suite = multihop.load(work)
titles = [t for (t,) in sqlite3.connect(home / "catalogue.sqlite").execute("select title from articles")]
titles += [json.loads(line).get("title", "") for line in (work / "multihop-corpus" / "articles.jsonl").open()]
known = {o for t in titles if (o := outlet_of(t))}
questions: dict[str, str] = {}
for name in glob.glob("evals/suites/*.jsonl") + glob.glob("docs/eval/ablation-*/*.jsonl"):
    for line in Path(name).read_text().splitlines():
        try:
            case = json.loads(line)
        except ValueError:
            continue
        if isinstance(case, dict) and "question" in case and case.get("split") != "test":
            questions[case["question"]] = case.get("id", "")
for c in suite.cases:
    if c.split == "dev":
        questions[c.question] = c.id
read = {}
for q, case_id in questions.items():
    spec = parse(q, q, lambda text: named(text, known), dt.date(2023, 12, 20))
    read[q] = [case_id, spec.intent, list(spec.outlets), asked(q, spec.outlets)]
Path(sys.argv[1]).write_text(json.dumps(read, indent=0))
