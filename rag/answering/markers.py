"""`[n]` markers as small models write them ("[1, 2]", "【1】", "[Passage 1]", a leading "[1] …"), rewritten
as `[n]` in place; a marker put into or taken out of a sentence; a claim cited in the sentence after it."""

from __future__ import annotations

import re

from rag.text import MARKER, sentences

# Forms small models produce instead of "[1][2]": "[1, 2]", "[Passage 1]", "【1】", "[^1]", "[1-2]".
_LIST = re.compile(r"[\[【]\s*(?:passages?|source|\^)?\s*(\d+(?:\s*(?:,|and|-|–)\s*\d+)*)\s*[\]】]", re.I)


def normalise_markers(text: str, n_passages: int) -> str:
    """Rewrite marker variants as `[n]`; drop markers that point at no passage. Only markers and the spaces
    around them change: every word of the model's answer survives, in its order."""

    def expand(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.findall(r"\d+", match.group(1))]
        if re.search(r"[-–]", match.group(1)) and len(numbers) == 2:
            numbers = list(range(numbers[0], numbers[1] + 1))
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers) if 1 <= n <= n_passages)

    text = _LIST.sub(expand, text)
    if re.match(r"\s*\[\d+\]", text):
        # Leading style, "[1] China built huts. [2] ...": each marker cites the sentence it opens.
        text = "\n".join(" ".join(_marker_to_end(s) for s in sentences(line)) for line in text.split("\n"))
    else:
        # Trailing style, "… News. [1]": the marker belongs before the full stop.
        text = re.sub(r"([.!?][\"'”’]?)((?:\s*\[\d+\])+)", lambda m: m.group(2).replace(" ", "") + m.group(1), text)
    text = re.sub(r"(?<=[^\s\]])\[", " [", text)
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _marker_to_end(sentence: str) -> str:
    match = re.match(r"((?:\[\d+\]\s*)+)(.+?)([.!?]?[\"'”’]?)$", sentence)
    if not match:
        return sentence
    markers = re.sub(r"\s+", "", match.group(1))
    return f"{match.group(2).rstrip()} {markers}{match.group(3)}"

def _drop_marker(sentence: str, n: int) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(rf"\s*\[{n}\]", "", sentence, count=1))


def _insert_marker(sentence: str, n: int) -> str:
    match = re.search(r"[.!?]['\"”’]?$", sentence)
    return f"{sentence[:match.start()]} [{n}]{sentence[match.start():]}" if match else f"{sentence} [{n}]"


# A sentence that only says where the one before it stands: "This information is found in Passage [1].",
# "This is stated in passage [2] and [3].", "The answer can be found in [1]."
_ATTRIBUTION = re.compile(
    r"^\W*(?:this|that|it|the (?:information|answer|above))(?:\s+information)?\s+(?:is|was|can be)\s+"
    r"(?:found|stated|mentioned|given|provided|reported|written)\s+(?:in|from)\s+(?:the\s+)?(?:passages?\s*)?"
    r"((?:\[\d+\](?:\s*,\s*|\s+and\s+|\s*)?)+)\W*$", re.I)


def attach_attributions(text: str) -> tuple[str, int]:
    """The claim a small model left unmarked, cited in the sentence after it, gets that sentence's markers, and
    the attribution goes; returns the text and how many claims got their markers.

    >>> attach_attributions("Inspur was listed. This information is found in Passage [1].")
    ('Inspur was listed [1].', 1)
    >>> attach_attributions("Inspur was listed [3]. This is stated in passage [1].")  # already cited: left
    ('Inspur was listed [3]. This is stated in passage [1].', 0)
    """
    moved = 0
    lines = []
    for line in text.split("\n"):
        kept: list[str] = []
        before = moved
        for sentence in (s.strip() for s in sentences(line)):
            found = _ATTRIBUTION.match(sentence)
            if found and kept and not MARKER.search(kept[-1]):
                for n in dict.fromkeys(re.findall(r"\d+", found.group(1))):
                    kept[-1] = _insert_marker(kept[-1], int(n))
                moved += 1
                continue
            kept.append(sentence)
        lines.append(" ".join(kept) if moved > before else line)  # untouched lines keep their spacing
    return "\n".join(lines), moved
