"""`make eval-docs`: regenerate every report under docs/eval/ and every figure table in the README and docs/
from the committed result files, without running a model. A figure with no committed result behind it cannot
appear.

Each run below is reproduced by the command it prints (`python -m evals.docs --commands`). The pages in
PAGES hold `<!-- eval:NAME -->` ... `<!-- /eval:NAME -->` blocks that this script owns; each block lives in
exactly one of them, and its links are written relative to that page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from evals.configs import ANSWERING
from evals.report import ledger_note, load_results, split_label, table, write_report
from evals.runner import results_path
from evals.scores import score
from evals.suites import load

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "eval"
README = ROOT / "README.md"
PAGES = (README, *(ROOT / "docs" / f"{name}.md" for name in ("answering", "indexing", "evaluation")))


@dataclass(frozen=True, slots=True)
class Run:
    name: str  # the README block and the report folder under docs/eval/
    suite: str
    configs: tuple[str, ...]
    split: str = "all"
    limit: int | None = None
    rows: tuple[str, ...] = ()  # the metrics the README table shows (all when empty)
    settings: tuple[tuple[str, str], ...] = ()  # settings the run overrides, as NEWSRAG_* variables

    @property
    def budget(self) -> int | None:
        """The evidence budget a Pareto point sets; None for a run with its own README block."""
        value = dict(self.settings).get("context_tokens")
        return int(value) if value is not None else None

    @property
    def report(self) -> Path:
        return DOCS / self.name

    def command(self) -> str:
        flags = " ".join(f"--config {c}" for c in self.configs)
        extra = f" --split {self.split}" if self.split != "all" else ""
        extra += f" --limit {self.limit}" if self.limit else ""
        env = "".join(f"NEWSRAG_{k.upper()}={v} " for k, v in self.settings)
        return f"{env}newsrag eval {self.suite} {flags}{extra} --report docs/eval/{self.name}"


ANSWER_ROWS = ("questions", "errors", "accuracy", "gold_in_question", "accuracy_gold_in_question", "token_f1",
               "answer_words", "refusal_precision", "refusal_recall", "citation_precision", "citation_recall",
               "self_supported", "self_supported_agrees", "calibration_error", "right_at_0.8+",
               "right_below_0.5", "prompt_tokens", "t_sources",
               "t_first_token", "t_total")
NEWS_ROWS = ("questions", "errors", "accuracy", "refusal_precision", "refusal_recall", "refused_with_claims",
             "citation_precision", "open_questions", "nugget_recall", "citations_on_nugget", "timeline_order",
             "open_refused", "open_answer_words", "open_model_tokens", "t_first_token", "t_total")
RETRIEVAL_ROWS = ("questions", "errors", "hit@4", "hit@10", "mrr@10", "ndcg@10", "evidence_recall@4",
                  "evidence_recall@10", "all_evidence@4", "all_evidence@10")
# The README's headline figures: held-out test splits, naive beside newsrag, shorter row lists.
HEADLINE_ROWS = ("questions", "errors", "accuracy", "refusal_precision", "refusal_recall", "refused_with_claims",
                 "citation_precision", "citation_recall", "calibration_error", "right_at_0.8+", "t_first_token",
                 "t_total")
RUNS = (
    Run("news", "news", ("naive", "newsrag"), split="test", rows=NEWS_ROWS),
    Run("seed-test", "seed", ("naive", "newsrag"), split="test", rows=HEADLINE_ROWS),
    # Where answer-path changes are tried first (the test split above is run once per finished change).
    Run("news-dev", "news", ("naive", "newsrag"), split="dev", rows=NEWS_ROWS),
    # The seed dev splits (dev: tuned on; dev2: the former test split), with the oracle ceiling.
    Run("seed", "seed", ("naive", "oracle", "newsrag"), rows=ANSWER_ROWS),
    Run("seed-retrieval", "seed", ("dense", "bm25", "hybrid", "retrieval"), rows=RETRIEVAL_ROWS),
    Run("multihop", "multihop", ("naive", "oracle", "newsrag"), split="test", limit=200, rows=ANSWER_ROWS),
    # What answer-path changes are tried on before a full run (the test split above is never tuned on).
    Run("multihop-dev", "multihop", ("newsrag",), split="dev", limit=200, rows=ANSWER_ROWS),
    Run("multihop-retrieval", "multihop", ("dense", "bm25", "hybrid", "retrieval"), rows=RETRIEVAL_ROWS),
)
# The accuracy / first-token trade-off of the evidence budget (`context_tokens`), on the dev split only: the
# default is picked from this table, then shown on test by the `seed` run.
BUDGETS = (150, 250, 400, 600)
PARETO = tuple(Run(f"pareto-{b}", "seed", ("newsrag",), split="dev", rows=ANSWER_ROWS,
                   settings=(("context_tokens", str(b)),)) for b in BUDGETS)
PARETO_ROWS = ("accuracy", "refusal_precision", "refusal_recall", "citation_precision", "prompt_tokens",
               "t_first_token", "t_total")


Summaries = dict[str, dict[str, dict[str, float]]]  # per split, per config, metric -> value


def regenerate(run: Run, work: Path) -> tuple[Summaries, bool] | None:
    """Rewrite the run's report from its results. Returns per split the summary of each config, and whether
    the ledger marks the test split as seen; None when the run has no results."""
    results = {c: load_results(results_path(run.report, run.suite, c)) for c in run.configs}
    if not any(results.values()):
        return None
    suite = load(run.suite, work, run.limit, run.split)
    ran = {case_id for res in results.values() for case_id in res}
    suite = type(suite)(suite.name, [c for c in suite.cases if c.id in ran], suite.corpus, suite.home, suite.notes)
    write_report(suite, list(run.configs), run.report, run.limit, run.split)
    summaries = {sp: {c: score([x for x in suite.cases if x.split == sp], results[c], c in ANSWERING)
                      for c in run.configs}
                 for sp in ("test", "dev", "dev2") if any(x.split == sp for x in suite.cases)}
    return summaries, ledger_note(run.suite, results).seen


def block(run: Run, summaries: Summaries, seen: bool = False) -> str:
    """A run's tables: the headline split, then the dev splits, each limited to the run's rows; `seen`: the
    ledger marks its test split as read while choosing."""
    lines = ["```sh", run.command(), "```", ""]
    for split, summary in summaries.items():
        rows = {c: {k: v for k, v in s.items() if not run.rows or k in run.rows} for c, s in summary.items()}
        lines += [f"**{split_label(split, seen)}** ({int(next(iter(summary.values())).get('questions', 0))} "
                  "questions):", "", table(rows, list(run.configs)), ""]
    lines.append(f"Full report: [docs/eval/{run.name}/{run.suite}.md](docs/eval/{run.name}/{run.suite}.md).")
    return "\n".join(lines)


def _cell(value: float) -> str:
    return f"{value:.0f}" if value > 50 else f"{value:.3f}"  # token counts whole, shares and seconds to 3 places


def pareto_block(points: dict[int, dict[str, float]]) -> str:
    """One row per budget (newsrag on the seed dev split), and the rule the default was picked by."""
    head = "| context_tokens | " + " | ".join(PARETO_ROWS) + " |"
    lines = [head, "|" + "---|" * (len(PARETO_ROWS) + 1)]
    for budget, summary in sorted(points.items()):
        cells = [_cell(summary.get(m, float("nan"))) for m in PARETO_ROWS]
        lines.append(f"| {budget} | " + " | ".join(cells) + " |")
    shown = [run for run in PARETO if run.budget in points]
    return "\n".join(["```sh", *(run.command() for run in shown), "```", "", *lines, "",
                      "Reports: " + ", ".join(f"[{r.name}](docs/eval/{r.name}/{r.suite}.md)" for r in shown) + "."])


def open_speed_block(run: Run, work: Path) -> str:
    """Per open intent of the run's headline split, how fast each config shows its answer: newsrag's first
    line against naive's first token, the totals, and what newsrag had the model write (issue 31's speed)."""
    results = {c: load_results(results_path(run.report, run.suite, c)) for c in run.configs}
    cases = [c for c in load(run.suite, work, run.limit, run.split).cases if c.split == run.split and c.open_ended]
    naive, ours = run.configs
    lines = [f"| intent | questions | {naive} first token | {ours} first line | ratio | {naive} total | {ours} total "
             f"| ratio | {ours} model tokens | {ours} answer words |", "|" + "---|" * 10]
    for intent in sorted({c.intent for c in cases}):
        mine = [c for c in cases if c.intent == intent]
        a, b = (score(mine, results[c], c in ANSWERING) for c in (naive, ours))
        times = [a["t_first_token"], b["t_first_token"], b["t_first_token"] / a["t_first_token"], a["t_total"],
                 b["t_total"], b["t_total"] / a["t_total"]]
        counts = [b["open_model_tokens"], b["open_answer_words"]]  # medians, so a half may show
        lines.append(f"| {intent} | {len(mine)} | " + " | ".join(f"{v:.2f}" for v in times) + " | "
                     + " | ".join(f"{v:g}" for v in counts) + " |")
    return "\n".join(["```sh", run.command(), "```", "", *lines, "",
                      f"Medians in seconds, {split_label(run.split, False)}; from the rows of "
                      f"[docs/eval/{run.name}/{run.suite}.md](docs/eval/{run.name}/{run.suite}.md)."])


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- eval:{re.escape(name)} -->\n).*?(<!-- /eval:{re.escape(name)} -->)", re.S)


def rebase(body: str, page: Path) -> str:
    """Links in a block are written from the project root; make them relative to the page that holds it.

        >>> rebase("[r](docs/eval/seed/seed.md), [w](https://x.org)", ROOT / "docs" / "evaluation.md")
        '[r](eval/seed/seed.md), [w](https://x.org)'
    """
    def relative(m: re.Match[str]) -> str:
        return f"]({Path(os.path.relpath(ROOT / m[1], page.parent)).as_posix()})"

    return re.sub(r"\]\((?![a-z]+:|#)([^)\s]+)\)", relative, body)


def update_page(pages: dict[Path, str], name: str, body: str) -> dict[Path, str]:
    """The pages with block NAME replaced by `body` in the one page that holds it."""
    holders = [page for page, text in pages.items() if _block(name).search(text)]
    if len(holders) != 1:
        found = ", ".join(str(p.relative_to(ROOT)) for p in holders) or "none of them"
        raise ValueError(f"the <!-- eval:{name} --> block must be in exactly one of "
                         f"{', '.join(str(p.relative_to(ROOT)) for p in pages)}; found in {found}")
    page = holders[0]
    text = _block(name).sub(lambda m: m.group(1) + rebase(body, page).rstrip("\n") + "\n" + m.group(2), pages[page])
    return {**pages, page: text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", action="store_true", help="print the command behind each run and stop")
    args = parser.parse_args()
    if args.commands:
        print("\n".join(run.command() for run in (*RUNS, *PARETO)))
        return
    before = {page: page.read_text("utf-8") for page in PAGES if page.exists()}
    pages = dict(before)
    points: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in (*RUNS, *PARETO):
            regenerated = regenerate(run, Path(tmp))
            if regenerated is None:
                print(f"{run.name}: no committed results; run `{run.command()}`")
                continue
            summaries, seen = regenerated
            if run.budget is None:
                pages = update_page(pages, run.name, block(run, summaries, seen))
            else:
                points[run.budget] = summaries["dev"]["newsrag"]
            if run.name == "news":
                pages = update_page(pages, "open-speed", open_speed_block(run, Path(tmp)))
            print(f"{run.name}: regenerated {run.report.relative_to(ROOT)}")
    if points:
        pages = update_page(pages, "pareto", pareto_block(points))
    for page, text in committed_tables(pages).items():
        if text != before[page]:  # only the pages whose figures changed are written
            page.write_text(text, "utf-8")


def committed_tables(pages: dict[Path, str]) -> dict[Path, str]:
    """The keyword comparison and the scale benchmark, from their committed outputs."""
    from evals.bench.scale import table

    keyword = ROOT / "docs" / "eval" / "keyword" / "keyword.md"
    if keyword.exists():
        rows = [line for line in keyword.read_text("utf-8").splitlines() if line.startswith("|")]
        pages = update_page(pages, "keyword", "\n".join(rows))
    scale = sorted((ROOT / "docs" / "scale").glob("scale-*.json"))
    runs = [row for path in scale for row in json.loads(path.read_text())]
    if runs:
        runs.sort(key=lambda r: (r["size"], r.get("label") != "before"))
        body = (f"{table(runs)}\n\nFrom `docs/scale/scale-*.json` (`make bench-scale`); plot: "
                "[docs/scale/scale.png](docs/scale/scale.png).")
        pages = update_page(pages, "scale", body)
    return pages


if __name__ == "__main__":
    main()
