"""Open-ended answers, scored by nuggets: the key points a complete answer holds (in the manner of the TREC
RAG track's nugget evaluation)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from evals.metrics import contains_answer, holds_evidence, normalise_answer


def nugget_found(answer: str, aliases: Sequence[str]) -> bool:
    """A nugget is in the answer when any alias is, as whole words (the answer normalisation)."""
    return contains_answer(answer, aliases) == 1.0


def nugget_recall(answer: str | None, nuggets: Sequence[Sequence[str]]) -> float:
    """Share of the nuggets (each a list of aliases) the answer holds."""
    if not nuggets:
        return math.nan
    return sum(nugget_found(answer or "", n) for n in nuggets) / len(nuggets)


def citations_on_nuggets(cited: Sequence[str], sentences: Sequence[str]) -> float:
    """Share of an answer's citations whose passage holds a nugget's sentence (NaN when it cites nothing)."""
    if not cited:
        return math.nan
    return sum(holds_evidence(text, sentences) for text in cited) / len(cited)


def first_mention(answer: str, aliases: Sequence[str]) -> int | None:
    """Where the answer first states a nugget (by any alias), in its normalised text."""
    text = f" {normalise_answer(answer)} "
    found = [text.find(f" {normalise_answer(a)} ") for a in aliases if normalise_answer(a)]
    found = [i for i in found if i >= 0]
    return min(found) if found else None


def timeline_order(answer: str | None, dated: Sequence[tuple[str, Sequence[str]]]) -> float:
    """Share of the pairs of dated nuggets the answer states (different dates) that it gives in date order;
    NaN when it states fewer than two. `dated` is (ISO date, aliases) per nugget. A month or a year has no
    order against a day inside it ("2023-10" against "2023-10-16"), so such a pair is not counted."""
    placed = [(day, at) for day, aliases in dated if (at := first_mention(answer or "", aliases)) is not None]
    pairs = [(a, b) for i, a in enumerate(placed) for b in placed[i + 1:] if not _within(a[0], b[0])]
    if not pairs:
        return math.nan
    return sum((a[0] < b[0]) == (a[1] < b[1]) for a, b in pairs) / len(pairs)


def _within(a: str, b: str) -> bool:
    """Whether one ISO date lies inside the other (equal, or a day in its month or year)."""
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")
