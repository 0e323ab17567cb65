"""Exact and near-duplicate detection: content hashes, then MinHash over word 5-gram shingles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from index.split import normalize

NUM_PERM = 64
_SHINGLE = 5
_SCHEME = "affine32"  # pinned: signatures are stored in the manifest and must stay comparable


def signature(text: str) -> list[int]:
    """A MinHash signature (stored in the manifest so later runs can compare against indexed articles)."""
    tokens = normalize(text).split()
    shingles = {" ".join(tokens[i:i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1))}
    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME)
    mh.update_batch([s.encode() for s in shingles])
    return [int(v) for v in mh.hashvalues]


@dataclass(frozen=True, slots=True)
class Duplicate:
    article_id: str
    duplicate_of: str
    exact: bool


class Deduplicator:
    """Remembers kept articles; `check` says whether a new one copies one of them."""

    def __init__(self, threshold: float) -> None:
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._threshold = threshold
        self._signatures: dict[str, MinHash] = {}

    def add(self, article_id: str, sig: Iterable[int]) -> None:
        if article_id in self._signatures:
            return
        mh = _minhash(sig)
        self._signatures[article_id] = mh
        self._lsh.insert(article_id, mh)

    def check(self, article_id: str, sig: Iterable[int]) -> Duplicate | None:
        if article_id in self._signatures:
            return Duplicate(article_id, article_id, exact=True)
        mh = _minhash(sig)
        # LSH gives candidates; confirm with the estimated Jaccard so the threshold is what we say it is.
        scored = [(self._signatures[c].jaccard(mh), c) for c in self._lsh.query(mh)]
        scored = [(s, c) for s, c in scored if s >= self._threshold]
        if not scored:
            return None
        return Duplicate(article_id, max(scored)[1], exact=False)


def _minhash(sig: Iterable[int]) -> MinHash:
    import numpy as np

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME, hashvalues=np.array(list(sig), dtype=np.uint64))
