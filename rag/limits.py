"""Limits at the edge: how long a question may be, and how much the local model may be given at once.

Both are the caller's problem, not the backend's, so their errors name the limit and never suggest that the
model server is down (`LLMError` does)."""

from __future__ import annotations

from collections.abc import Sequence

# About 300 words: a long question with context pasted in still fits; the prompt keeps room for the evidence.
MAX_QUESTION_CHARS = 2000


class InputTooLongError(ValueError):
    """What was asked does not fit; the message names the limit and what to do."""


class QuestionTooLongError(InputTooLongError):
    def __init__(self, length: int) -> None:
        super().__init__(f"The question is {length:,} characters long; newsrag takes questions of up to "
                         f"{MAX_QUESTION_CHARS:,} characters. Shorten it and ask again.")
        self.length = length


class PromptTooLongError(InputTooLongError):
    def __init__(self, tokens: int, window: int, reserved: int) -> None:
        super().__init__(f"The question and its passages come to {tokens:,} tokens, more than the model's window "
                         f"of {window:,} holds with {reserved:,} kept for the answer. Ask a shorter question, or "
                         "give fewer passages (k).")
        self.tokens = tokens


# Earlier turns come from the caller too (a script, a question file, the coming API). A previous question
# longer than the limit was never asked here, and an answer is at most a few hundred words.
MAX_ANSWER_CHARS = 4000


def clip_history(history: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Earlier turns cut to what this edge could have produced: they reach retrieval and the prompt."""
    return [(q[:MAX_QUESTION_CHARS], a[:MAX_ANSWER_CHARS]) for q, a in history]


def check_question(question: str) -> str:
    """`question` stripped, or QuestionTooLongError."""
    question = question.strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionTooLongError(len(question))
    return question
