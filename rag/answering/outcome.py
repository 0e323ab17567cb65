"""Whether an answer to "who won …?" stands on a sentence that tells a result (the `outcome` rule).

Articles written while a contest is under way name its sides long before anyone wins it. Asked "Who won the
2023 World Series?", the small model answered "The Arizona Diamondbacks won the 2023 World Series [1]" from a
passage saying Game 3 heads to Arizona; asked who won a final, it named a team the passages only mention
near the word. The support check passes such an answer: the passage names the team and is close in meaning.
So an answer to a question asking who won is shown only when a cited passage has a sentence that names the
answer and tells a result ("won", "beat", "victory", "champions", "elected").

    >>> [asks_winner(q) for q in ("Who won the 2023 World Series?", "which team won the final", "Who played?")]
    [True, True, False]
    >>> tells_result("The Rangers won [1].", {1: "The Texas Rangers won the World Series on Wednesday."}, "who won?")
    True
    >>> tells_result("Biden won [1].", {1: "Joe Biden won the election."}, "Who won, Biden or Trump?")
    True
    >>> tells_result("The Diamondbacks won [1].", {1: "Game 3 heads to Arizona, the Diamondbacks' home."}, "who won?")
    False
"""

from __future__ import annotations

import re

from rag.answering.question import word_of_kind
from rag.text import MARKER, sentences, strip_markers, words

_ASKS = re.compile(r"\b(?:who|which\s+\w+(?:\s+\w+)?)\s+(?:has\s+|have\s+)?(?:won|wins|beat|defeated|triumphed)\b"
                   r"|\bwinners?\s+of\b", re.I)
_RESULT = re.compile(r"\b(?:won|wins?|winning|winners?|beat(?:s|en)?|defeat(?:s|ed)?|victor(?:y|ies|ious)|"
                     r"champions?|championship|title|clinch(?:ed|es)?|triumph(?:ed|s)?|crowned|prevailed|elected|"
                     r"trophy)\b", re.I)


def asks_winner(question: str) -> bool:
    """Whether the question asks who won (a contest, a vote, a prize)."""
    return bool(_ASKS.search(question))


def tells_result(answer: str, cited: dict[int, str], question: str) -> bool:
    """Whether a passage the answer cites (`cited`: marker -> passage text) has a sentence that tells a result
    and names the answer: a capitalised word of the answer that the question does not hold (any, when the
    question holds them all)."""
    asked = set(words(question))
    named = {w for t in strip_markers(answer).split() if word_of_kind(t.strip(".,;:!?\"'“”’()"), "name")
             for w in words(t)}
    names = named - asked or named  # "Who won, Biden or Trump?" is answered with a name the question holds
    for n in {int(m) for m in MARKER.findall(answer)}:
        for sentence in sentences(cited.get(n, "")):
            if _RESULT.search(sentence) and names & set(words(sentence)):
                return True
    return False
