"""RGB counterfactual robustness (Chen et al., AAAI 2024; CC BY-NC-SA 4.0, evaluation use only).

The data file is not shipped with newsrag. It is read from `NEWSRAG_RGB_PATH`, or from
`../shared/datasets/rgb-en-fact/en_fact.json` beside the project when present. `rgb` indexes each query's
positive and negative passages; `rgb_counterfactual` swaps the positive passages for the counterfactual
ones, so an answer can follow the planted false fact, flag the conflict, or refuse.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from evals.cases import Case, Suite, hash_split
from evals.jsonl import read_jsonl

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "rgb-en-fact" / "en_fact.json"


def data_path() -> Path:
    path = Path(os.environ.get("NEWSRAG_RGB_PATH") or DEFAULT)
    if not path.is_file():
        raise FileNotFoundError(
            f"RGB data not found at {path}. Get en_fact.json from the RGB repository (chen700564/RGB, "
            "data/en_fact.json; CC BY-NC-SA 4.0) and set NEWSRAG_RGB_PATH to it."
        )
    return path


def _aliases(answer: Any) -> tuple[str, ...]:
    """RGB answers are a string, a list of strings, or a list of alias lists."""
    if isinstance(answer, str):
        return (answer,)
    flat: list[str] = []
    for item in answer:
        flat.extend(_aliases(item))
    return tuple(dict.fromkeys(flat))


def load(work: Path, counterfactual: bool = False) -> Suite:
    rows = [row for _, row in read_jsonl(data_path())]
    name = "rgb_counterfactual" if counterfactual else "rgb"
    corpus = work / f"{name}-corpus" / "passages.jsonl"
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        articles = []
        for row in rows:
            relevant = row["positive_wrong"] if counterfactual else row["positive"]
            for i, text in enumerate([*relevant, *row["negative"]]):
                articles.append({"title": f"{row['query']} ({i + 1})", "body": text})
        corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n", "utf-8")
    cases = [
        Case(id=f"rgb{row['id']}", type="counterfactual" if counterfactual else "fact", question=row["query"],
             answers=_aliases(row["answer"]), evidence=(),
             wrong_answers=_aliases(row["fakeanswer"]) if counterfactual else ())
        for row in rows
    ]
    notes = ["RGB en_fact (CC BY-NC-SA 4.0, evaluation use only); passages indexed as one corpus. **Easier than "
             "the benchmark:** each passage is titled with its question, which retrieval matches; do not compare "
             "these figures with the paper's."]
    return Suite(name, hash_split(cases), [corpus], work / f"{name}-home", notes)
