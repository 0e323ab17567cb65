"""Whether a question asks for several things (a list): the noun it asks about is plural ("which companies …",
"what tit-for-tat moves have …", "tiktok's operations in which countries?").

    >>> asks_for_several("Which Chinese firms bid for TikTok?"), asks_for_several("Which company owns WeChat?")
    (True, False)
"""

from __future__ import annotations

import re

# The auxiliary verbs: one ends the noun a "which" asks about ("which companies have …").
AUX = (r"(?:does|did|do|is|was|were|are|has|have|had|can|could|will|would|should|shall|may|might|must|"
       r"isn't|wasn't|aren't|weren't|didn't|doesn't|don't|hasn't|haven't|won't)")
# "What are the countries involved …", "who are the main rivals": a plural noun after "what/which/who are the"
# (a reason or a point is a why or a summary, read by their own rules).
_ARE_THE = re.compile(r"^\W*(?:what|which|who) (?:are|were) (?:the|all the|some of the)\s+"
                      r"((?:[\w'’-]+\s+){0,3}[\w'’-]+)", re.I)
# "… tiktok's operations in which countries?": the asking word inside the question, before its noun.
_IN_WHICH = re.compile(r"\b(?:in|of|from|for|to|by|with|on|at|against) (?:which|what)\s+([\w'’-]+)", re.I)
_NOT_ITEMS = frozenset({"reasons", "causes", "motives", "effects", "consequences", "implications", "details", "terms",
                        "points", "takeaways", "highlights", "facts", "latest", "news", "developments", "odds",
                        "chances"})
# At the head of the question ("People from which countries …"), not a relative "in which".
_WHICH = re.compile(rf"^\W*(?:[\w'’-]+\s+){{0,3}}?(?:which|what)\s+((?:[\w'’-]+\s+){{0,3}}?[\w'’-]+?)\s+"
                    rf"(?={AUX}\b|get\b|got\b)", re.I)
_HEAD_WHICH = re.compile(r"^\W*(?:[\w'’-]+\s+){0,3}?(?:which|what)\s+((?:[\w'’-]+\s+){0,2}[\w'’-]+)", re.I)
_IRREGULAR_PLURALS = frozenset({"people", "men", "women", "children", "media", "police", "staff", "personnel"})
_COUNTS = frozenset({"two", "three", "four", "five", "both"})
_NOT_PLURAL = re.compile(r"(?:ss|us|is|news|ics|series|species)$", re.I)


def asks_for_several(question: str) -> bool:
    """"Which companies …", "what tit-for-tat moves have …", "which Chinese firms bid …": the noun asked about
    is plural. Without a verb to end the noun ("which companies bid"), the first word after the "which" that is
    not a name is the noun ("which Chinese firms bid"; "which company owns" asks for one)."""
    for match in _WHICH.finditer(question):
        span = match.group(1).lower().split()
        if any(w.isdigit() or w in _COUNTS for w in span):
            continue  # "between which two fingers": a counted pair is one fact
        noun = span[-1].strip("'’")
        if _plural(noun) and noun not in _NOT_ITEMS:  # "what reasons did X give" asks why
            return True
    are_the = _ARE_THE.search(question)
    if are_the:  # the first plural among the next three words: "what are the main challenges ASOS faces", but
        # not the subject of a verb in -ing ("what are the workers extracting …" asks for one thing)
        words = are_the.group(1).lower().split()
        at = next((i for i, w in enumerate(words) if _plural(w)), None)
        after = words[at + 1] if at is not None and at + 1 < len(words) else ""
        return at is not None and words[at] not in _NOT_ITEMS and not after.endswith("ing")
    if any(_plural(m.group(1).lower()) and m.group(1).lower() not in _NOT_ITEMS for m in _IN_WHICH.finditer(question)):
        return True
    head = _HEAD_WHICH.search(question)
    for word in head.group(1).split() if head else ():
        if word[0].isupper() and word.lower() not in _COUNTS:
            continue  # a name or a nationality before the noun: "which Chinese firms", "which US officials"
        w = word.lower()
        return (_plural(w) and w not in _COUNTS and w not in _NOT_ITEMS and not re.search(r"['’]s?$", w)
                and not re.fullmatch(AUX, w))
    return False


def _plural(word: str) -> bool:
    return word in _IRREGULAR_PLURALS or (word.endswith("s") and not _NOT_PLURAL.search(word) and len(word) > 3)
