"""Round thirty-one: on which shown "Yes" answers would the `denied` rule fire? For each row whose answer
opens with "Yes", it reads the answer's first sentence against the text of each passage that sentence cites
(every cited passage when it cites none) with `denial.denied_words`. Run from the repository root:

    python docs/eval/ablation-denied/predict.py ROWS.jsonl ...

It prints each row where the rule would fire, and per file the shown "Yes" answers and how many it fires on."""

import json
import re
import sys

from rag.answering.denial import denied_words
from rag.text import sentences

for path in sys.argv[1:]:
    shown = fired = 0
    with open(path) as lines:
        for line in lines:
            row = json.loads(line)
            answer = row.get("answer") or ""
            if not re.match(r"\W*yes\b", answer, re.I):
                continue
            shown += 1
            first = sentences(answer)[0]
            marked = {int(m) for m in re.findall(r"\[(\d+)\]", first)}
            for cited in row.get("citations") or []:
                denied = denied_words(first, cited["text"]) if not marked or cited["marker"] in marked else []
                if denied:
                    fired += 1
                    print(row["case_id"], denied, "|", first[:120], "|", cited["text"][:150].replace("\n", " "))
                    break
    print(f"{path}: {shown} shown 'Yes' answers, the rule fires on {fired}")
