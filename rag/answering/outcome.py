"""Whether an answer to "who won …?" stands on a sentence that tells a result (the `outcome` rule).

Articles written while a contest is under way name its sides long before anyone wins it. Asked "Who won the
2023 World Series?", the small model answered "The Arizona Diamondbacks won the 2023 World Series [1]" from a
passage saying Game 3 heads to Arizona; asked who won a final, it named a team the passages only mention
near the word. The support check passes such an answer: the passage names the team and is close in meaning.
So an answer to a question asking who won is shown only when a cited passage has a sentence that names the
answer, tells a result ("won", "beat", "victory", "champions", "elected") and names the contest the question
asks about (a word of it after "who won": "FC Cincinnati won the Supporters' Shield" does not tell who won the
Champions League final).

    >>> [asks_winner(q) for q in ("Who won the 2023 World Series?", "which team won the final", "Who played?")]
    [True, True, False]
    >>> tells_result("The Rangers won [1].", {1: "The Texas Rangers won the World Series on Wednesday."}, "who won?")
    True
    >>> tells_result("Biden won [1].", {1: "Joe Biden won the election."}, "Who won, Biden or Trump?")
    True
    >>> tells_result("The Diamondbacks won [1].", {1: "Game 3 heads to Arizona, the Diamondbacks' home."}, "who won?")
    False
    >>> tells_result("Cincinnati won [1]. The passage says Chelsea beat Leeds in the final.", {1: "Chelsea beat "
    ...              "Leeds in the final. Cincinnati played Miami."}, "who won the final?")
    False
    >>> tells_result("Cincinnati won [1].", {1: "Cincinnati won the Shield as champions."}, "who won the league final?")
    False
"""

from __future__ import annotations

import re

from rag.answering.question import word_of_kind
from rag.text import MARKER, content_words, sentences, strip_markers, words

_ASKS = re.compile(r"\b(?:who|which\s+\w+(?:\s+\w+)?)\s+(?:has\s+|have\s+)?(?:won|wins|beat|defeated|triumphed)\b"
                   r"|\bwinners?\s+of\b", re.I)
_RESULT = re.compile(r"\b(?:won|wins?|winning|winners?|beat(?:s|en)?|defeat(?:s|ed)?|victor(?:y|ies|ious)|"
                     r"champions?|championship|title|clinch(?:ed|es)?|triumph(?:ed|s)?|crowned|prevailed|elected|"
                     r"trophy)\b", re.I)


def asks_winner(question: str) -> bool:
    """Whether the question asks who won (a contest, a vote, a prize)."""
    return bool(_ASKS.search(question))


def tells_result(answer: str, cited: dict[int, str], question: str) -> bool:
    """Whether a passage the answer's claim cites (`cited`: marker -> passage text) has a sentence that tells a
    result and names the answer: a capitalised word of the claim (the answer's first sentence: what follows
    quotes the passages, whose names are not the answer) that the question does not hold (any, when the
    question holds them all)."""
    claim = next(iter(sentences(answer)), answer)
    asked = set(words(question))
    named = {w for t in strip_markers(claim).split() if word_of_kind(t.strip(".,;:!?\"'“”’()"), "name")
             for w in words(t)}
    names = named - asked or named  # "Who won, Biden or Trump?" is answered with a name the question holds
    contest = _contest(question)
    for n in {int(m) for m in MARKER.findall(claim) or MARKER.findall(answer)}:
        for sentence in sentences(cited.get(n, "")):
            held = set(words(sentence))
            if _RESULT.search(sentence) and names & held and (not contest or contest & {_base(w) for w in held}):
                return True
    return False


def _contest(question: str) -> set[str]:
    """The words naming what was won: those after "who won" that are not themselves a result ("the champions
    league final" -> league, final); none when the question names nothing after it."""
    found = _ASKS.search(question)
    rest = question[found.end():] if found else ""
    return {_base(w) for w in content_words(rest) if not _RESULT.fullmatch(w)}


def _base(word: str) -> str:
    """A word without its plural "s" ("finals" meets "final")."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
