"""Who said it: an answer to "what did X say …" must cite an article that names X (the `speaker` rule).

Asked "What did Rishi Sunak say about Huawei?", the small model answered "Rishi Sunak said China will always
make clear its position … as it has done on Huawei and Hong Kong [1]", over a quote of Dominic Raab's; asked
"What did Japan say about the Galwan Valley clash?", "Japan said the clash was a 'dispute' [1]" over a passage
that names no Japan. The support check passed both: the passage is close in meaning and names Huawei or
Galwan. When the question asks what someone said ("what did X say / tell / warn / call …", "… according to
X"), and not for a name, an answer sentence that has X say it ("X said", "X warned", "according to X")
stands only when an article it cites names X (in a passage given to the model: its title, outlet or text).

    >>> sorted(asked_speaker("What did Rishi Sunak say about Huawei?")), asked_speaker("how much … according to adobe?")
    (['rishi', 'sunak'], {'adobe'})
    >>> asked_speaker("Who is the person The Verge reported on?")
    set()
    >>> unnamed_speaker("What did Japan say?", "Japan said it was a dispute [1].", {1: "India and China clashed."})
    'Japan'
    >>> unnamed_speaker("What did Japan say?", "Japan said it was a dispute [1].", {1: "Tokyo: Japan urged calm."})
"""

from __future__ import annotations

import re

from rag.answering.policy import Policy
from rag.answering.spec import QuestionSpec
from rag.answering.subject import names_subject
from rag.answering.support import _given
from rag.text import MARKER, STOPWORDS, sentences, words
from rag.trace import Trace
from rag.types import Citation, Passage

_VERBS = (r"say|says|said|tell|tells|told|warn|warns|warned|claim|claims|claimed|state|states|stated|announce|"
          r"announces|announced|argue|argues|argued|call|calls|called|describe|describes|described|think|thinks|"
          r"thought|insist|insists|insisted|write|writes|wrote|accuse|accuses|accused|add|adds|added|note|notes|noted|"
          r"believe|believes|believed|report|reports|reported|mean|meant")
# "what did X say …", "how has X described …"; "… according to X".
_ASKED = re.compile(rf"\b(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?P<who>[^?,]{{2,60}}?)\s+(?:{_VERBS})\b|"
                    r"\baccording to\s+(?P<source>[^?,.;]{2,40})", re.I)
_RUN = r"((?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)"
# An answer's speaker: "X said", "X, the foreign secretary, warned", "According to X".
_SAYS = (re.compile(rf"{_RUN}(?:,[^,]{{1,80}},)?\s+(?:has\s+|had\s+|also\s+)?(?:{_VERBS})\b"),
         re.compile(rf"\b[Aa]ccording to (?:the\s+)?{_RUN}"))


def misattributed(spec: QuestionSpec, text: str, supported: list[Citation], passages: list[Passage],
                  policy: Policy, trace: Trace) -> bool:
    """Whether a fact answer is refused for having the asked speaker say what no article it cites names them
    in: a cited passage, or another passage of its article ("He added: …" after "Liu Xiaoming warned …").
    No "They say only": what the passages say is someone else's."""
    # A name asked for ("who is the individual … accused of fraud according to TechCrunch?") is the answer
    # whoever is said to have told it: MultiHop dev's mh401 was refused for "… according to TechCrunch" over
    # another outlet's passages, with the right name.
    if spec.intent != "fact" or spec.kind == "name" or not asked_speaker(spec.question):
        return False  # most questions: no article texts to join
    article = {c.marker: " ".join(_given(p) for p in passages if p.article_id == c.passage.article_id)
               for c in supported}
    speaker = unnamed_speaker(spec.question, text, article)
    if speaker is None:
        return False
    return trace.refuses("speaker", policy.on("speaker"),
                         f"the answer has {speaker} say it, and no article it cites names {speaker}")


def asked_speaker(question: str) -> set[str]:
    """The words naming whom the question asks what they said; empty when it does not ask that."""
    found = _ASKED.search(question)
    if found is None:
        return set()
    return {w for w in words(found.group("who") or found.group("source")) if w not in STOPWORDS and len(w) > 1}


def unnamed_speaker(question: str, answer: str, cited: dict[int, str]) -> str | None:
    """The speaker an answer sentence gives, when it is the one the question asks about and no passage that
    sentence cites (`cited`: marker -> the titles, outlet and texts of its article) names it; None otherwise."""
    asked = asked_speaker(question)
    if not asked:
        return None
    for sentence in sentences(answer):
        markers = [int(m) for m in MARKER.findall(sentence)]
        for speaker in _speakers(MARKER.sub("", sentence)):
            head = words(speaker)[-1] if words(speaker) else ""
            if head in asked and markers and not any(names_subject({head}, cited.get(m, "")) for m in markers):
                return speaker
    return None


def _speakers(sentence: str) -> list[str]:
    """The names an answer sentence has speak ("Rishi Sunak said" -> "Rishi Sunak"), "The" and "According" aside."""
    found = []
    for pattern in _SAYS:
        for match in pattern.finditer(sentence):
            run = [w for w in match.group(1).split() if w not in ("The", "According")]
            if run:
                found.append(" ".join(run))
    return found
