"""Run a suite under several configs; every result is appended as it finishes, so a run can resume.

Each row carries the fingerprint of the settings, model and code that produced it; a results file written
by another fingerprint is moved aside, never mixed into the new run.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage
from tqdm import tqdm

from evals import configs, jsonl, ledger
from evals.cases import Case, Suite
from evals.fingerprint import fingerprint
from evals.report import load_results, write_report
from evals.suites import load
from index.pipeline import index_paths
from rag.answering.policy import rules_named
from rag.config import Settings
from rag.models.llm import build_chat_model
from rag.parts import build_parts
from rag.store.corpus import Corpus


@dataclasses.dataclass(frozen=True, slots=True)
class Judge:
    """An LLM that grades answers (and, with `citations`, audits that many citations)."""

    url: str  # an OpenAI-compatible endpoint, or "local" for the bundled model (a weak judge)
    model: str | None = None
    api_key: str | None = None
    citations: int = 0


def results_path(report_dir: Path, suite: str, config: str) -> Path:
    return report_dir / "results" / f"{suite}-{config}.jsonl"


def run(
    suite_name: str,
    config_names: list[str],
    settings: Settings,
    report_dir: Path,
    limit: int | None = None,
    progress: bool = True,
    split: str = "all",
    corpus: list[Path] | None = None,
    judge: Judge | None = None,
    reason: str | None = None,
    base: Path | None = None,
) -> tuple[Path, int]:
    """Index the suite's corpus into its own home (a question file without one is asked of the collection of
    `settings` as indexed), run each config over its cases, write the report. A run that touches a held-out
    test split is first recorded in the ledger with `reason` (`evals/ledger.py`). With `settings.ablate` and
    `base` (the report folder of a run without it), newsrag re-asks only the questions on which an ablated
    rule fired (their traces say which); the others' answers cannot change and are taken from `base`.
    Returns the report's path and the number of questions that ended in an error."""
    for name in config_names:
        if name not in configs.NAMES:
            raise ValueError(f"unknown config {name!r}: choose from {', '.join(configs.NAMES)}")
    suite = load(suite_name, report_dir / "work", limit, split, corpus)
    tested = sum(1 for case in suite.cases if case.split == "test")
    if ledger.touches_test(suite_name, split) and tested:  # before anything runs: uncommitted code is refused
        ledger.record(ledger.held_out(suite_name) or suite.name, split, config_names, reason, tested)
    if suite.corpus:  # a suite's articles go into a home of its own
        parts = build_parts(dataclasses.replace(settings, home=suite.home))
        # Said before it starts: a suite's first index (MultiHop's 326 articles) takes about 15 minutes on 2
        # cores, and a run in the background would otherwise show an empty log all that time.
        print(f"indexing the articles of {suite.name} into {suite.home} (only what changed since the last run)",
              file=sys.stderr, flush=True)
        report = index_paths(suite.corpus, parts)
        print(f"indexed in {report.seconds:.0f} s: {report.articles} articles, {report.chunks_added} chunks added",
              file=sys.stderr, flush=True)
        if report.errors:
            print(f"{len(report.errors)} files of the suite could not be indexed", file=sys.stderr)
    elif "naive" in config_names:
        raise ValueError("the naive baseline indexes the article files itself: give them with --corpus")
    else:  # a question file without --corpus: the collection as the user indexed it
        parts = build_parts(settings)
    llm: list[BaseChatModel] = []

    def get_llm() -> BaseChatModel:
        if not llm:
            llm.append(build_chat_model(settings))
        return llm[0]

    ctx = configs.Context(suite, parts, Corpus.open(parts), get_llm)
    if any(name in configs.ANSWERING for name in config_names):
        get_llm().invoke([HumanMessage("Say OK.")])  # load the model before timing: figures are for a warm process
    for name in config_names:
        reuse = _unfired(suite, base, rules_named(settings.ablate)) if base and name == "newsrag" else {}
        _run_config(name, suite, ctx, fingerprint(settings, name, name in configs.ANSWERING), report_dir, progress,
                    reuse)
    judged = _judge(suite, config_names, report_dir, judge, get_llm) if judge else None
    path = write_report(suite, config_names, report_dir, limit, split, judged)
    ids = {case.id for case in suite.cases}
    errors = sum(1 for name in config_names
                 for case_id, row in load_results(results_path(report_dir, suite.name, name)).items()
                 if case_id in ids and row.get("error"))
    return path, errors


def _unfired(suite: Suite, base: Path, rules: frozenset[str]) -> dict[str, dict[str, Any]]:
    """The base run's newsrag rows for questions on which none of `rules` fired."""
    rows = load_results(results_path(base, suite.name, "newsrag"))
    return {cid: row for cid, row in rows.items()
            if row.get("trace") and not row.get("error") and not set(row["trace"].get("fired") or ()) & rules}


def _run_config(name: str, suite: Suite, ctx: configs.Context, print_: dict[str, str], report_dir: Path,
                progress: bool, reuse: dict[str, dict[str, Any]] | None = None) -> None:
    path = results_path(report_dir, suite.name, name)
    _set_aside_stale(path, print_["key"])
    done = set(load_results(path))
    pending = [c for c in suite.cases if c.id not in done]
    if not pending:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        for case in [c for c in pending if c.id in (reuse or {})]:
            out.write(jsonl.line((reuse or {})[case.id] | {"fingerprint": print_}))
    pending = [c for c in pending if c.id not in (reuse or {})]
    if not pending:
        return
    run_case = configs.make(name, ctx)
    with path.open("a", encoding="utf-8") as out:
        for case in tqdm(pending, desc=f"{suite.name}/{name}", unit="q", disable=not progress):
            result = dataclasses.replace(_safe(run_case, case, name), fingerprint=print_)
            out.write(jsonl.line(dataclasses.asdict(result)))
            out.flush()


def _set_aside_stale(path: Path, key: str) -> None:
    """Rows from other settings, another model or other code are moved to `stale/`, never resumed."""
    rows = load_results(path)
    keys = {(row.get("fingerprint") or {}).get("key") for row in rows.values()}
    if not rows or keys == {key}:
        return
    target = path.parent / "stale" / f"{path.stem}-{'-'.join(sorted(str(k) for k in keys))}.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    path.replace(target)
    print(f"{path.name}: results from another fingerprint moved to {target}; running afresh", file=sys.stderr)


def _judge(suite: Suite, config_names: list[str], report_dir: Path, judge: Judge,
           local: Callable[[], BaseChatModel]) -> dict[str, object]:
    """Grade every answer with the judge; audit a sample of newsrag's citations when asked."""
    from evals import judge as j

    model = local() if judge.url == "local" else j.build_judge(judge.url, judge.model, judge.api_key)
    cases = {c.id: c for c in suite.cases}
    out: dict[str, object] = {"judge": "the bundled local model" if judge.url == "local" else
                              f"{judge.model or 'default model'} at {judge.url}", "weak": judge.url == "local"}
    for name in config_names:
        if name not in configs.ANSWERING:
            continue
        rows = [r for r in load_results(results_path(report_dir, suite.name, name)).values() if r["case_id"] in cases]
        verdicts = j.judge_answers(rows, cases, model)
        out[name] = [dataclasses.asdict(v) for v in verdicts]
    if judge.citations and "newsrag" in config_names:
        rows = list(load_results(results_path(report_dir, suite.name, "newsrag")).values())
        out["citations"] = [dataclasses.asdict(v) for v in j.audit(rows, model, judge.citations)]
    (report_dir / f"{suite.name}-judge.json").write_text(json.dumps(out, indent=1, ensure_ascii=False), "utf-8")
    return out


def _safe(run_case: Callable[[Case], configs.Result], case: Case, name: str) -> configs.Result:
    """A failing question is recorded as an error result (it counts as wrong), not a crashed run."""
    try:
        result: configs.Result = run_case(case)
        return result
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return configs.Result(case.id, name, error=f"{type(exc).__name__}: {exc}")
