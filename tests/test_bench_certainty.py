"""The model-certainty bench (evals/bench/certainty.py): what a refusal under a probability would catch and lose."""

import doctest
from typing import Any

from evals.bench import certainty


def _row(question: str, tokens: list[tuple[str, float]], answerable: bool, right: bool) -> dict[str, Any]:
    return {"question": question, "tokens": tokens, "answerable": answerable, "right": right,
            "shown": "".join(t for t, _ in tokens)}


def test_a_threshold_counts_the_right_answers_it_would_lose_and_the_guesses_it_would_catch() -> None:
    rows = [
        _row("How old is Sam Altman?", [("Sam", .9), (" is", .9), (" 45", .12), (".", .9)], False, False),
        _row("How old is Sam Altman?", [("He", .9), (" is", .9), (" 38", .35), (".", .9)], True, True),
        _row("Who won?", [("The", .9), (" Rangers", .95), (" won", .9), (".", .9)], True, True),
        _row("Who won?", [("The", .9), (" articles", .9), (" do", .9), (" not", .9), (" say", .9), (".", .9)],
             False, True),  # refused: not among the answers shown
    ]
    table = certainty.table(rows).splitlines()
    assert "| least likely new word (3 shown) | 0.2 | 0 | 1 | 0 |" in table
    assert "| least likely new word (3 shown) | 0.4 | 1 | 1 | 0 |" in table
    assert "| yes/no verdict (0 shown) | 0.6 | 0 | 0 | 0 |" in table


def test_the_examples_in_its_docstrings_hold() -> None:
    result = doctest.testmod(certainty)
    assert result.attempted and result.failed == 0
