"""Scale benchmark: what an index run and a chat start cost as the archive grows (`make bench-scale`).

    python -m evals.bench.scale [--sizes 1000 10000 100000] [--label after] [--out docs/scale]

For each size it writes a synthetic archive (JSONL files of 1,000 articles; text drawn from the sample
articles' sentences with a share of their words swapped for words of a generated, Zipf-distributed
vocabulary, so near-duplicate detection keeps them all and word statistics look like a real archive's),
indexes it into a fresh home, and measures:

- add 10 articles: an index run over the archive that finds one new file of 10 articles, embedded by the
  real model; the time spent inside the embedder is subtracted (median of 3);
- no-change re-run: an index run over the unchanged archive (median of 3);
- cold start: in a fresh process with the embedder already loaded, opening the index and the first retrieval;
- retrieval p50 / p95 over 50 questions (hybrid search, real query embeddings), in that process, with the
  time inside the embedder (the query vector, and the sentence vectors of the rescoring) subtracted: that
  cost does not grow with the archive, and is shown beside it;
- peak RSS of that process above what it held after loading the embedder, and disk use.

The archive itself is embedded by a deterministic hashing embedder (crc32 of each word into the real
model's 384 dimensions, under the real model's name, so the real model's vectors can join them): embedding
speed is not what this measures (`evals/bench/index.py` does). The figures are written to
`OUT/scale-LABEL.json`; `--plot` draws every `scale-*.json` in OUT into `OUT/scale.png`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Settings
from rag.parts import Parts, build_parts
from rag.ports import Embedder, Kind, Vectors
from rag.text import content_words, sentences

SEED = Path(__file__).resolve().parents[2] / "data" / "articles"
PER_FILE = 1000
DIM = 384


class CrcEmbedder:
    """Hashed bag of words, fast and deterministic; stands in for the model while the archive is built."""

    def __init__(self, name: str) -> None:
        self.name = name

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in content_words(text):
                out[row, zlib.crc32(word.encode()) % DIM] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms == 0, 1, norms)).astype(np.float32)


class TimedEmbedder:
    """The real embedder, with the seconds spent inside it counted (subtracted from the add-10 time)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    def embed(self, texts: Sequence[str], kind: Kind) -> Vectors:
        started = time.perf_counter()
        try:
            return self.inner.embed(texts, kind)
        finally:
            self.seconds += time.perf_counter() - started


class Writer:
    """Synthetic articles from the sample sentences, with words swapped for a generated vocabulary."""

    def __init__(self, seed: int = 11) -> None:
        from index.load import RawDoc
        from index.split import parse_document

        self.rng = random.Random(seed)
        self.pool = [s for path in sorted(SEED.iterdir())
                     for a in parse_document(RawDoc(str(path), path.read_text("utf-8"))).articles
                     for s in sentences(a.text) if 60 < len(s) < 400]
        syllables = [a + b for a in "bdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "or", "en")]
        self.vocab = sorted({"".join(self.rng.choices(syllables, k=self.rng.randint(2, 4))) for _ in range(60_000)})
        weights = 1.0 / np.arange(1, len(self.vocab) + 1) ** 1.1  # Zipf: a few common words, a long tail
        self.cum = np.cumsum(weights / weights.sum())

    def word(self) -> str:
        return self.vocab[int(np.searchsorted(self.cum, self.rng.random()))]

    def sentence(self) -> str:
        words = self.rng.choice(self.pool).split()
        swapped = [self.word() if len(w) > 3 and self.rng.random() < 0.35 else w for w in words]
        return " ".join(swapped)

    def article(self, n: int) -> dict[str, str]:
        body = " ".join(self.sentence() for _ in range(self.rng.randint(10, 14)))
        day = 1 + self.rng.randrange(3 * 365)
        date = time.strftime("%Y-%m-%d", time.gmtime(1_546_300_800 + day * 86_400))
        title = f"{self.word().capitalize()} {self.word()} {self.word()} report {n}"
        return {"title": title, "text": body, "date": date, "outlet": f"Wire {n % 7}"}

    def write(self, path: Path, first: int, count: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            for n in range(first, first + count):
                out.write(json.dumps(self.article(n)) + "\n")

    def question(self) -> str:
        words = [w for w in content_words(self.sentence()) if len(w) > 3]
        picked = self.rng.sample(words, min(3, len(words)))
        return f"What did the report say about {' '.join(picked)}?"


def _parts(home: Path, embedder: Embedder) -> Parts:
    real = build_parts(Settings(home=home))
    return Parts(real.settings, embedder, real.open_store)


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def measure(size: int, work: Path, writer: Writer) -> dict[str, Any]:
    from index.pipeline import index_paths
    from rag.models.embedder import SentenceTransformerEmbedder

    archive, home = work / f"archive-{size}", work / f"home-{size}"
    for first in range(0, size, PER_FILE):
        writer.write(archive / f"part-{first // PER_FILE:04d}.jsonl", first, min(PER_FILE, size - first))
    settings = Settings(home=home)
    started = time.perf_counter()
    built = index_paths([archive], _parts(home, CrcEmbedder(settings.embed_model)))
    build_s = time.perf_counter() - started
    print(f"{size}: built {built.articles} articles, {built.chunks_added} chunks in {build_s:.0f} s", file=sys.stderr)

    real = TimedEmbedder(SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch))
    real.embed(["warm up"], "document")
    adds, reruns = [], []
    for k in range(3):
        writer.write(archive / f"new-{k}.jsonl", 10_000_000 + 10 * k, 10)
        real.seconds = 0.0
        report = index_paths([archive], _parts(home, real))
        assert report.chunks_added > 0, "the new articles were not indexed"
        adds.append(report.seconds - real.seconds)
        reruns.append(index_paths([archive], _parts(home, real)).seconds)
    questions = work / "questions.json"
    questions.write_text(json.dumps([writer.question() for _ in range(50)]))
    probe = json.loads(subprocess.run(
        [sys.executable, "-m", "evals.bench.scale", "--probe", str(home), str(questions)],
        check=True, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    ).stdout)
    index_mb = sum(_size_mb(p) for p in home.iterdir() if p.name != "chroma")
    return {
        "size": size, "articles": built.articles, "chunks": built.chunks_added, "build_s": build_s,
        "add10_s": statistics.median(adds), "add10_runs": adds,
        "rerun_s": statistics.median(reruns), "rerun_runs": reruns,
        **probe, "index_mb": index_mb, "chroma_mb": _size_mb(home / "chroma"),
    }


def probe(home: Path, questions_file: Path) -> dict[str, float]:
    """In a fresh process: the embedder loaded first (not counted), then the index opened and queried."""
    from rag.retrieve import SentenceCache, hybrid_search
    from rag.store.corpus import Corpus

    real = build_parts(Settings(home=home))
    embedder = TimedEmbedder(real.embedder)
    parts = Parts(real.settings, embedder, real.open_store)
    embedder.embed(["warm up"], "query")
    base_mb = _rss("VmRSS")
    questions = json.loads(questions_file.read_text())
    started = time.perf_counter()
    corpus = Corpus.open(parts)
    hybrid_search(questions[0], corpus, parts, 6, cache=SentenceCache())
    cold = time.perf_counter() - started
    full, index = [], []
    for q in questions:
        embedder.seconds = 0.0
        started = time.perf_counter()
        hybrid_search(q, corpus, parts, 6, cache=SentenceCache())
        full.append(1000 * (time.perf_counter() - started))
        index.append(full[-1] - 1000 * embedder.seconds)
    return {"cold_start_s": cold, "retrieval_p50_ms": _pct(index, 0.5), "retrieval_p95_ms": _pct(index, 0.95),
            "with_model_p50_ms": _pct(full, 0.5), "with_model_p95_ms": _pct(full, 0.95),
            "rss_mb": _rss("VmHWM") - base_mb, "rss_total_mb": _rss("VmHWM")}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _rss(field: str) -> float:
    text = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) / 1024 if found else float("nan")


GOALS = [("add10_s", "add 10 articles, s (embedding excluded)", "≤ 3 at 100k"),
         ("rerun_s", "no-change re-run, s", "≤ 2 at 100k"),
         ("cold_start_s", "cold start to first retrieval, s", "≤ 3 at 100k"),
         ("retrieval_p50_ms", "retrieval p50, ms (embedder time excluded)", "≤ 200 at 100k"),
         ("retrieval_p95_ms", "retrieval p95, ms (embedder time excluded)", "≤ 500 at 100k"),
         ("with_model_p50_ms", "retrieval p50 with the embedder (query, sentence rescoring), ms", ""),
         ("rss_mb", "peak RSS above the loaded model, MB", "≤ 500 at 100k"),
         ("rss_total_mb", "peak RSS of the process, MB", ""),
         ("index_mb", "catalogue (or manifest + bm25s) on disk, MB", ""),
         ("chroma_mb", "Chroma on disk, MB", "")]


def table(rows: Sequence[dict[str, Any]]) -> str:
    cols = [(r.get("label", ""), r["size"]) for r in rows]
    head = "| measure | goal | " + " | ".join(f"{label} {size:,}" for label, size in cols) + " |"
    lines = [head, "|---|---|" + "---|" * len(cols)]
    for key, name, goal in GOALS:
        lines.append(f"| {name} | {goal} | " + " | ".join(f"{r[key]:.2f}" if r[key] < 10 else f"{r[key]:.0f}"
                                                       for r in rows) + " |")
    return "\n".join(lines)


def plot(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = {p.stem.removeprefix("scale-"): json.loads(p.read_text()) for p in sorted(out.glob("scale-*.json"))}
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    shown = [g for g in GOALS if g[2]]
    for ax, (key, name, goal) in zip(axes.flat, shown, strict=True):
        for label, rows in runs.items():
            ax.plot([r["size"] for r in rows], [r[key] for r in rows], marker="o", label=label)
        ax.set_xscale("log")
        ax.set_title(f"{name}\n(goal {goal})" if goal else name, fontsize=9)
        ax.set_xlabel("articles")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "scale.png", dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--label", default="after", help="name of this run in the JSON file and the plot")
    parser.add_argument("--out", type=Path, default=Path("docs/scale"))
    parser.add_argument("--plot", action="store_true", help="only draw OUT/scale.png from the JSON files")
    parser.add_argument("--probe", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(*args.probe)))
        return
    if not args.plot:
        rows = []
        writer = Writer()
        with tempfile.TemporaryDirectory() as tmp:
            for size in args.sizes:
                rows.append({"label": args.label, **measure(size, Path(tmp), writer)})
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"scale-{args.label}.json").write_text(json.dumps(rows, indent=1))
                print(table(rows), flush=True)
    plot(args.out)


if __name__ == "__main__":
    main()
