"""The ablation table: for each rule family, the dev questions it gains and loses (docs/eval/ablation.md).

A family's run re-asks only the questions on which one of its rules fired (`newsrag eval --ablate FAMILY
--base BASE`); every other answer is the base run's. A factoid question is gained by a rule when it is right
with the rule and wrong without it, lost the other way round (`evals.scores.is_right`, the one scoring rule);
an open question counts by its nugget recall. Run:

    python -m evals.ablation --runs docs/eval/ablation --out docs/eval/ablation.md

where `--runs` holds `SUITE-base.jsonl` and `SUITE-FAMILY.jsonl` (or `SUITE-RULE.jsonl`, one rule ablated
alone) result files, copied from the eval reports, and for a question file its `SUITE.jsonl`. Test rows are
never tabled.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from evals import nuggets
from evals.cases import Case
from evals.metrics import median
from evals.report import load_results
from evals.scores import is_right, open_scores, shown_answer
from evals.suites import load
from rag.answering.policy import FAMILIES, RULES


def compare(cases: list[Case], base: dict[str, dict[str, Any]], ablated: dict[str, dict[str, Any]],
            family: str) -> dict[str, Any]:
    """Fired, gained, lost (factoid), and the nugget recall it adds over the open questions it fired on."""
    rules = {r for r, (fam, _) in RULES.items() if fam == family} or {family}  # a family, else one rule
    fired = [c for c in cases if c.id in base and set((base[c.id].get("trace") or {}).get("fired") or ()) & rules]
    factoid = [c for c in fired if not c.open_ended and c.id in ablated]
    gained = [c.id for c in factoid if is_right(c, base[c.id]) and not is_right(c, ablated[c.id])]
    lost = [c.id for c in factoid if not is_right(c, base[c.id]) and is_right(c, ablated[c.id])]
    opened = [c for c in fired if c.open_ended and c.id in ablated]

    def recall(c: Case, row: dict[str, Any]) -> float:
        return nuggets.nugget_recall(shown_answer(row), [n.aliases for n in c.nuggets])

    added = sum(recall(c, base[c.id]) - recall(c, ablated[c.id]) for c in opened)
    return {"fired": len(fired), "gained": gained, "lost": lost, "open": len(opened), "recall_added": added}


def table(runs: Path) -> str:
    lines = ["| suite (dev) | family (rules) | fired on | factoid gained | factoid lost | net | open questions "
             "| nugget recall added (sum) |", "|---|---|---|---|---|---|---|---|"]
    for base_file in sorted(runs.glob("*-base.jsonl")):
        suite = base_file.name.removesuffix("-base.jsonl")
        cases = dev_cases(runs, suite)
        base = load_results(base_file)
        for family in [*FAMILIES, *(r for r in RULES if r not in FAMILIES)]:  # a family, or one rule alone
            path = runs / f"{suite}-{family}.jsonl"
            rules = ", ".join(r for r, (fam, _) in RULES.items() if fam == family) or family
            if not path.exists():
                continue
            r = compare(cases, base, load_results(path), family)
            net = len(r["gained"]) - len(r["lost"])
            lines.append(f"| {suite} | {family} ({rules}) | {r['fired']} | {len(r['gained'])} "
                         f"{' '.join(r['gained'])} | {len(r['lost'])} {' '.join(r['lost'])} | {net:+d} | {r['open']} "
                         f"| {r['recall_added']:+.2f} |")
    return "\n".join(lines)


def dev_cases(runs: Path, suite: str) -> list[Case]:
    """The suite's questions of every split but `test` (seed has `dev` and `dev2`); a question file of that name
    kept beside the rows (`when-dev.jsonl`) is the suite when there is one."""
    own = runs / f"{suite}.jsonl"
    name = str(own) if own.exists() else suite
    return [c for c in load(name, Path(tempfile.mkdtemp()), split="all").cases if c.split != "test"]


def by_intent(runs: Path, suite: str, family: str) -> str:
    """Open-question scores per intent, the base run beside the family's, on the questions the family's run
    holds (nugget recall, timeline order, refused, words; medians of the tokens the model wrote, where the
    rows record them, of the first token and of the total time)."""
    cases = {c.id: c for c in dev_cases(runs, suite)}
    base, ablated = load_results(runs / f"{suite}-base.jsonl"), load_results(runs / f"{suite}-{family}.jsonl")
    ids = [i for i in ablated if i in base and i in cases and cases[i].open_ended]
    rows = ["| intent | questions | run | nugget recall | timeline order | refused | words | model tokens | "
            "first token (s) | total (s) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for intent in [*sorted({cases[i].intent for i in ids}), "all"]:
        group = [i for i in ids if intent in ("all", cases[i].intent)]
        for name, results in ((f"{family} on", base), (f"{family} off", ablated)):
            s = open_scores([(cases[i], results[i]) for i in group])
            first = median([results[i]["t_first_token"] for i in group if results[i].get("t_first_token")])
            total = median([results[i]["t_total"] for i in group if results[i].get("t_total")])
            rows.append(f"| {intent} | {len(group)} | {name} | {s['nugget_recall']:.3f} | {s['timeline_order']:.3f} | "
                        f"{s['open_refused']:.3f} | {s['open_answer_words']:.0f} | {s['open_model_tokens']:.0f} | "
                        f"{first:.1f} | {total:.1f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=Path, default=Path("docs/eval/ablation"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--section", default="ablation", help="the page's marker pair to write between")
    parser.add_argument("--by-intent", metavar="SUITE:FAMILY", help="open-question scores per intent instead")
    args = parser.parse_args()
    text = by_intent(args.runs, *args.by_intent.split(":")) if args.by_intent else table(args.runs)
    if args.out:
        page = args.out.read_text("utf-8") if args.out.exists() else ""
        start, end = f"<!-- {args.section}:start -->", f"<!-- {args.section}:end -->"
        if start in page:
            page = page.split(start)[0] + f"{start}\n{text}\n{end}" + page.split(end, 1)[1]
            args.out.write_text(page, "utf-8")
            return
    print(text)


if __name__ == "__main__":
    main()
