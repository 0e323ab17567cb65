"""An article's cleaned text split into sentences once, for evidence selection to reach the neighbours of a
retrieved sentence outside its chunk."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.text import sentence_spans


@dataclass(slots=True)
class ArticleText:
    """An article's cleaned text with its sentence spans, computed once."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.spans = self.spans or sentence_spans(self.text)

    def index_at(self, start: int) -> int | None:
        """The index of the sentence holding character `start`."""
        for i, (a, b) in enumerate(self.spans):
            if a <= start < b:
                return i
        return None
