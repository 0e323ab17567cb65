"""The answer prompt: a short fixed system prompt (its KV cache is reused), then numbered tight passages."""

from __future__ import annotations

from langchain_core.prompts import ChatPromptTemplate

from rag.types import Passage

REFUSAL = "The articles do not say."

SYSTEM = (
    "You answer questions about news articles using only the numbered passages given. "
    "Answer in one to three short sentences with the specific facts (names, numbers, dates). "
    "Put the passage number in brackets after each claim, like [1]. "
    "If the question asks when, or the date matters, say the article's date. "
    f"If the passages do not contain the answer, reply only: {REFUSAL}"
)

PROMPT = ChatPromptTemplate.from_messages([("system", SYSTEM), ("human", "{context}\n\nQuestion: {question}")])


def format_date(passage: Passage) -> str:
    return passage.published.strftime("%-d %b %Y") if passage.published else "undated"


def format_passages(passages: list[Passage]) -> str:
    """`[n] Title (12 Sep 2020)` then the passage text. Source file names are left to the UI: they cost
    prompt tokens and tell the model nothing."""
    return "\n".join(f"[{n}] {p.title} ({format_date(p)})\n{p.text}" for n, p in enumerate(passages, 1))


def human_message(question: str, passages: list[Passage], previous: str | None = None) -> dict[str, str]:
    """Template inputs. A follow-up carries the previous question so pronouns can be resolved."""
    asked = f"(Follow-up to: {previous})\n{question}" if previous else question
    return {"context": format_passages(passages), "question": asked}
