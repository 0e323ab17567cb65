"""Scores per config and per question type, a Markdown report, a JSON file of every result, PNG plots."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals import metrics as m
from evals.cases import Case, Suite

RETRIEVAL_METRICS: dict[str, Callable[[Sequence[str], Sequence[str]], float]] = {
    "hit@4": lambda r, e: m.hit_at_k(r, e, 4),
    "hit@10": lambda r, e: m.hit_at_k(r, e, 10),
    "mrr@10": lambda r, e: m.mrr_at_k(r, e, 10),
    "ndcg@10": lambda r, e: m.ndcg_at_k(r, e, 10),
    "evidence_recall@4": lambda r, e: m.evidence_recall_at_k(r, e, 4),
    "evidence_recall@10": lambda r, e: m.evidence_recall_at_k(r, e, 10),
    "all_evidence@4": lambda r, e: m.all_evidence_at_k(r, e, 4),
    "all_evidence@10": lambda r, e: m.all_evidence_at_k(r, e, 10),
}
# Lower is better for these; the rest are higher-is-better.
LOWER_IS_BETTER = {"prompt_tokens", "t_sources", "t_first_token", "t_first_token_p95", "t_total", "t_total_p95"}


def load_results(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {row["case_id"]: row for row in rows}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def score(cases: list[Case], results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """All metrics for one config over `cases` (those with a result)."""
    rows = [(c, results[c.id]) for c in cases if c.id in results and not results[c.id].get("error")]
    out: dict[str, float] = {"questions": float(len(rows)), "errors": float(
        sum(1 for c in cases if c.id in results and results[c.id].get("error")))}
    with_evidence = [(c, r) for c, r in rows if c.answerable and c.evidence]
    for name, fn in RETRIEVAL_METRICS.items():
        if name.endswith("@10") and rows and all(len(r["ranked"]) <= 4 for _, r in rows):
            continue  # answer configs keep only the passages shown to the LLM
        out[name] = _mean([fn(r["ranked"], c.evidence) for c, r in with_evidence])
    answered = [(c, r) for c, r in rows if r.get("answer") is not None]
    if answered:
        out.update(_answer_scores(answered))
    return out


def _answer_scores(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    answerable = [(c, r) for c, r in rows if c.answerable]
    out = {
        "accuracy": _mean([m.contains_answer(r["answer"], c.answers, c.all_answers) for c, r in answerable]),
        "token_f1": _mean([m.token_f1(r["answer"], c.answers) for c, r in answerable]),
        **m.refusal_scores([bool(r["refused"]) for _, r in rows], [c.answerable for c, _ in rows]),
    }
    planted = [(c, r) for c, r in rows if c.wrong_answers]
    if planted:
        out["follows_counterfactual"] = _mean([m.contains_answer(r["answer"], c.wrong_answers) for c, r in planted])
        out["flags_conflict"] = _mean([1.0 if m.flags_conflict(r["answer"]) else 0.0 for _, r in planted])
        out["refused_share"] = _mean([1.0 if r["refused"] else 0.0 for _, r in planted])
    cited = [(c, cit) for c, r in rows for cit in r["citations"]]
    if cited:
        out["citations_supported"] = _mean([1.0 if cit["supported"] else 0.0 for _, cit in cited])
        out["citation_precision"] = _mean([_cites_gold(c, cit) for c, cit in cited if c.answerable])
        attempted = [(c, r) for c, r in answerable if not r["refused"]]
        out["citation_recall"] = _mean([max((_cites_gold(c, cit) for cit in r["citations"]), default=0.0)
                                        for c, r in attempted])
    for key in ("prompt_tokens", "t_sources", "t_first_token", "t_total"):
        values = [float(r[key]) for _, r in rows if r.get(key) is not None]
        out[key] = m.median(values)
        if key in {"t_first_token", "t_total"}:
            out[f"{key}_p95"] = m.percentile(values, 95)
    return out


def _cites_gold(case: Case, citation: dict[str, Any]) -> float:
    """ALCE-style rule without NLI: a citation is right when its passage holds a gold evidence sentence, or
    (for passages cut tighter than the sentence) comes from a gold article and was verified as supporting."""
    if any(m.squash(e) in m.squash(citation["text"]) for e in case.evidence):
        return 1.0
    same_article = any(t and t in citation["title"] for t in case.titles)
    return 1.0 if same_article and citation["supported"] else 0.0


def write_report(suite: Suite, configs: list[str], report_dir: Path, limit: int | None) -> Path:
    from evals.runner import results_path

    results = {name: load_results(results_path(report_dir, suite.name, name)) for name in configs}
    summary = {name: score(suite.cases, res) for name, res in results.items()}
    types = sorted({c.type for c in suite.cases})
    by_type = {
        t: {name: score([c for c in suite.cases if c.type == t], res) for name, res in results.items()} for t in types
    }
    report_dir.mkdir(parents=True, exist_ok=True)
    payload = {"suite": suite.name, "limit": limit, "summary": summary, "by_type": by_type,
               "results": {name: list(res.values()) for name, res in results.items()}}
    (report_dir / f"{suite.name}.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False), "utf-8")
    plots = _plots(suite.name, summary, results, report_dir)
    md = _markdown(suite, configs, summary, by_type, results, limit, plots)
    path = report_dir / f"{suite.name}.md"
    path.write_text(md, "utf-8")
    return path


def table(summary: dict[str, dict[str, float]], configs: list[str]) -> str:
    """Metrics as rows, configs as columns, and each figure's ratio to `naive` where naive ran."""
    keys = [k for k in dict.fromkeys(k for c in configs for k in summary[c]) if k not in {"errors"}]
    base = summary.get("naive")
    head = ["metric", *configs] + ([f"{c}/naive" for c in configs if c != "naive"] if base else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in keys:
        row = [key] + [_fmt(summary[c].get(key)) for c in configs]
        if base:
            row += [_ratio(summary[c].get(key), base.get(key)) for c in configs if c != "naive"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0f}" if value >= 100 or float(value).is_integer() else f"{value:.3f}"


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or base is None or math.isnan(value) or math.isnan(base) or base == 0:
        return "–"
    return f"{value / base:.2f}×"


def _markdown(
    suite: Suite,
    configs: list[str],
    summary: dict[str, dict[str, float]],
    by_type: dict[str, dict[str, dict[str, float]]],
    results: dict[str, dict[str, dict[str, Any]]],
    limit: int | None,
    plots: list[str],
) -> str:
    lines = [f"# newsrag eval: {suite.name}", ""]
    lines.append(f"{len(suite.cases)} questions" + (f" (--limit {limit})" if limit else "") + ". "
                 "Times in seconds (medians; p95 where named); accuracy = the answer contains an acceptable "
                 "answer; retrieval hits use MultiHop-RAG's rule (a passage holds a gold evidence sentence).")
    lines += [*suite.notes, "", "## Summary", "", table(summary, configs), ""]
    lines += ["## By question type", ""]
    for kind, per_config in by_type.items():
        lines += [f"### {kind}", "", table(per_config, configs), ""]
    lines += [f"![{p}]({p})" for p in plots] + [""]
    lines += _failures(suite, results)
    return "\n".join(lines) + "\n"


def _failures(suite: Suite, results: dict[str, dict[str, dict[str, Any]]], most: int = 10) -> list[str]:
    lines = ["## Worst failures", ""]
    for name, res in results.items():
        wrong = []
        for case in suite.cases:
            row = res.get(case.id)
            if not row or row.get("answer") is None:
                continue
            ok = (m.contains_answer(row["answer"], case.answers, case.all_answers) if case.answerable
                  else float(bool(row["refused"])))
            if not ok:
                wrong.append((case, row))
        if not wrong:
            continue
        lines += [f"### {name}: {len(wrong)} wrong", ""]
        for case, row in wrong[:most]:
            expected = " / ".join(case.answers) if case.answerable else "(a refusal)"
            cited = "; ".join(f"[{c['marker']}] {c['title'][:60]}" for c in row["citations"]) or "none"
            lines += [f"- **{case.id}** ({case.type}) {case.question}", f"  - expected: {expected}",
                      f"  - got: {row['answer']!r}", f"  - cited: {cited}"]
        lines.append("")
    return lines


def _plots(suite: str, summary: dict[str, dict[str, float]], results: dict[str, dict[str, dict[str, Any]]],
           report_dir: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    key = "accuracy" if any("accuracy" in s for s in summary.values()) else "hit@4"
    names = [n for n, s in summary.items() if key in s]
    if names:
        fig, ax = plt.subplots(figsize=(6, 3.2))
        ax.bar(names, [summary[n][key] for n in names], color="#4c72b0")
        ax.set_ylim(0, 1)
        ax.set_ylabel(key)
        ax.set_title(f"{suite}: {key} by config")
        fig.tight_layout()
        fig.savefig(report_dir / f"{suite}-{key.replace('@', 'at')}.png", dpi=110)
        plt.close(fig)
        made.append(f"{suite}-{key.replace('@', 'at')}.png")
    timed = {n: [r["t_total"] for r in res.values() if r.get("t_total") is not None] for n, res in results.items()}
    timed = {n: v for n, v in timed.items() if v}
    if timed:
        fig, ax = plt.subplots(figsize=(6, 3.2))
        ax.boxplot(list(timed.values()), tick_labels=list(timed.keys()))
        ax.set_ylabel("seconds per question")
        ax.set_title(f"{suite}: answer latency")
        fig.tight_layout()
        fig.savefig(report_dir / f"{suite}-latency.png", dpi=110)
        plt.close(fig)
        made.append(f"{suite}-latency.png")
    return made
