"""After generation, shared by every strategy: resolve and check the citations, then decide whether what
is shown is an answer or a refusal. Each rule that decides is recorded in the trace."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answering.bearing import bears_on, names_asked, nearest_sentence
from rag.answering.citations import cites_asked_fact, resolve
from rag.answering.dates import day_label
from rag.answering.dating import dating_line
from rag.answering.denial import denying_sentence
from rag.answering.echo import drop_echoes
from rag.answering.hedge import unhedged
from rag.answering.markers import attach_attributions, normalise_markers
from rag.answering.measure import unmeasured
from rag.answering.outcome import asks_winner, tells_result
from rag.answering.policy import Policy
from rag.answering.prompt import REFUSAL
from rag.answering.prospect import asked_event, only_prospects
from rag.answering.question import answers_kind, denied_yes, negative, verdict
from rag.answering.recite import recite
from rag.answering.speaker import misattributed
from rag.answering.spec import QuestionSpec
from rag.answering.support import _given, coverage, restates
from rag.ports import Embedder
from rag.text import MARKER, is_refusal, quotes_closed, sentences
from rag.trace import Trace
from rag.tuning import NO_VERDICT_COVERAGE, WIDE_CONTEXT
from rag.types import Citation, Passage


@dataclass(slots=True)
class Verified:
    text: str
    citations: list[Citation]
    checked: list[Citation]  # the model's citations as checked, before a refusal dropped them
    refused: bool
    covered: bool  # the passages hold every name and number of the question
    after: str = ""  # a line shown after the answer that claims nothing (the `future` rule's "as of"); not scored


def verify(spec: QuestionSpec, passages: list[Passage], raw: str, policy: Policy, trace: Trace,
           embedder: Embedder) -> Verified:
    question = spec.question
    text = normalise_markers(raw, len(passages))
    if policy.on("echo"):
        kept = drop_echoes(text, passages)
        if kept != text:
            trace.record("echo", "dropped lines copied from the prompt", "a passage's title or quoted text "
                         "repeated as a line of the answer")
            text = kept
    if policy.on("attribution"):
        text, moved = attach_attributions(text)
        if moved:
            trace.record("attribution", f"cited {moved} claim(s) where the sentence after it said",
                         "a sentence only said which passage the claim before it came from")
    first = sentences(text)[0] if text else ""
    declined = not text or is_refusal(first)
    if declined and text and not any(step.rule == "floor" for step in trace.steps):  # the floor already spoke
        trace.record("model", "refused", "the model said the passages do not hold the answer")
    hedged = False
    rest = unhedged(text, question) if text and not declined else None
    if rest is not None:
        trace.fire("hedge")
        if policy.on("hedge"):
            trace.record("hedge", "refused", "the answer goes on to say the passages do not give what the "
                         "question asks")
            text, hedged = rest, True
            declined = not text
    citations: list[Citation] = []
    share = coverage(question, passages, spec.outlets)  # spec.outlets is empty with the outlet rules off
    held = share == 1.0
    if text and (not declined or MARKER.search(text)):
        moves: list[str] = []
        off: list[int] = []
        text, citations = resolve(text, passages, embedder, question, held, repair=policy.on("repair"),
                                  aliases=policy.on("aliases"), moves=moves, items=spec.intent == "list",
                                  subject=policy.on("subject"), off_subject=off)
        if off:
            passages_off = ", ".join(f"[{n}]" for n in sorted(set(off)))
            trace.record("subject", f"passage {passages_off} not counted as support",
                         "a sentence names what the question asks about, and that passage does not")
        for move in moves:
            trace.record("repair", move, "the passage it first cited does not support its sentence")
        if policy.on("aliases"):
            trace.fire("aliases")  # it may have decided any citation's support: an ablation re-asks them all
    if spec.kind and text and not declined:
        text, citations = _recite(spec, passages, text, citations, policy, trace, embedder, held)
    checked = citations
    supported = [c for c in citations if c.supported]
    # A verdict on a closed question is an answer even when no single passage states it. "Yes" affirms
    # every compared fact, so the passages must hold all the question's names and numbers; "No" (the
    # passages do not bear the question out) needs them to be about it: most of its names, not all.
    options = spec.options
    turned = denied_yes(text, question) if options == ("Yes", "No") else None
    if turned:
        trace.fire("contradiction")
        if policy.on("contradiction"):
            trace.record("contradiction", "read the answer's 'Yes' as 'No'",
                         "the rest of its first sentence denies what the question asks")
            text = turned
    said = verdict(text, options) if options else None
    if said is not None and options == ("Yes", "No") and not declined:
        prospect = _prospect(spec, passages, policy, trace, embedder)
        if prospect:
            return Verified(*prospect, checked=citations, refused=True, covered=held)
        if said == "Yes" and (contradicted := _denied(text, citations, policy, trace)):
            return Verified(*contradicted, checked=citations, refused=True, covered=held)
        if said == "No" and not spec.outlets and (unsaid := _unsaid(question, citations, passages, policy, trace)):
            return Verified(*unsaid, checked=citations, refused=True, covered=held)
    denied = options is not None and said == negative(options)
    decided = said is not None and (held or (denied and share >= NO_VERDICT_COVERAGE))
    if decided and not supported and policy.on("verdict") and not declined:
        trace.record("verdict", f"kept the verdict {said!r}",
                     f"no citation supports it, but the passages hold {share:.0%} of the question's names")
    # Not shown as an answer: one that no passage supports (an invented name or figure: small models
    # rarely refuse on their own, so the check decides), and one that lacks the kind of fact asked for (a
    # related fact is not the answer). The asked-for fact must stand where a verified citation vouches for
    # it; a bare verdict has none to cite. What the passages do say stays visible.
    grounded = bool(supported) or (decided and policy.on("verdict"))
    if not grounded and not declined:
        trace.fire("grounding")
        if policy.on("grounding"):
            trace.record("grounding", "refused", "no passage supports what the answer claims")
    answered = cites_asked_fact(text, citations, question) if supported else answers_kind(text, question)
    if not answered and not declined:
        trace.fire("asked_fact")
        if policy.on("asked_fact"):
            trace.record("asked_fact", "refused", f"the answer does not give the {spec.kind or 'fact'} asked for"
                         + (" where a supported citation vouches for it" if supported else ""))
    refuse_measure = answered and not declined and unmeasured(spec, text, supported, policy, trace)
    refused = (declined or hedged or (policy.on("grounding") and not grounded)
               or (policy.on("asked_fact") and not answered) or refuse_measure)
    if not refused and spec.intent == "fact" and (_off_topic(spec, passages, supported, policy, trace)
                                                  or misattributed(spec, text, supported, passages, policy, trace)):
        return Verified(REFUSAL, [], citations, True, held)
    if not refused and asks_winner(question):
        trace.fire("outcome")
        cited = {c.marker: c.passage.text for c in supported}
        if policy.on("outcome") and not tells_result(text, cited, question):
            # No "They say only": what the answer says is the result the passages do not tell.
            trace.record("outcome", "refused", "the question asks who won, and no sentence of a cited passage "
                         "tells a result naming the answer and the contest")
            return Verified(REFUSAL, [], citations, True, held)
    if refused and spec.kind == "date":
        dated = _dating(spec, passages, policy, trace, embedder, held)
        if dated:
            return dated
    if refused:
        if not supported:
            text, citations = REFUSAL, []
        elif not declined:
            trace.fire("said_only")
            if policy.on("said_only"):
                trace.record("said_only", "kept what the passages say", "some of its citations are supported")
                # A measure refused: its sentence with a number ("three games long") is what was refused.
                text, citations = _said_only(text, citations, question, answered and not refuse_measure)
            else:
                text, citations = REFUSAL, []
    return Verified(text, citations, checked, refused, held)


def _off_topic(spec: QuestionSpec, passages: list[Passage], supported: list[Citation], policy: Policy,
               trace: Trace) -> bool:
    """Whether a fact answer is refused because no passage it cites names anything the question names
    (rag/answering/bearing.py). No "They say only": what its passages say is about something else."""
    if names_asked(spec.question, [_given(c.passage) for c in supported], [_given(p) for p in passages]):
        return False
    return trace.refuses("off_topic", policy.on("off_topic"),
                         "the question names something no passage the answer cites names")


def _said_only(text: str, citations: list[Citation], question: str, answered: bool) -> tuple[str, list[Citation]]:
    """The refusal with what the passages do say. When no citation vouches for the asked-for fact, a sentence
    that gives one is what was refused and is left out: "Kevin McCarthy was replaced by Jim Harbaugh [1]" was
    kept, citing a passage on McCarthy's ouster that does not name his successor. So is a sentence that only
    restates the question ("The senior Chinese officer killed in the clash was a senior officer [3]")."""
    kept = text if answered else " ".join(s for s in sentences(text) if not answers_kind(s, question))
    kept = " ".join(s for s in sentences(kept) if not restates(s, question))
    cited = {int(m) for m in MARKER.findall(kept)}
    citations = [c for c in citations if c.marker in cited]
    if not kept or not any(c.supported for c in citations):
        return REFUSAL, []
    return f"{REFUSAL} They say only: {kept}", citations


def _recite(spec: QuestionSpec, passages: list[Passage], text: str, citations: list[Citation], policy: Policy,
            trace: Trace, embedder: Embedder, held: bool) -> tuple[str, list[Citation]]:
    """A fact answer whose asked-for value stands in another passage than the one it cites (rag/answering/recite.py)
    is cited to that passage, which vouches for it."""
    kind = spec.kind or ""
    if any(c.supported for c in citations) and cites_asked_fact(text, citations, spec.question):
        return text, citations
    moved, vouched = recite(text, passages, spec.question, kind)
    if not vouched:
        return text, citations
    trace.fire("recite")
    if not policy.on("recite"):
        return text, citations
    moved, cited = resolve(moved, passages, embedder, spec.question, held, repair=False,
                           aliases=policy.on("aliases"), subject=policy.on("subject"))
    trace.record("recite", "cited " + ", ".join(f"[{n}]" for n in sorted(vouched)),
                 f"its sentence holds the {kind} the answer gives and names what the question asks about")
    return moved, [Citation(c.marker, c.passage, True) if c.marker in vouched else c for c in cited]


def _prospect(spec: QuestionSpec, passages: list[Passage], policy: Policy, trace: Trace,
              embedder: Embedder) -> tuple[str, list[Citation]] | None:
    """A refusal, with what the passages do say, for a yes/no on whether something happened that the passages
    tell only as a prospect (rag/answering/prospect.py)."""
    question = spec.question  # one described at length (MultiHop's "Did the article by X, which …") is not read
    event = asked_event(question) if len(question.split()) < WIDE_CONTEXT["question_words"] else None
    found = only_prospects(event, passages, question, embedder) if event else None
    if found is None:
        return None
    trace.fire("prospect")
    if not policy.on("prospect"):
        return None
    n, sentence = found
    trace.record("prospect", "refused", f"the passages tell '{event}' only as a prospect, as passage [{n}] does")
    return _says_only(sentence, n, passages[n - 1])


def _denied(text: str, citations: list[Citation], policy: Policy, trace: Trace) -> tuple[str, list[Citation]] | None:
    """A refusal, with what the passage does say, for a "Yes" whose cited passage holds what it affirms only
    denied (rag/answering/denial.py)."""
    first = sentences(text)[0]
    marked = {int(m) for m in MARKER.findall(first)}
    for c in citations:
        sentence = denying_sentence(first, c.passage.text) if not marked or c.marker in marked else None
        if sentence is None:
            continue
        trace.fire("denied")
        if not policy.on("denied"):
            return None
        trace.record("denied", "refused", f"passage [{c.marker}] holds what the answer's 'Yes' affirms only denied")
        return _says_only(sentence, c.marker, c.passage)
    return None


def _unsaid(question: str, citations: list[Citation], passages: list[Passage], policy: Policy,
            trace: Trace) -> tuple[str, list[Citation]] | None:
    """A refusal for a "No" to a question about the world (naming no outlet) whose cited passages, or all of
    them when it cites none, hold none of the question's words beyond its names (rag/answering/bearing.py).
    About what an outlet reported, "No" is the answer when its article does not say it."""
    read = [c.passage.text for c in citations] or [p.text for p in passages]
    if not read or bears_on(question, read):
        return None
    trace.fire("unsaid")
    if not policy.on("unsaid"):
        return None
    trace.record("unsaid", "refused", "the answer says 'No', and the passages it cites never mention what the "
                 "question asks beyond its names")
    sentence = nearest_sentence(question, citations[0].passage.text) if citations else None
    return _says_only(sentence, citations[0].marker, citations[0].passage) if sentence else (REFUSAL, [])


def _says_only(sentence: str, marker: int, passage: Passage) -> tuple[str, list[Citation]]:
    """A refusal that shows one passage sentence, cited: what the passages do say instead."""
    shown = _without_end(quotes_closed(sentence))  # a quote it cuts is closed: "“China respects … affairs …” [1]."
    return f"{REFUSAL} They say only: {shown} [{marker}].", [Citation(marker, passage, True)]


def _without_end(sentence: str) -> str:
    return re.sub(r"[\s.!?]+$", "", sentence)


def _dating(spec: QuestionSpec, passages: list[Passage], policy: Policy, trace: Trace, embedder: Embedder,
            held: bool) -> Verified | None:
    """A refused "when" answered with the passage sentence that dates the event (rag/answering/dating.py)."""
    found = dating_line(spec.question, passages)
    if found is None:
        return None
    trace.fire("dating")
    if not policy.on("dating"):
        return None
    n, line = found
    marked = re.sub(r"(?:\s*([.!?][”\"’]?))?$", lambda m: f" [{n}]{m.group(1) or '.'}", line, count=1)
    text, citations = resolve(marked, passages, embedder, spec.question, held, repair=False)
    published = passages[n - 1].published
    if published:
        text += f" (The article is dated {day_label(published)}.)"
    trace.record("dating", f"answered with the sentence of passage [{n}] that dates it",
                 "the model's answer was refused, and a passage sentence holds a date and the question's words")
    return Verified(text, citations, citations, False, held)
