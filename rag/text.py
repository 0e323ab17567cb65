"""Sentence spans and word tokens, shared by chunking (index/) and rescoring/verification (rag/)."""

from __future__ import annotations

import re
from itertools import pairwise

# Raised whenever the sentence rules below change: it is part of an index's chunking signature, so the next
# index run re-chunks the archive with the new sentence boundaries (2: initials and "no." before a number; 3: two
# sentences glued without a space).
SENTENCE_RULES = 3
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "gov", "sen", "rep", "lt", "col", "capt",
    "co", "corp", "inc", "ltd", "plc", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec",
}
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace; or a stop
# between a lower-case word and a capitalised one with no space, where a scraped article lost its paragraph break
# ("… companies like TikTok and WeChat.A virtual meeting will …"; "Node.js" and "Express.co.uk" stay whole).
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|(?<=[a-z]{2})[.!?](?=[A-Z][a-z]*\s)|\n")
_NEXT_STARTS_SENTENCE = re.compile(r"\s*[\"“‘'(\[]?[A-Z0-9]")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")  # "u.s", "y.k", "j.r.r": the token before the final dot
_BEFORE_NUMBER = {"no", "nos"}  # "No. 10": an abbreviation only before a number ("He said no. Then …")
_WORD = re.compile(r"\d[\d,.]*\d|\w[\w'’.-]*\w|\w")

MARKER = re.compile(r"\[(\d+)\]")  # a citation marker, `[n]`
_REFUSALS = re.compile(
    r"(do(es)? not (say|contain|mention|provide|specify|include|state)|no information|not (mentioned|provided|"
    r"specified|stated|available)|cannot (answer|determine|find)|can't (answer|determine)|don't know|"
    r"unable to (answer|determine|find)|there is no mention|none of the passages|say(s)? nothing)",
    re.I,
)

STOPWORDS = frozenset(
    (
        "a an and are as at be been but by did do does for from had has have he her his how i if in into is "
        "it its me my of on or our she so than that the their them then there these they this to was we were "
        "what when where which who whom why will with would you your about after also can could over said "
        "says than up out "
    ).split()
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`, covering every non-space character.

    >>> t = "Mr. Raab spoke. He left."
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['Mr. Raab spoke.', 'He left.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group() != "\n" and not _is_boundary(text, match.start(), end):
            continue
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _is_boundary(text: str, punct_start: int, end: int) -> bool:
    if not _NEXT_STARTS_SENTENCE.match(text, end):
        return False
    if text[punct_start] != ".":
        return True
    word = re.search(r"([\w.]+)$", text[max(0, punct_start - 12):punct_start])
    token = word.group(1).lower() if word else ""
    # "U.S. officials", "Mr. Raab", "J. Smith", "Sir Y.K. Pao", "No. 10": an abbreviation or initials, not a
    # sentence end.
    if token in _BEFORE_NUMBER:
        return not text[end:].lstrip()[:1].isdigit()
    return token not in _ABBREVIATIONS and not (len(token) == 1 and token.isalpha()) and not _INITIALS.fullmatch(token)


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def words(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation stripped (keeps "4,300" as "4,300"-free "4300")."""
    return [w.replace(",", "") for w in _WORD.findall(text.lower().replace("’", "'"))]


def without_possessive(word: str) -> str:
    """ "McCarthy’s" -> "McCarthy", "britain's" -> "britain" """
    return re.sub(r"['’]s$", "", word)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


def with_joined(found: list[str]) -> list[str]:
    """The words, then each two side by side written as one: a question's "websummit" meets "Web Summit".

    >>> with_joined(["web", "summit", "founder"])
    ['web', 'summit', 'founder', 'websummit', 'summitfounder']
    """
    return [*found, *(a + b for a, b in pairwise(found))]


def quotes_closed(text: str) -> str:
    """A sentence cut out of a quote that runs over several, marked open or closed with an ellipsis where the
    cut falls, so it does not read as broken.

    >>> quotes_closed("“But the US will not take it either."), quotes_closed("“Is it fair?")
    ('“But the US will not take it either …”.', '“Is it fair? …”')
    >>> quotes_closed("It cannot pay more,” he said.")
    '“… It cannot pay more,” he said.'
    """
    opened, closed = text.count("“"), text.count("”")
    if opened > closed and text.endswith(("?", "!")):
        return text + " …”"  # the question or exclamation keeps its mark
    if opened > closed:
        return re.sub(r"[.,;:]?$", " …”.", text, count=1)
    if closed > opened:
        return f"“… {text}"
    return text


def strip_markers(text: str) -> str:
    """`text` without its `[n]` markers (and the space before each)."""
    return re.sub(r"\s*\[\d+\]", "", text)


def is_refusal(text: str) -> bool:
    """Whether `text` declines to answer ("The articles do not say.", "I don't know")."""
    return bool(_REFUSALS.search(text))


# A sentence that opens by pointing back at the one before it ("He also urged …", "Its earlier actions …", "But
# they said …", "During the talks, he …"). Read alone, as an open answer's line, it loses its subject, and under
# another article's line it reads as that article's ("He" taken for the person the line above names). "This
# week" points nowhere.
_REFERS_BACK = re.compile(
    r"[\"“‘']?(?:(?:But|And|Yet|So|Still|However|Meanwhile|Instead|Now),?\s+|[A-Z][\w’']*(?:\s+[\w’']+){0,4},\s+)?"
    r"(?i:he|she|they|it|his|her|their|its|these|those|this)(?:’s|'s)?\b"
    r"(?!\s+(?i:week|weekend|month|year|morning|afternoon|evening|season|summer|spring|autumn|winter|time)\b)")


def refers_back(sentence: str) -> bool:
    """Whether `sentence` opens with a pronoun for something the sentence before it names.

    >>> refers_back("He also urged the UK not to interfere."), refers_back("But they said no.")
    (True, True)
    >>> refers_back("During the conference, he also criticised the decision.")
    True
    >>> refers_back("This week, we cover the trial."), refers_back("Hence the ban."), refers_back("Theresa May spoke.")
    (False, False, False)
    """
    return bool(_REFERS_BACK.match(sentence.lstrip()))
