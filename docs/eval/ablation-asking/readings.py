"""Round thirty-one: how the question-reading rules read every dev question held, to compare two commits
without running the model. For each question of the repository's question files (their dev and dev2 rows) and
of MultiHop's dev split, it writes the intent, whether it asks about the articles as a whole
(`spec.about_collection`), its topic words (`spec.topic_words`) and an open answer's topic stems
(`lines._topic`). Run from the repository root at each commit, then compare the two files:

    python docs/eval/ablation-asking/readings.py WORK OUT.json

WORK is an eval work folder holding MultiHop's corpus (`newsrag eval news` makes one under its report)."""

import glob
import json
import sys
from pathlib import Path

from evals.suites import multihop
from rag.answering.intent import intent, topic
from rag.answering.lines import _topic
from rag.answering.spec import about_collection, naming, topic_words

asked: dict[str, str] = {}
for path in sorted(glob.glob("evals/suites/*.jsonl") + glob.glob("docs/eval/ablation-*/*.jsonl")):
    with open(path) as lines:
        for line in lines:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if "question" in row and "case_id" not in row and row.get("split", "dev") in ("dev", "dev2"):
                asked[row["question"]] = path
for case in multihop.load(Path(sys.argv[1])).cases:
    if case.split == "dev":
        asked[case.question] = "multihop-dev"
read = {}
for question, source in asked.items():
    kind = intent(question)
    query = topic(question, kind)
    read[question] = {"source": source, "intent": kind,
                      "collection": about_collection(query, naming(question) if kind == "list" else ()),
                      "topic_words": sorted(topic_words(question)), "line_topic": sorted(_topic(question))}
with open(sys.argv[2], "w") as out:
    json.dump(read, out, indent=0)
print(len(read), "questions")
