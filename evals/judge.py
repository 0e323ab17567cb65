"""The local LLM as a yes/no judge of citations, on a sample, to see how often the citation rule agrees.

The rule (rag/citations.py) is cheap enough to run on every answer; the judge costs a prompt read per
citation, so it only audits a sample.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from rag.text import sentences

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
                    claim = re.sub(r"\s*\[\d+\]", "", sentence).strip()
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
