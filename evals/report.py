"""Scores per config and per question type, a Markdown report, a JSON file of every result, PNG plots."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals import metrics as m
from evals.cases import Case, Suite
from evals.jsonl import read_jsonl

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
    return {row["case_id"]: row for _, row in read_jsonl(path)}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def score(cases: list[Case], results: dict[str, dict[str, Any]], answering: bool | None = None) -> dict[str, float]:
    """All metrics for one config over the `cases` that have a result. A row that ended in an error counts:
    it retrieved nothing, answered nothing (wrong) and refused nothing."""
    rows = [(c, results[c.id]) for c in cases if c.id in results]
    if answering is None:
        answering = any(r.get("answer") is not None for _, r in rows)
    out: dict[str, float] = {"questions": float(len(rows)), "errors": float(sum(1 for _, r in rows if r.get("error")))}
    with_evidence = [(c, r) for c, r in rows if c.answerable and c.evidence]
    for name, fn in RETRIEVAL_METRICS.items():
        if name.endswith("@10") and answering:
            continue  # answer configs keep only the passages shown to the LLM
        out[name] = _mean([fn(r.get("ranked") or [], c.evidence) for c, r in with_evidence])
    if answering and rows:
        out.update(answer_scores(rows))
        out.update(_times(rows))
    return out


def is_right(case: Case, row: dict[str, Any]) -> bool:
    """The rule's verdict on one factoid answer, the same for every config: refusal is decided from the shown
    text (`metrics.refusal_kind`), never from a system's own flag. A question the articles cannot answer is
    right when refused; an answerable one is wrong when refused, whatever follows the refusal, else right when
    it holds the gold (see `metrics.answer_correct`). An error is wrong."""
    answer = row.get("answer")
    if row.get("error") or answer is None:
        return False
    if not case.answerable:
        return m.refused(answer)
    return not m.refused(answer) and bool(m.answer_correct(answer, case.answers, case.all_answers))


def answer_scores(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    opened = [(c, r) for c, r in rows if c.open_ended]
    rows = [(c, r) for c, r in rows if not c.open_ended]
    out = open_scores(opened) if opened else {}
    if not rows:
        return out
    answerable = [(c, r) for c, r in rows if c.answerable]
    echo = [(c, r) for c, r in answerable if m.gold_in_question(c.question, c.answers)]
    plain = [(c, r) for c, r in answerable if not m.gold_in_question(c.question, c.answers)]
    kinds = [m.refusal_kind(r.get("answer")) if not r.get("error") else "error" for _, r in rows]
    out |= {
        "accuracy": _mean([float(is_right(c, r)) for c, r in plain]),
        "gold_in_question": float(len(echo)),
        "accuracy_gold_in_question": _mean([float(is_right(c, r)) for c, r in echo]),
        "token_f1": _mean([m.token_f1(r.get("answer") or "", c.answers) for c, r in answerable]),
        "answer_words": m.median([float(m.answer_words(r.get("answer"))) for _, r in answerable
                                  if r.get("answer") is not None and not m.refused(r.get("answer"))]),
        **m.refusal_scores([k.startswith("refusal") for k in kinds], [c.answerable for c, _ in rows]),
        "refused_with_claims": float(kinds.count("refusal_with_claims")),
    }
    planted = [(c, r) for c, r in rows if c.wrong_answers]
    if planted:
        out["follows_counterfactual"] = _mean([m.contains_answer(r.get("answer") or "", c.wrong_answers)
                                               for c, r in planted])
        out["flags_conflict"] = _mean([1.0 if m.flags_conflict(r.get("answer") or "") else 0.0 for _, r in planted])
        out["refused_share"] = _mean([1.0 if m.refused(r.get("answer")) else 0.0 for _, r in planted])
    out.update(citation_scores(rows))
    out.update(_calibration(rows))
    return out


def _shown(row: dict[str, Any]) -> str:
    """What an open-ended answer states: a refusal (the text rule) or an error states nothing."""
    return "" if row.get("error") or m.refused(row.get("answer")) else row.get("answer") or ""


def open_scores(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    """Open-ended questions, by their nuggets."""
    cited = [[x["text"] for x in r.get("citations") or []] for _, r in rows]
    timelines = [(c, r) for c, r in rows if c.intent == "timeline"]
    return {
        "open_questions": float(len(rows)),
        "nugget_recall": _mean([m.nugget_recall(_shown(r), [n.aliases for n in c.nuggets]) for c, r in rows]),
        "citations_on_nugget": _mean([v for (c, _), texts in zip(rows, cited, strict=True)
                                      if not math.isnan(v := m.citations_on_nuggets(
                                          texts, [n.sentence for n in c.nuggets]))]),
        "timeline_order": _mean([v for c, r in timelines if not math.isnan(v := m.timeline_order(
            _shown(r), [(n.date, n.aliases) for n in c.nuggets if n.date]))]),
        "open_refused": _mean([float(m.refused(r.get("answer")) or bool(r.get("error"))) for _, r in rows]),
        "open_answer_words": m.median([float(m.answer_words(_shown(r))) for _, r in rows if _shown(r)]),
    }


def _calibration(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    out: dict[str, float] = {}
    confident = [(c, r) for c, r in rows if r.get("confidence") is not None]
    if confident:
        out["calibration_error"] = m.expected_calibration_error(
            [float(r["confidence"]) for _, r in confident], [float(is_right(c, r)) for c, r in confident])
        # The promise the shown confidence makes: answers at >= 0.8 are right that often, those < 0.5 are not.
        shown = [(float(r["confidence"]), is_right(c, r)) for c, r in confident if not m.refused(r.get("answer"))]
        out["right_at_0.8+"] = _mean([float(ok) for conf, ok in shown if conf >= 0.8])
        out["right_below_0.5"] = _mean([float(ok) for conf, ok in shown if conf < 0.5])
    return out


def _times(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key in ("prompt_tokens", "t_sources", "t_first_token", "t_total"):
        values = [float(r[key]) for _, r in rows if r.get(key) is not None]
        out[key] = m.median(values)
        if key in {"t_first_token", "t_total"}:
            out[f"{key}_p95"] = m.percentile(values, 95)
    return out


def citation_scores(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    """Citations judged against gold evidence only. Precision counts every citation of every answer (on a
    question the articles cannot answer, every citation is wrong); recall is the share of an answerable
    question's gold articles cited with evidence (a refusal cites none). The system's own `supported` flags
    are reported beside them, with their agreement with the gold rule, never used as the gold."""
    if not any(c.evidence for c, _ in rows):
        return {}  # no gold evidence in this suite: only a judge can grade its citations
    out: dict[str, float] = {}
    cited = [(c, cit) for c, r in rows for cit in r.get("citations") or []]
    if cited:
        out["citation_precision"] = _mean([float(_cites_gold(c, cit)) for c, cit in cited])
    if any(r.get("citations") or r.get("checked") for _, r in rows):  # a config that cites at all
        answerable = [(c, r) for c, r in rows if c.answerable and c.evidence]
        out["citation_recall"] = _mean([m.citation_recall([(x["title"], x["text"]) for x in r.get("citations") or []],
                                                          c.titles, c.evidence) for c, r in answerable])
    checked = [(c, cit) for c, r in rows for cit in r.get("checked") or []]
    if checked:
        out["self_supported"] = _mean([1.0 if cit["supported"] else 0.0 for _, cit in checked])
        out["self_supported_agrees"] = _mean([float(bool(cit["supported"]) == _cites_gold(c, cit))
                                              for c, cit in checked])
    return out


def _cites_gold(case: Case, citation: dict[str, Any]) -> bool:
    """A citation is right only when the question is answerable and its passage holds gold evidence."""
    return case.answerable and m.holds_evidence(citation["text"], case.evidence)


def write_report(suite: Suite, configs: list[str], report_dir: Path, limit: int | None, split: str = "all",
                 judged: dict[str, Any] | None = None) -> Path:
    """`SUITE.md` (test split first: the headline; dev beside it), `SUITE.json` and PNG plots, all computed
    from the results files alone, so `make eval-docs` can regenerate them without running a model."""
    from evals.configs import ANSWERING
    from evals.runner import results_path

    results = {name: load_results(results_path(report_dir, suite.name, name)) for name in configs}
    splits = {name: [c for c in suite.cases if c.split == name] for name in ("test", "dev", "dev2")}
    splits = {name: cases for name, cases in splits.items() if cases}
    summaries = {sp: {name: score(cases, res, name in ANSWERING) for name, res in results.items()}
                 for sp, cases in splits.items()}
    headline = next(iter(splits), "all")
    head_cases = splits.get(headline, suite.cases)
    by_type = {t: {name: score([c for c in head_cases if c.type == t], res, name in ANSWERING)
                   for name, res in results.items()} for t in sorted({c.type for c in head_cases})}
    by_intent = {i: {name: score([c for c in head_cases if c.intent == i], res, name in ANSWERING)
                     for name, res in results.items()} for i in sorted({c.intent for c in head_cases if c.intent})}
    judge = judge_scores(judged, suite, results) if judged else {}
    note = ledger_note(suite.name, results)
    report_dir.mkdir(parents=True, exist_ok=True)
    payload = {"suite": suite.name, "limit": limit, "split": split, "headline": headline, "summary": summaries,
               "by_type": by_type, "by_intent": by_intent, "judge": judge, "fingerprints": fingerprints(results),
               "ledger": note.text}  # rows: results/*.jsonl
    (report_dir / f"{suite.name}.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False), "utf-8")
    plots = _plots(suite, summaries.get(headline, {}), results, head_cases, report_dir)
    md = _markdown(suite, configs, summaries, by_type, by_intent, results, note, limit, plots, judge, judged)
    path = report_dir / f"{suite.name}.md"
    path.write_text(md, "utf-8")
    return path


@dataclass(frozen=True, slots=True)
class LedgerNote:
    text: str  # the report header's line ("" without ledger entries)
    seen: bool  # the test split was read while choosing


def ledger_note(suite: str, results: dict[str, dict[str, dict[str, Any]]]) -> LedgerNote:
    """How often the test split of `suite` was run for the code behind these rows, from the ledger."""
    from evals import ledger

    codes = sorted({f.get("code", "") for prints in fingerprints(results).values() for f in prints} - {""})
    runs = [r for r in ledger.runs(suite) if r.get("split") in ("test", "all")]
    if not runs:
        return LedgerNote("", False)
    mine = [r for r in runs if r.get("code") in codes]
    seen = [r for r in runs if r.get("seen")]
    text = (f"Test-split runs in the ledger (docs/eval/ledger.jsonl): {len(mine)} of the code behind these rows "
            f"({', '.join(codes) or '–'}), {len(runs)} of this suite in all.")
    if seen:
        text += (f" **Seen:** {len(seen)} runs of this test split were read while choosing, before the ledger: "
                 "its figures are not held-out.")
    return LedgerNote(text, bool(seen))


def split_label(split: str, seen: bool) -> str:
    """How a split is named next to its figures: dev2 and a test split read while choosing say so."""
    if split == "dev2":
        return "dev2 split (a former test split, seen while choosing)"
    return f"{split} split" + (" (seen: read while choosing, see the ledger)" if seen and split == "test" else "")


def fingerprints(results: dict[str, dict[str, dict[str, Any]]]) -> dict[str, list[dict[str, str]]]:
    """The distinct fingerprints behind each config's rows (one, unless rows were written by hand)."""
    out: dict[str, list[dict[str, str]]] = {}
    for name, res in results.items():
        seen = {json.dumps(r.get("fingerprint") or {}, sort_keys=True) for r in res.values()}
        out[name] = [json.loads(f) for f in sorted(seen)]
    return out


def judge_scores(judged: dict[str, Any], suite: Suite, results: dict[str, dict[str, dict[str, Any]]]
                 ) -> dict[str, dict[str, float]]:
    """Per answering config: how often the judge and the rule-based score agree."""
    from evals.judge import AnswerVerdict, answer_agreement

    cases = {c.id: c for c in suite.cases}
    out = {}
    for name, verdicts in judged.items():
        if name in results and isinstance(verdicts, list):
            rows = {k: v for k, v in results[name].items() if k in cases and not cases[k].open_ended}
            rule = {k: is_right(cases[k], r) for k, r in rows.items()}
            answerable = {k: cases[k].answerable for k in rows}
            out[name] = answer_agreement([AnswerVerdict(**v) for v in verdicts if v["case_id"] in rows], rule,
                                         answerable)
    return out


def table(summary: dict[str, dict[str, float]], configs: list[str]) -> str:
    """Metrics as rows, configs as columns, and each figure's ratio to `naive` where naive ran."""
    keys = list(dict.fromkeys(k for c in configs for k in summary[c]))
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
    summaries: dict[str, dict[str, dict[str, float]]],
    by_type: dict[str, dict[str, dict[str, float]]],
    by_intent: dict[str, dict[str, dict[str, float]]],
    results: dict[str, dict[str, dict[str, Any]]],
    note: LedgerNote,
    limit: int | None,
    plots: list[str],
    judge: dict[str, dict[str, float]],
    judged: dict[str, Any] | None,
) -> str:
    counts = ", ".join(f"{len([c for c in suite.cases if c.split == sp])} {sp}" for sp in summaries)
    lines = [f"# newsrag eval: {suite.name}", "",
             f"{len(suite.cases)} questions ({counts})" + (f", --limit {limit}" if limit else "") + ". "
             "The defaults were tuned on `dev` only; `test` is the headline.", "", *suite.notes, "",
             note.text, "", SCORING, "",
             "## Runs", "", "| config | fingerprint | settings | model | code | commit |", "|---|---|---|---|---|---|"]
    for name, prints in fingerprints(results).items():
        for f in prints:
            lines.append(f"| {name} | {f.get('key', '–')} | {f.get('settings', '–')} | {f.get('model', '–')} | "
                         f"{f.get('code', '–')} | {f.get('commit', '–')} |")
    lines.append("")
    for split, summary in summaries.items():
        lines += [f"## Summary: {split_label(split, note.seen)}", "", table(summary, configs), ""]
    if judge and judged:
        lines += ["## Answers graded by an LLM judge", "", f"Judge: {judged.get('judge')}."]
        if judged.get("weak"):
            from evals.judge import WEAK_JUDGE_NOTE

            lines.append(WEAK_JUDGE_NOTE)
        lines += ["", table(judge, list(judge)), ""]
    if judged and judged.get("citations"):
        from evals.judge import Verdict, agreement

        audit = agreement([Verdict(**v) for v in judged["citations"]])
        lines += ["## newsrag's citation rule against the judge", "",
                  f"{int(audit['judged'])} citations sampled from newsrag's answers, each judged yes/no.", "",
                  "| figure | value |", "|---|---|", *(f"| {k} | {_fmt(v)} |" for k, v in audit.items()), ""]
    headline = split_label(next(iter(summaries), "all"), note.seen)
    if by_intent:
        lines += [f"## By intent ({headline})", ""]
        for intent, per_config in by_intent.items():
            lines += [f"### {intent}", "", table(per_config, configs), ""]
    lines += [f"## By question type ({headline})", ""]
    for kind, per_config in by_type.items():
        lines += [f"### {kind}", "", table(per_config, configs), ""]
    lines += [f"![{p}]({p})" for p in plots] + [""]
    lines += _failures(suite, results)
    return "\n".join(lines) + "\n"


SCORING = (
    "How it is scored (`evals/metrics.py`, `evals/report.py`): **refusal** is decided from the shown text by one "
    "rule for every config (`metrics.refusal_kind`: the first sentence declines, unless it opens with a yes/no "
    "verdict), never from a system's own flag; `refused_with_claims` counts refusals that go on to show claims "
    "or citations (their citations are scored like any other). **accuracy** = the answer holds a gold answer "
    "as whole words (a gold date in any spelling of the same day); a yes/no (or True/False) gold is matched "
    "by the answer's polarity (saying both, or neither, is wrong); questions whose gold already occurs in the "
    "question are scored apart (`accuracy_gold_in_question`); "
    "on an answerable question a refusal (whatever follows it) or an error is wrong. **Citation precision** = "
    "share of all citations whose passage holds a gold "
    "evidence sentence (citations on unanswerable questions are wrong); **citation recall** = share of an "
    "answerable question's gold articles cited with evidence. `self_supported` is newsrag's own support "
    "check before it turns unsupported answers into refusals, and `self_supported_agrees` its agreement with "
    "the gold rule. `calibration_error` is the expected calibration error of the shown confidence. "
    "`errors` count as wrong answers. Times in seconds (medians; p95 where named)."
)


def _failures(suite: Suite, results: dict[str, dict[str, dict[str, Any]]], most: int = 10) -> list[str]:
    lines = ["## Worst failures", ""]
    for name, res in results.items():
        wrong = [(c, res[c.id]) for c in suite.cases
                 if c.id in res and not c.open_ended
                 and (res[c.id].get("answer") is not None or res[c.id].get("error")) and not is_right(c, res[c.id])]
        recall = {c.id: m.nugget_recall(_shown(res[c.id]), [n.aliases for n in c.nuggets])
                  for c in suite.cases if c.id in res and c.open_ended}
        lacking = sorted(((c, res[c.id]) for c in suite.cases if recall.get(c.id, 1.0) < 1.0),
                         key=lambda pair: recall[pair[0].id])
        lines += _listed(f"{name}: {len(wrong)} wrong", wrong[:most])
        lines += _listed(f"{name}: {len(lacking)} open-ended answers missing key points", lacking[:most], recall)
    return lines


def _listed(heading: str, rows: list[tuple[Case, dict[str, Any]]], recall: dict[str, float] | None = None
            ) -> list[str]:
    if not rows:
        return []
    lines = [f"### {heading}", ""]
    for case, row in rows:
        expected = " / ".join(case.answers) if case.answerable else "(a refusal)"
        if recall is not None:
            expected = f"nuggets (recall {recall[case.id]:.2f}): " + "; ".join(n.aliases[0] for n in case.nuggets)
        cited = "; ".join(f"[{c['marker']}] {c['title'][:60]}" for c in row.get("citations") or []) or "none"
        got = f"error: {row['error']}" if row.get("error") else repr(row["answer"])
        lines += [f"- **{case.id}** ({case.type}, {case.split}) {case.question}", f"  - expected: {expected}",
                  f"  - got: {got}", f"  - cited: {cited}"]
    lines.append("")
    return lines


def _plots(suite: Suite, summary: dict[str, dict[str, float]], results: dict[str, dict[str, dict[str, Any]]],
           cases: list[Case], report_dir: Path) -> list[str]:
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
        ax.set_title(f"{suite.name}: {key} by config")
        fig.tight_layout()
        made.append(_save(fig, report_dir, f"{suite.name}-{key.replace('@', 'at')}.png"))
    ids = {c.id for c in cases}
    timed = {n: [r["t_total"] for k, r in res.items() if k in ids and r.get("t_total") is not None]
             for n, res in results.items()}
    timed = {n: v for n, v in timed.items() if v}
    if timed:
        fig, ax = plt.subplots(figsize=(6, 3.2))
        ax.boxplot(list(timed.values()), tick_labels=list(timed.keys()))
        ax.set_ylabel("seconds per question")
        ax.set_title(f"{suite.name}: answer latency")
        fig.tight_layout()
        made.append(_save(fig, report_dir, f"{suite.name}-latency.png"))
    reliability = _reliability(suite.name, results, cases)
    if reliability is not None:
        made.append(_save(reliability, report_dir, f"{suite.name}-reliability.png"))
    return made


def _reliability(name: str, results: dict[str, dict[str, dict[str, Any]]], cases: list[Case]) -> Any:
    """Confidence bins against the share of answers that were right, one line per config that has one."""
    import matplotlib.pyplot as plt

    curves = {}
    for config, res in results.items():
        pairs = [(float(res[c.id]["confidence"]), float(is_right(c, res[c.id]))) for c in cases
                 if c.id in res and not c.open_ended and res[c.id].get("confidence") is not None]
        if pairs:
            bins = m.reliability_bins([p[0] for p in pairs], [p[1] for p in pairs], 5)
            curves[config] = [(sum(c for c, _ in b) / len(b), sum(r for _, r in b) / len(b), len(b)) for b in bins if b]
    if not curves:
        return None
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", label="calibrated")
    for config, points in curves.items():
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=config)
        for x, y, n in points:
            ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("shown confidence (bin mean; n per bin)")
    ax.set_ylabel("share right")
    ax.set_title(f"{name}: reliability")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def _save(fig: Any, report_dir: Path, name: str) -> str:
    import matplotlib.pyplot as plt

    fig.savefig(report_dir / name, dpi=110)
    plt.close(fig)
    return name
