"""Indexing benchmark: full pipeline vs raw `SentenceTransformer.encode` on the same chunks, in one run.

    python -m evals.bench.index [--articles 300]

Builds a synthetic corpus from the bundled sample articles (each synthetic article mixes paragraphs of
several samples under a new headline, so de-duplication keeps them all), indexes it into a temporary
NEWSRAG_HOME with the real embedder and embedded Chroma, then times the raw encoder on the same chunk
texts, and a no-change re-run. Prints articles/s, chunks/s, the ratio, peak memory and re-run time.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from index.load import RawDoc
from index.pipeline import index_paths
from index.split import parse_document
from rag.config import Settings
from rag.parts import build_parts
from rag.store.catalogue import Catalogue, embedding_text, path_for

SEED = Path(__file__).resolve().parents[2] / "data" / "articles"


def synthetic_corpus(folder: Path, n: int, seed: int = 7) -> None:
    """`n` article files, each a headline plus 6-10 paragraphs drawn from the sample articles."""
    paragraphs = [
        p
        for path in sorted(SEED.iterdir())
        for a in parse_document(RawDoc(str(path), path.read_text("utf-8"))).articles
        for p in a.text.split("\n")
        if len(p) > 80
    ]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(6, 10)))
        (folder / f"synthetic_{i:04d}.txt").write_text(f"Synthetic report number {i} on trade tensions\n\n{body}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--reruns", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, home = Path(tmp) / "corpus", Path(tmp) / "home"
        synthetic_corpus(corpus, args.articles)
        parts = build_parts(Settings(home=home))
        parts.embedder.embed(["warm up"], "document")  # model load is not indexing throughput

        report = index_paths([corpus], parts)
        pipeline_s = report.seconds
        catalogue = Catalogue(path_for(home))
        passages = catalogue.passages(catalogue.chunk_ids()).values()
        texts = [embedding_text(p.title, p.text) for p in passages]

        model = parts.embedder.model  # type: ignore[attr-defined]
        started = time.perf_counter()
        model.encode(texts, batch_size=parts.settings.embed_batch, normalize_embeddings=True)
        raw_s = time.perf_counter() - started

        reruns = []
        for _ in range(args.reruns):
            again = index_paths([corpus], build_parts(Settings(home=home)))
            assert again.chunks_added == 0
            reruns.append(again.seconds)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"articles indexed        {report.articles} ({report.duplicates} duplicates skipped)")
    print(f"chunks                  {report.chunks_added} (mean {statistics.mean(map(len, texts)):.0f} chars)")
    print(f"pipeline                {pipeline_s:.1f} s: {report.articles / pipeline_s:.2f} articles/s, "
          f"{report.chunks_added / pipeline_s:.2f} chunks/s")
    print(f"raw encode, same chunks {raw_s:.1f} s: {len(texts) / raw_s:.2f} chunks/s")
    print(f"pipeline / raw ratio    {(report.chunks_added / pipeline_s) / (len(texts) / raw_s):.2f} (goal >= 0.8)")
    print(f"no-change re-run        median {statistics.median(reruns):.2f} s over {len(reruns)} (goal <= 2 s)")
    print(f"peak RSS                {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
