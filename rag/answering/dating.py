"""A "when" question's answer from the passage sentence that dates the event, for when the model's own answer
is refused. News dates by the article's time ("China ordered US diplomatic staff to leave their consulate in
Chengdu earlier this week"); the small model turns that into a date it saw elsewhere in the prompt ("on August
6, 2020"), or into no date, and the asked-fact check then refuses an answer the passages hold.

    >>> from rag.types import Passage
    >>> p = Passage("c1", "a1", "Helium", "f.txt", None, "China uses helium. The new plant began operating last "
    ...             "week and could change China's reliance on imports.", 1.0, 0, 100)
    >>> dating_line("When did the new helium plant start operating?", [p])
    (1, "The new plant began operating last week and could change China's reliance on imports.")
    >>> dating_line("When did the plant close?", [p]) is None
    True
"""

from __future__ import annotations

from rag.answering.question import asks_calendar, has_type
from rag.text import content_words, sentences
from rag.tuning import DATING_SHARE
from rag.types import Passage

# Words of a "when" question that say what is asked, not what it is about.
_ASKING = frozenset({"when", "date", "day", "time", "year", "month", "exactly", "happen", "happened", "occur",
                     "occurred", "take", "took", "place", "week", "start", "started", "begin", "began"})


def dating_line(question: str, passages: list[Passage]) -> tuple[int, str] | None:
    """The passage number and the sentence that holds a date and the most of the question's words (at least
    DATING_SHARE of them, stems compared by their first five letters: "operating" is "operate"); None when no
    sentence does. A question that asks for a calendar date ("On what date ...", "exactly") needs one, not
    "this week"."""
    asked = _stems(question) - {w[:5] for w in _ASKING}
    if not asked:
        return None
    relative = not asks_calendar(question)
    best: tuple[float, int, str] | None = None
    for n, passage in enumerate(passages, 1):
        for sentence in sentences(passage.text):
            if not has_type(sentence, "date", relative):
                continue
            share = len(asked & _stems(sentence)) / len(asked)
            if share >= DATING_SHARE and (best is None or share > best[0]):
                best = (share, n, sentence.strip())
    return (best[1], best[2]) if best else None


def _stems(text: str) -> set[str]:
    return {w[:5] for w in content_words(text)}
