"""Run a suite under several configs; every result is appended as it finishes, so a run can resume."""

from __future__ import annotations

import dataclasses
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage
from tqdm import tqdm

from evals import configs
from evals.cases import Case
from evals.report import write_report
from evals.suites import load
from index.pipeline import index_paths
from rag.config import Settings
from rag.corpus import Corpus
from rag.llm import build_chat_model
from rag.pipeline import build_parts


def results_path(report_dir: Path, suite: str, config: str) -> Path:
    return report_dir / "results" / f"{suite}-{config}.jsonl"


def run(
    suite_name: str,
    config_names: list[str],
    settings: Settings,
    report_dir: Path,
    limit: int | None = None,
    progress: bool = True,
    judge: int = 0,
) -> Path:
    """Index the suite's corpus into its own home, run each config over its cases, write the report."""
    for name in config_names:
        if name not in configs.NAMES:
            raise ValueError(f"unknown config {name!r}: choose from {', '.join(configs.NAMES)}")
    suite = load(suite_name, report_dir / "work", limit)
    parts = build_parts(dataclasses.replace(settings, home=suite.home))
    report = index_paths(suite.corpus, parts)
    if report.errors:
        print(f"{len(report.errors)} files of the suite could not be indexed", file=sys.stderr)
    llm: list[BaseChatModel] = []

    def get_llm() -> BaseChatModel:
        if not llm:
            llm.append(build_chat_model(settings))
        return llm[0]

    ctx = configs.Context(suite, parts, Corpus.open(parts), get_llm)
    if any(name in configs.ANSWERING for name in config_names):
        get_llm().invoke([HumanMessage("Say OK.")])  # load the model before timing: figures are for a warm process
    for name in config_names:
        path = results_path(report_dir, suite.name, name)
        done = _done(path)
        pending = [c for c in suite.cases if c.id not in done]
        if not pending:
            continue
        run_case = configs.make(name, ctx)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            for case in tqdm(pending, desc=f"{suite.name}/{name}", unit="q", disable=not progress):
                out.write(json.dumps(dataclasses.asdict(_safe(run_case, case, name)), ensure_ascii=False) + "\n")
                out.flush()
    path = write_report(suite, config_names, report_dir, limit)
    if judge and "newsrag" in config_names:
        _judge(path, results_path(report_dir, suite.name, "newsrag"), get_llm(), judge)
    return path


def _judge(report: Path, results: Path, llm: BaseChatModel, sample: int) -> None:
    """Audit a sample of newsrag's citations with the LLM as judge; append the agreement to the report."""
    from evals.judge import agreement, audit
    from evals.report import load_results

    verdicts = audit(list(load_results(results).values()), llm, sample)
    scores = agreement(verdicts)
    lines = ["", "## Citation rule vs the local LLM as judge", "",
             f"{len(verdicts)} citations sampled from the newsrag answers; each judged yes/no by the model.", "",
             "| figure | value |", "|---|---|", *(f"| {k} | {v:.3f} |" for k, v in scores.items()), ""]
    with report.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines))
    (report.parent / f"{report.stem}-judge.json").write_text(json.dumps(
        {"agreement": scores, "verdicts": [dataclasses.asdict(v) for v in verdicts]}, indent=1), "utf-8")


def _done(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {json.loads(line)["case_id"] for line in path.read_text("utf-8").splitlines() if line.strip()}


def _safe(run_case: Callable[[Case], configs.Result], case: Case, name: str) -> configs.Result:
    """A failing question is recorded as an error result, not a crashed run."""
    try:
        result: configs.Result = run_case(case)
        return result
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return configs.Result(case.id, name, error=f"{type(exc).__name__}: {exc}")
