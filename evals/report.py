"""Scores per config and per question type, a Markdown report, a JSON file of every result, PNG plots
(the figures from `evals.scores`, the plots from `evals.plots`)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals import nuggets
from evals.cases import Case, Suite
from evals.jsonl import read_jsonl
from evals.plots import write_plots
from evals.scores import is_right, judge_scores, score, shown_answer


def load_results(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    return {row["case_id"]: row for _, row in read_jsonl(path)}


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
    plots = write_plots(suite, summaries.get(headline, {}), results, head_cases, report_dir)
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
    "How it is scored (`evals/metrics.py`, `evals/refusal.py`, `evals/nuggets.py`, `evals/scores.py`): "
    "**refusal** is decided from the shown text by one rule for every config (`refusal.refusal_kind`: the first "
    "sentence declines, unless it opens with a yes/no "
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
        recall = {c.id: nuggets.nugget_recall(shown_answer(res[c.id]), [n.aliases for n in c.nuggets])
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
