"""MultiHop-RAG (Tang & Yang 2024, ODC-BY 1.0): 500 queries with gold evidence sentences.

The article bodies are not redistributed, so the corpus is rebuilt from the evidence sentences grouped by
article (title, source, date and url as metadata), written as JSON lines and indexed into its own home.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.cases import Case, Suite, hash_split

DATA = Path(__file__).resolve().parent / "multihop"


def _articles(truth: dict[str, Any]) -> list[dict[str, str]]:
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in truth.values():
        for ev in entry["evidence_list"]:
            key = (ev["title"], ev["source"])
            article = grouped.setdefault(key, {"title": ev["title"], "source": ev["source"],
                                                "published_at": ev["published_at"], "url": ev["url"],
                                                "facts": []})
            if ev["fact"] not in article["facts"]:
                article["facts"].append(ev["fact"])
    return [
        {"title": a["title"], "body": "\n\n".join(a["facts"]), "published_at": a["published_at"], "url": a["url"],
         "outlet": a["source"]}
        for a in grouped.values()
    ]


def corpus_file(work: Path) -> Path:
    """The evidence corpus as JSON lines, written once under `work` (the `news` suite indexes it too)."""
    corpus = work / "multihop-corpus" / "articles.jsonl"
    if not corpus.exists():
        truth = json.loads((DATA / "sample500_ground_truth.json").read_text("utf-8"))
        corpus.parent.mkdir(parents=True, exist_ok=True)
        corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in _articles(truth)) + "\n", "utf-8")
    return corpus


def load(work: Path) -> Suite:
    queries = json.loads((DATA / "sample500_queries.json").read_text("utf-8"))["queries"]
    truth = json.loads((DATA / "sample500_ground_truth.json").read_text("utf-8"))
    corpus = corpus_file(work)
    cases = []
    for query in queries:
        gold = truth[query["id"]]
        kind = query["question_type"].removesuffix("_query")
        cases.append(Case(
            id=f"mh{query['id']}", type="null_query" if kind == "null" else kind, question=query["question"],
            answers=() if kind == "null" else (gold["answer"],),
            evidence=tuple(ev["fact"] for ev in gold["evidence_list"]),
            titles=tuple(ev["title"] for ev in gold["evidence_list"]),
        ))
    notes = ["**Easier than the benchmark:** the corpus is only the gold evidence sentences grouped by article (the "
             "bodies are not distributed), so retrieval here has far fewer distractors than MultiHop-RAG's; do not "
             "compare these figures with the paper's."]
    return Suite("multihop", hash_split(cases), [corpus], work / "multihop-home", notes)
