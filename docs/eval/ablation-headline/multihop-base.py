"""Round thirty-four's MultiHop dev rows with the narrow `outlet_only`, the base this round compares with: the base
rows, with the 75 questions the broad first version fired on taken from its ablated run (asked without it).

    python docs/eval/ablation-headline/multihop-base.py OUT.jsonl
    python -m evals.versus multihop:dev OUT.jsonl NEW/results/multihop-newsrag.jsonl
"""

import json
import sys
from pathlib import Path

OUTLET = Path(__file__).resolve().parent.parent / "ablation-outlet"
rows: dict[str, str] = {}
for name in ("multihop-aliases.jsonl", "multihop-outlet_only.jsonl"):  # the later file's row wins
    for line in (OUTLET / name).read_text().splitlines():
        row = json.loads(line)
        if row["config"] == "newsrag":
            rows[row["case_id"]] = line
Path(sys.argv[1]).write_text("".join(f"{line}\n" for line in rows.values()))
