"""How one config's result rows score against the gold: retrieval, factoid and open-ended answers,
citations, calibration and times. Pure: rows in, figures out; `evals.report` lays them out."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from evals import metrics as m
from evals import nuggets, refusal
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
        out[name] = m.mean([fn(r.get("ranked") or [], c.evidence) for c, r in with_evidence])
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
        return refusal.refused(answer)
    return not refusal.refused(answer) and bool(m.answer_correct(answer, case.answers, case.all_answers))


def answer_scores(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    opened = [(c, r) for c, r in rows if c.open_ended]
    rows = [(c, r) for c, r in rows if not c.open_ended]
    out = open_scores(opened) if opened else {}
    if not rows:
        return out
    answerable = [(c, r) for c, r in rows if c.answerable]
    echo = [(c, r) for c, r in answerable if m.gold_in_question(c.question, c.answers)]
    plain = [(c, r) for c, r in answerable if not m.gold_in_question(c.question, c.answers)]
    kinds = [refusal.refusal_kind(r.get("answer")) if not r.get("error") else "error" for _, r in rows]
    out |= {
        "accuracy": m.mean([float(is_right(c, r)) for c, r in plain]),
        "gold_in_question": float(len(echo)),
        "accuracy_gold_in_question": m.mean([float(is_right(c, r)) for c, r in echo]),
        "token_f1": m.mean([m.token_f1(r.get("answer") or "", c.answers) for c, r in answerable]),
        "answer_words": m.median([float(m.answer_words(r.get("answer"))) for _, r in answerable
                                  if r.get("answer") is not None and not refusal.refused(r.get("answer"))]),
        **m.refusal_scores([k.startswith("refusal") for k in kinds], [c.answerable for c, _ in rows]),
        "refused_with_claims": float(kinds.count("refusal_with_claims")),
    }
    planted = [(c, r) for c, r in rows if c.wrong_answers]
    if planted:
        out["follows_counterfactual"] = m.mean([m.contains_answer(r.get("answer") or "", c.wrong_answers)
                                               for c, r in planted])
        out["flags_conflict"] = m.mean([1.0 if m.flags_conflict(r.get("answer") or "") else 0.0 for _, r in planted])
        out["refused_share"] = m.mean([1.0 if refusal.refused(r.get("answer")) else 0.0 for _, r in planted])
    out.update(citation_scores(rows))
    out.update(_calibration(rows))
    return out


def shown_answer(row: dict[str, Any]) -> str:
    """What an open-ended answer states: a refusal (the text rule) or an error states nothing."""
    return "" if row.get("error") or refusal.refused(row.get("answer")) else row.get("answer") or ""


class OpenScores(NamedTuple):
    """One open answer, by its nuggets."""
    recall: float
    cited: float  # share of its citations on a passage holding a nugget's sentence (NaN: it cites nothing)
    order: float  # timeline order (NaN: not a timeline, or fewer than two dated nuggets stated)


def open_row(case: Case, row: dict[str, Any]) -> OpenScores:
    shown = shown_answer(row)
    order = (nuggets.timeline_order(shown, [(n.date, n.aliases) for n in case.nuggets if n.date])
             if case.intent == "timeline" else math.nan)
    return OpenScores(nuggets.nugget_recall(shown, [n.aliases for n in case.nuggets]),
                      nuggets.citations_on_nuggets([x["text"] for x in row.get("citations") or []],
                                                   [n.sentence for n in case.nuggets]), order)


def open_scores(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    """Open-ended questions, by their nuggets (a mean leaves out the answers a figure does not apply to)."""
    each = [open_row(c, r) for c, r in rows]
    return {
        "open_questions": float(len(rows)),
        "nugget_recall": m.mean([s.recall for s in each]),
        "citations_on_nugget": m.mean(s.cited for s in each),
        "timeline_order": m.mean(s.order for s in each),
        "open_refused": m.mean([float(refusal.refused(r.get("answer")) or bool(r.get("error"))) for _, r in rows]),
        "open_answer_words": m.median([float(m.answer_words(shown_answer(r))) for _, r in rows if shown_answer(r)]),
        # tokens the model wrote (newsrag's trace; 0 for an answer built from the passages' sentences)
        "open_model_tokens": m.median([float(r["trace"]["model_tokens"]) for _, r in rows
                                       if "model_tokens" in (r.get("trace") or {})]),
    }


def _calibration(rows: list[tuple[Case, dict[str, Any]]]) -> dict[str, float]:
    out: dict[str, float] = {}
    confident = [(c, r) for c, r in rows if r.get("confidence") is not None]
    if confident:
        out["calibration_error"] = m.expected_calibration_error(
            [float(r["confidence"]) for _, r in confident], [float(is_right(c, r)) for c, r in confident])
        # The promise the shown confidence makes: answers at >= 0.8 are right that often, those < 0.5 are not.
        shown = [(float(r["confidence"]), is_right(c, r)) for c, r in confident if not refusal.refused(r.get("answer"))]
        out["right_at_0.8+"] = m.mean([float(ok) for conf, ok in shown if conf >= 0.8])
        out["right_below_0.5"] = m.mean([float(ok) for conf, ok in shown if conf < 0.5])
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
        out["citation_precision"] = m.mean([float(_cites_gold(c, cit)) for c, cit in cited])
    if any(r.get("citations") or r.get("checked") for _, r in rows):  # a config that cites at all
        answerable = [(c, r) for c, r in rows if c.answerable and c.evidence]
        out["citation_recall"] = m.mean([m.citation_recall([(x["title"], x["text"]) for x in r.get("citations") or []],
                                                          c.titles, c.evidence) for c, r in answerable])
    checked = [(c, cit) for c, r in rows for cit in r.get("checked") or []]
    if checked:
        out["self_supported"] = m.mean([1.0 if cit["supported"] else 0.0 for _, cit in checked])
        out["self_supported_agrees"] = m.mean([float(bool(cit["supported"]) == _cites_gold(c, cit))
                                              for c, cit in checked])
    return out


def _cites_gold(case: Case, citation: dict[str, Any]) -> bool:
    """A citation is right only when the question is answerable and its passage holds gold evidence."""
    return case.answerable and m.holds_evidence(citation["text"], case.evidence)


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
