"""Keyword retrieval before and after the catalogue: bm25s (the old in-memory index, kept here as the
reference) against SQLite FTS5's `bm25()` on the same suites, the same chunks and the same words.

    python -m evals.bench.keyword_compare [--report docs/eval/keyword]

Both rank the committed chunks of the suite's index by their `content_words` (title and text); the scores
are the retrieval eval's (hit@4, MRR@10, evidence recall@10). It writes `keyword.md` and prints it.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from evals.bench.bm25s_reference import KeywordIndex
from evals.configs import RANK_DEPTH
from evals.configs import _query as retrieval_query  # the retrieval eval's query for a follow-up
from evals.metrics import evidence_recall_at_k, hit_at_k, mrr_at_k
from evals.suites import load
from index.pipeline import index_paths
from rag.config import Settings
from rag.parts import build_parts
from rag.retrieve import keyword_search
from rag.store.catalogue import embedding_text
from rag.store.corpus import Corpus

SUITES = ("seed", "multihop")


def compare(suite_name: str, work: Path) -> dict[str, dict[str, float]]:
    suite = load(suite_name, work)
    parts = build_parts(dataclasses.replace(Settings.load(), home=suite.home))
    index_paths(suite.corpus, parts)
    corpus = Corpus.open(parts)
    passages = corpus.catalogue.passages(corpus.catalogue.chunk_ids())
    ids = list(passages)
    reference = KeywordIndex.build(ids, [embedding_text(passages[c].title, passages[c].text) for c in ids])
    rankers: dict[str, Callable[[str], list[str]]] = {
        "bm25s": lambda q: [passages[c].text for c, _ in reference.search(q, RANK_DEPTH)],
        "fts5": lambda q: [p.text for p in keyword_search(q, corpus, RANK_DEPTH)],
    }
    cases = [c for c in suite.cases if c.answerable and c.evidence]
    out: dict[str, dict[str, float]] = {}
    for name, rank in rankers.items():
        scores: dict[str, list[float]] = {"hit@4": [], "mrr@10": [], "evidence_recall@10": [], "ms": []}
        for case in cases:
            started = time.perf_counter()
            ranked = rank(retrieval_query(case))
            scores["ms"].append(1000 * (time.perf_counter() - started))
            scores["hit@4"].append(hit_at_k(ranked, case.evidence, 4))
            scores["mrr@10"].append(mrr_at_k(ranked, case.evidence, RANK_DEPTH))
            scores["evidence_recall@10"].append(evidence_recall_at_k(ranked, case.evidence, RANK_DEPTH))
        out[name] = {k: (statistics.median(v) if k == "ms" else statistics.fmean(v)) for k, v in scores.items()}
        out[name]["questions"] = len(cases)
        out[name]["chunks"] = len(ids)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", type=Path, default=Path("docs/eval/keyword"))
    args = parser.parse_args()
    lines = [
        "# Keyword retrieval: bm25s vs SQLite FTS5",
        "",
        "`python -m evals.bench.keyword_compare`. Same committed chunks and words (`content_words` of title and text);",
        "answerable questions with gold evidence, all splits. Scores as in the retrieval eval; ms = median per query.",
        "",
        "| suite | ranker | questions | chunks | hit@4 | mrr@10 | evidence_recall@10 | ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for suite in SUITES:
        for ranker, s in compare(suite, args.report / "work").items():
            lines.append(f"| {suite} | {ranker} | {s['questions']:.0f} | {s['chunks']:.0f} | {s['hit@4']:.3f} | "
                         f"{s['mrr@10']:.3f} | {s['evidence_recall@10']:.3f} | {s['ms']:.1f} |")
    text = "\n".join(lines) + "\n"
    args.report.mkdir(parents=True, exist_ok=True)
    (args.report / "keyword.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
