"""An LLM as judge, to see how often the cheap rules agree with it.

Two audits: of citations (yes/no: does the cited passage support the sentence?), on a sample, since the rule in
rag/answering/citations.py runs on every answer and the judge costs a prompt read per citation; and of answers
(correct / incorrect / refused against the gold answer), to check the string-match answer metrics.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from evals.cases import Case
from rag.text import sentences, strip_markers

# One place for the `[n]` citation markers the judges must not see (with the space before them).

JUDGE = ChatPromptTemplate.from_messages([
    ("system", "You check whether a passage supports a claim. Reply with one word: yes or no."),
    ("human", "Passage: {passage}\n\nClaim: {claim}\n\nDoes the passage support the claim?"),
])


@dataclass(frozen=True, slots=True)
class Verdict:
    claim: str
    passage: str
    rule: bool
    judge: bool


def citing_pairs(rows: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """(claim sentence, cited passage, rule's verdict) for every citation in the results."""
    pairs = []
    for row in rows:
        by_marker = {c["marker"]: c for c in row.get("citations") or []}
        for sentence in sentences(row.get("answer") or ""):
            for marker in dict.fromkeys(int(m) for m in re.findall(r"\[(\d+)\]", sentence)):
                cited = by_marker.get(marker)
                if cited is not None:
                    claim = strip_markers(sentence).strip()
                    pairs.append((claim, cited["text"], bool(cited["supported"])))
    return pairs


def audit(rows: list[dict[str, Any]], llm: BaseChatModel, sample: int, seed: int = 0) -> list[Verdict]:
    pairs = citing_pairs(rows)
    chosen = random.Random(seed).sample(pairs, min(sample, len(pairs)))
    chain = JUDGE | llm | StrOutputParser()
    return [
        Verdict(claim, passage, rule, chain.invoke({"passage": passage, "claim": claim}).strip().lower()
                .startswith("yes"))
        for claim, passage, rule in chosen
    ]


def agreement(verdicts: list[Verdict]) -> dict[str, float]:
    """Share of citations where rule and judge agree, and the two one-sided disagreements."""
    n = len(verdicts)
    if not n:
        return {"judged": 0.0}
    return {
        "judged": float(n),
        "agreement": sum(v.rule == v.judge for v in verdicts) / n,
        "rule_yes_judge_no": sum(v.rule and not v.judge for v in verdicts) / n,
        "rule_no_judge_yes": sum(v.judge and not v.rule for v in verdicts) / n,
        "rule_supported": sum(v.rule for v in verdicts) / n,
        "judge_supported": sum(v.judge for v in verdicts) / n,
    }


# The options are listed in the system message and again as the last line, and the reply is one word: the small
# bundled models otherwise answer the question themselves or explain their grade.
ANSWER_JUDGE = ChatPromptTemplate.from_messages([
    ("system", "You grade a system's answer to a question about news articles against the gold answer. "
               "Reply with exactly one word:\n"
               "correct - the answer gives the gold answer (any wording)\n"
               "incorrect - the answer gives a different or wrong answer\n"
               "refused - the answer declines, or says the articles do not say"),
    ("human", "Question: {question}\nGold answer: {gold}\nSystem's answer: {answer}\n\n"
              "One word: correct, incorrect or refused?"),
])
NO_GOLD = "none: the articles cannot answer this"
# "incorrect" and "not correct" come first so that "correct" is never read inside them.
_VERDICT = re.compile(r"\b(incorrect|not\s+correct|correct|refus(?:ed|es|al)?)\b")
_JUDGE_TOKENS = 16  # a one-word verdict needs a few; the cap stops a rambling small model early
# The bundled 1.5B model judging its own kind of answers: a judge that weak is a second opinion, not a gold label.
WEAK_JUDGE_NOTE = (
    "The judge is the bundled local 1.5B model, a weak judge: treat these agreement figures as indicative only."
)


@dataclass(frozen=True, slots=True)
class AnswerVerdict:
    case_id: str
    verdict: str  # correct | incorrect | refused | unparsed
    raw: str  # the judge's reply as given, to audit the parsing


def parse_verdict(reply: str) -> str:
    """The first verdict word in the judge's reply, whatever its case or markup; "unparsed" when there is none.

    >>> parse_verdict("**Incorrect.**"), parse_verdict("Verdict: correct"), parse_verdict("I think so")
    ('incorrect', 'correct', 'unparsed')
    """
    match = _VERDICT.search(reply.lower())
    if match is None:
        return "unparsed"
    word = match.group(1)
    if word.startswith(("in", "not")):
        return "incorrect"
    return "refused" if word.startswith("refus") else "correct"


def gold_text(case: Case) -> str:
    """The acceptable answers as the judge reads them."""
    if not case.answerable:
        return NO_GOLD
    if len(case.answers) == 1:
        return case.answers[0]
    return ("all of: " if case.all_answers else "any of: ") + "; ".join(case.answers)


def judge_answers(rows: list[dict[str, Any]], cases: dict[str, Case], llm: BaseChatModel) -> list[AnswerVerdict]:
    """One verdict per answered row; rows with an error or no answer are skipped (the report counts them)."""
    chain = ANSWER_JUDGE | llm | StrOutputParser()
    verdicts = []
    for row in rows:
        if row.get("error") or not (row.get("answer") or "").strip():
            continue
        case = cases[row["case_id"]]
        # Markers mean nothing without the passages and a small judge may read "[2]" as part of the answer.
        answer = strip_markers(row["answer"]).strip()
        reply = chain.invoke({"question": case.question, "gold": gold_text(case), "answer": answer})
        verdicts.append(AnswerVerdict(case.id, parse_verdict(reply), reply))
    return verdicts


def answer_agreement(
    verdicts: list[AnswerVerdict], rule: dict[str, bool], answerable: dict[str, bool]
) -> dict[str, float]:
    """How often the rule's "answer is right" agrees with the judge's, as shares of the judged answers.

    The judge says right when its verdict is "correct" on an answerable case and "refused" on an unanswerable
    one; an unparsed verdict counts as not right (its share is reported so a weak judge shows as such).
    """
    n = len(verdicts)
    if not n:
        return {"judged": 0.0}
    pairs = [(rule[v.case_id], v.verdict == ("correct" if answerable[v.case_id] else "refused")) for v in verdicts]
    return {
        "judged": float(n),
        "judge_right": sum(judge for _, judge in pairs) / n,
        "rule_right": sum(r for r, _ in pairs) / n,
        "agreement": sum(r == judge for r, judge in pairs) / n,
        "rule_yes_judge_no": sum(r and not judge for r, judge in pairs) / n,
        "rule_no_judge_yes": sum(judge and not r for r, judge in pairs) / n,
        "unparsed": sum(v.verdict == "unparsed" for v in verdicts) / n,
    }


def build_judge(url: str, model: str | None, api_key: str | None, timeout: float = 120.0) -> BaseChatModel:
    """A deterministic client for any OpenAI-compatible endpoint (a local server needs no key)."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - installed with newsrag
        raise RuntimeError("the LLM judge needs langchain-openai") from exc
    return ChatOpenAI(
        base_url=url, model=model or "default", api_key=api_key or "not-needed",  # type: ignore[arg-type]
        temperature=0.0, max_completion_tokens=_JUDGE_TOKENS, timeout=timeout, max_retries=1,
    )

