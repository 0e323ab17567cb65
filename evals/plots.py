"""The report's PNG plots: the headline metric by config, answer latency, and the reliability of the shown
confidence. matplotlib is imported only when a report is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals import metrics as m
from evals.cases import Case, Suite
from evals.scores import is_right


def write_plots(suite: Suite, summary: dict[str, dict[str, float]], results: dict[str, dict[str, dict[str, Any]]],
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
