"""Exact and near-duplicate detection: content hashes, then MinHash over word 5-gram shingles.

Near-duplicate candidates come from LSH bands: 16 bands of 4 MinHash values; two articles that share a band
are compared by their estimated Jaccard similarity. The bands of indexed articles live in the catalogue, so a
run looks up the few candidates of each new article instead of rebuilding an LSH over the whole archive. With
16×4 bands, a pair at similarity 0.8 is a candidate with probability 0.9998, at 0.5 with 0.64: thresholds
below about 0.6 would miss pairs.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from datasketch import MinHash

from index.split import normalize

NUM_PERM = 64
BANDS, ROWS = 16, 4
_SHINGLE = 5
_SCHEME = "affine32"  # pinned: signatures are stored in the catalogue and must stay comparable


def signature(text: str) -> list[int]:
    """A MinHash signature (stored in the catalogue so later runs can compare against indexed articles)."""
    tokens = normalize(text).split()
    shingles = {" ".join(tokens[i:i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1))}
    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME)
    mh.update_batch([s.encode() for s in shingles])
    return [int(v) for v in mh.hashvalues]


def band_keys(sig: Sequence[int]) -> list[int]:
    """One 63-bit key per band: articles that share a key are near-duplicate candidates."""
    keys = []
    for band in range(BANDS):
        values = sig[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<H{ROWS}Q", band, *values), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return keys


@dataclass(frozen=True, slots=True)
class Duplicate:
    article_id: str
    duplicate_of: str
    exact: bool


class Indexed(Protocol):
    """The committed articles, as the catalogue answers for them."""

    def has_article(self, article_id: str) -> bool: ...

    def near(self, keys: Sequence[int]) -> list[tuple[str, list[int]]]: ...


class Deduplicator:
    """Remembers this run's kept articles and asks `indexed` about committed ones (except `hidden`: the
    articles this run replaces); `check` says whether a new article copies one of them."""

    def __init__(self, threshold: float, indexed: Indexed | None = None, hidden: Iterable[str] = ()) -> None:
        self._threshold = threshold
        self._indexed = indexed
        self._hidden = set(hidden)
        self._signatures: dict[str, list[int]] = {}
        self._bands: dict[int, list[str]] = {}

    def add(self, article_id: str, sig: Sequence[int]) -> None:
        if article_id in self._signatures:
            return
        self._signatures[article_id] = list(sig)
        for key in band_keys(sig):
            self._bands.setdefault(key, []).append(article_id)

    def check(self, article_id: str, sig: Sequence[int]) -> Duplicate | None:
        if article_id in self._signatures or self._committed(article_id):
            return Duplicate(article_id, article_id, exact=True)
        keys = band_keys(sig)
        candidates = {c: self._signatures[c] for key in keys for c in self._bands.get(key, [])}
        if self._indexed is not None:
            candidates.update((c, s) for c, s in self._indexed.near(keys) if c not in self._hidden)
        # Bands give candidates; the estimated Jaccard confirms, so the threshold is what we say it is.
        mine = np.asarray(sig, dtype=np.uint64)
        scored = [(float(np.mean(np.asarray(s, dtype=np.uint64) == mine)), c) for c, s in candidates.items()]
        scored = [(s, c) for s, c in scored if s >= self._threshold]
        if not scored:
            return None
        return Duplicate(article_id, max(scored)[1], exact=False)

    def _committed(self, article_id: str) -> bool:
        return self._indexed is not None and article_id not in self._hidden and self._indexed.has_article(article_id)
