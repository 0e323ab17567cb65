r"""JSON Lines as evals write and read them (question files, results files): one definition of a line.

A row is written as pure ASCII (`json.dumps` escapes control characters, and `ensure_ascii` the rest, U+2028
and U+0085 among them), so no string can end its line early; a file is split on "\n" only. `str.splitlines`
would also split at "\x0b", "\x0c", "\x1c"-"\x1e", U+0085, U+2028 and U+2029, which a file written with
`ensure_ascii=False` (or by hand) holds raw inside its strings.

    >>> line({"q": "a\u2028b"})
    '{"q": "a\\u2028b"}\n'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def line(row: Any) -> str:
    """`row` as one line of pure ASCII, newline included."""
    return json.dumps(row, ensure_ascii=True) + "\n"


def write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    path.write_text("".join(line(row) for row in rows), "utf-8")


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, row) for each non-blank line; a line that is not JSON raises `ValueError("path:n: ...")`."""
    for number, text in enumerate(path.read_text("utf-8").split("\n"), 1):
        if text.strip():
            try:
                yield number, json.loads(text)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
