"""What a question asks for, read by cheap rules: the kind of answer it expects (a number, a date, a name)
and, for a question that asks several things at once, its parts (each is retrieved for on its own).

    >>> expected_type("How long did the standoff last?"), expected_type("Who bought TikTok?")
    ('number', 'name')
    >>> question_parts("What did Raab say about China, and what did Pompeo say about Huawei?")
    ['What did Raab say about China', 'what did Pompeo say about Huawei?']
    >>> choices("Did the Senate pass the bill?"), choices("Did Engadget agree or disagree?")
    (('Yes', 'No'), ('agree', 'disagree'))
    >>> choices("Considering A and B, which club, known for C, is named?") is None
    True
"""

from __future__ import annotations

import re

from rag.text import STOPWORDS, content_words, sentences, strip_markers, without_possessive, words

_NUMBER_Q = re.compile(
    r"\bhow (many|much|long|old|far|big|large|often|tall|high)\b|\bwhat (percentage|percent|share|amount|number|"
    r"proportion|fraction|price|sum)\b|\bby how much\b|\bwhat (was|is|were) the (\w+ ){0,2}?(cost|price|value|size|"
    r"total|amount|number|figure)\b|\b(?:what|how much)\b.{0,60}\b(?:worth|valued at)\b|"
    # "What did the plant cost to build?", not "What did Raab say about the cost?"
    r"\bwhat (did|does|do|will|would) (?:(?!\b(?:say|said|think|tell|about|mean)\b)[\w'’ -]){1,60}?"
    r"\b(cost|pay|charge|spend|earn|gross)\b", re.I)
# "When" asks for a date where it opens the question or a clause's verb follows it ("..., and when did ...");
# "What caused the casualties when fights broke out?" asks for a cause.
_DATE_Q = re.compile(r"^\W*(and\s+)?when\b|\bwhen (did|does|do|is|was|were|are|will|would|has|have|had|can|could)\b|"
                     r"\bwhat (year|date|day|month|time)\b|\bwhich (year|date|day|month)\b|\bby when\b", re.I)
_NAME_Q = re.compile(
    r"^\s*(and\s+)?who(m|se)?\b|\bwhich (company|companies|person|people|firm|firms|country|countries|"
    r"organi[sz]ations?|officials?|ministers?|reporters?|newspapers?|outlets?|city|cities|state|agency|group)\b|"
    r"\bwhat (company|companies|is the name|was the name|country|organi[sz]ation)\b", re.I)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
           "apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday")
_DATE = re.compile(rf"\b({_MONTHS})\b|\b(1[89]|20)\d\d(s\b)?\b|['’]\d0s\b", re.I)
_DAY = re.compile(rf"\b(?:(?:{_MONTHS})\.?\s+(?P<a>\d{{1,2}})|(?P<b>\d{{1,2}})\s+(?:{_MONTHS}))\b", re.I)
# News dates a "when" by the article's own time: "earlier this week", "last month", "three years ago".
_RELATIVE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|overnight)\b|\b(?:last|this|next|past)\s+(?:week(?:end)?|month|year|"
    r"spring|summer|autumn|fall|winter|morning|afternoon|evening|night)\b|\b(?:\d+|an?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|several|few)\s+(?:days?|weeks?|months?|years?|decades?)\s+(?:ago|earlier|later|before)\b|"
    r"\b\d{1,2}(?::\d\d)?\s*(?:a\.?m\b\.?|p\.?m\b\.?)", re.I)
# "What date" and "what year" ask for the calendar, and "exactly" for more than "this week".
_CALENDAR_Q = re.compile(r"\b(?:what|which) (?:date|year)\b|\bexactly\b", re.I)
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hundred|thousand|"
                     r"million|billion|dozen|half|twice)\b", re.I)
# A clause that asks another thing opens with a question word ("whose" alone opens a relative clause: "…, and whose
# decisions are awaited") or, for a yes/no part, an auxiliary verb.
_ASK_WH = (r"(?:(?:by|to|for|from|with|in|on|at|of)\s+(?:how|what|which|whom|whose|when|where)|what|who|whom|when|where"
           r"|which|how|why)\b")
_ASK = rf"(?:{_ASK_WH}|(?:did|does|do|is|was|were|has|had)\b)"
# Where a question asks another thing: ", and what …", "; who …", "…? also who …", "…, plus how many …", "…? who's …"
# (people type a second question after the first); ", while …" and ", whereas …" contrast two statements.
_SPLIT = re.compile(rf"(?:,\s*|;\s*|\s+)(?:and|but)\s+(?={_ASK})|\?\s*(?:(?:and|also|plus)\b,?\s*)?(?={_ASK})"
                    rf"|(?:,\s*|\s+)(?:plus|also),?\s+(?={_ASK_WH})|,?\s+(?:while|whereas)\s+", re.I)

# "Which two ministers spoke to Sky News — one about China, the other about Russia?" asks one thing of each:
# the head with "one"'s words, and the head with "the other"'s.
_EACH = re.compile(r"^(?P<head>.+?)(?:\s*[,—–:]|\s+-)\s*one\s+(?P<a>.+?)(?:,\s*|\s+and\s+|;\s*)"
                   r"(?:the other|another|one)\s+(?P<b>.+?)\s*\?*\s*$", re.I)

_AUX = r"(?:does|did|do|is|was|were|are|has|have|had|can|could|will|would|should)"
_WH = r"(?:what|which|who|whom|whose|where|when|why|how)"
# A yes/no question starts with an auxiliary verb, or puts one after an opening clause ("After X reported
# ..., did Y agree?", "Between A and B, was there a change?"). The first clause after the opener decides:
# "Considering A and B, which company, known for X, is ...?" asks for a name.
_AUX_FIRST = re.compile(rf"^\s*{_AUX}\b", re.I)
_OPENER = re.compile(r"^\s*(?:after|before|between|following|given|considering|since|when|in)\b", re.I)
_CLAUSE = re.compile(rf",['\"’”]?\s+({_AUX}|{_WH})\b", re.I)
_EITHER = re.compile(r"\b([\w-]+) or ([\w-]+)(\?\s*$)?", re.I)


def choices(question: str) -> tuple[str, str] | None:
    """The two answers a closed question allows: ("Yes", "No"), or the options it offers ("... consistent or
    inconsistent?", "did Y agree or disagree with ..."); None for an open question."""
    if not _AUX_FIRST.search(question):
        clause = _CLAUSE.search(question) if _OPENER.search(question) else None
        if not clause or re.fullmatch(_WH, clause.group(1), re.I):
            return None
    for either in _EITHER.finditer(question):
        a, b = either.group(1), either.group(2)
        if b.lower() == "not":
            break  # "Is Huawei a threat or not?" is a yes/no question
        if _paired(a, b) or ((either.group(3) or _opposite(a, b)) and not {a.lower(), b.lower()} & STOPWORDS):
            return a, b
    return "Yes", "No"


def verdict(answer: str, options: tuple[str, str]) -> str | None:
    """The one option of a closed question that the answer's first sentence commits to ("No, ...",
    "Engadget disagreed ..."), or None: a yes/no answer is a verdict on the compared facts, not a fact to
    cite."""
    first = strip_markers(answer).lstrip().split(".")[0].lower()
    if options == ("Yes", "No"):
        said = [o for o in options if re.match(rf"\W*{o.lower()}\b", first)]
    else:
        said = [o for o in options if re.search(rf"\b{re.escape(o.lower())}", first)]  # "disagreed" is not "agree"
    return said[0] if len(said) == 1 else None


# A denial inside a sentence: "not", "never", "no longer", "n't", and "not-guilty".
_DENIAL = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.I)


def denied_yes(answer: str, question: str) -> str | None:
    """The answer with its "Yes" turned to "No" when the rest of its first sentence denies what the question
    asks and the question itself denies nothing: "Did SBF plead guilty?" came back "Yes, SBF pleaded
    not-guilty [1]", a verdict the answer's own claim contradicts. None when there is nothing to turn.

    >>> denied_yes("Yes, SBF pleaded not-guilty [1]. The trial began.", "did sbf plead guilty?")
    'No, SBF pleaded not-guilty [1]. The trial began.'
    >>> denied_yes("Yes, he did not leave.", "Did he not leave?") is None
    True
    """
    opened = re.match(r"(\W*)yes\b", answer, re.I)
    if not opened or _DENIAL.search(question):
        return None
    first = next(iter(sentences(strip_markers(answer[opened.end():]).strip(" ,"))), "")
    return f"{opened.group(1)}No{answer[opened.end():]}" if _DENIAL.search(first) else None


def negative(options: tuple[str, str]) -> str | None:
    """The option that denies what the question asks: "No", or "disagree" for "agree or disagree"; None for a
    choice between two things ("Microsoft or Oracle?")."""
    if options == ("Yes", "No"):
        return "No"
    a, b = options
    return b if _opposite(a, b) else None


# Words that offer two answers wherever the question puts them: "did X sign before or after Y?"
_PAIRS = frozenset(frozenset(pair.split("/")) for pair in (
    "before/after", "earlier/later", "more/less", "more/fewer", "higher/lower", "up/down", "rise/fall", "rose/fell",
    "increase/decrease", "increased/decreased", "win/lose", "won/lost", "for/against"))


def _paired(a: str, b: str) -> bool:
    """`a or b` offers two answers in any place of the question ("before or after the closure?")."""
    return frozenset({a.lower(), b.lower()}) in _PAIRS


def _opposite(a: str, b: str) -> bool:
    """`b` is `a` negated by a prefix: "disagree", "inconsistent"."""
    return bool(re.fullmatch(rf"(?:dis|in|un|im|non-?){re.escape(a)}", b, re.I))


def expected_type(question: str) -> str | None:
    """"number", "date" or "name" when the wording asks for one; None otherwise (a why, a yes/no, a what)."""
    if _NUMBER_Q.search(question):
        return "number"
    if _DATE_Q.search(question):
        return "date"
    if _NAME_Q.search(question):
        return "name"
    return None


def has_type(text: str, kind: str | None, relative: bool = True) -> bool:
    """Whether `text` holds something of the expected kind (a name: a capitalised word inside a sentence; a
    date: a calendar one, or with `relative` one told from the article's time, "earlier this week")."""
    if kind == "number":
        return bool(_NUMBER.search(text))
    if kind == "date":
        return bool(_DATE.search(text) or (relative and _RELATIVE.search(text)))
    if kind == "name":
        return any(w.lower() not in _NOT_NAMES for w in re.findall(r"\b[A-Z][\w’'-]+", text))
    return True


def word_of_kind(word: str, kind: str) -> bool:
    """Whether one word is of the asked kind: a figure, a calendar word, or a capitalised name."""
    if kind == "name":
        return word[:1].isupper() and word.lower() not in _NOT_NAMES
    if kind == "number":
        return bool(_NUMBER.search(word))
    return kind == "date" and bool(_DATE.search(word))


_NOT_NAMES = STOPWORDS | {"according", "yes", "no", "both", "however", "articles", "passages", "they", "only"}


def answers_kind(answer: str, question: str) -> bool:
    """Whether the answer holds the kind of fact the question asks for in words the question does not already
    have: "The name of the deputy speaker is the deputy speaker" repeats the question and names nobody."""
    asked = set(words(question))
    plain = strip_markers(answer)
    kind = expected_type(question)
    # A day of a month the question names is a date it lacks ("the october friendlies" -> "October 17").
    if kind == "date" and any((day["a"] or day["b"]) not in asked for day in _DAY.finditer(plain)):
        return True
    if kind == "name":
        plain = _NAME_RUN.sub(lambda run: "" if _last_word(run[0]) in asked else run[0], plain)
    own = " ".join(t for t in plain.split() if not set(words(t)) <= asked)
    return has_type(own, kind, relative=not asks_calendar(question))


# A run of capitalised words that ends in a word of the question is the question's own name with a first name
# or a title added: "Jim Jordan became speaker after Kevin McCarthy was ousted [1]", cited to a passage naming
# McCarthy only, answered "who became speaker after mccarthy was ousted?" by its "Kevin".
_NAME_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def _last_word(run: str) -> str:
    """ "Kevin McCarthy’s" -> "mccarthy" """
    last = words(run)[-1:]
    return without_possessive(last[0]) if last else ""


def asks_calendar(question: str) -> bool:
    """Whether a date question wants the calendar's date, not "this week"."""
    return bool(_CALENDAR_Q.search(question))


def question_parts(question: str) -> list[str]:
    """The question's parts when it asks several things ("..., and what did Y say?"; "Which two ministers spoke,
    one about A, the other about B?"); `[question]` otherwise. A part needs two content words of its own, so
    "Microsoft and Oracle" stays one question."""
    if each := _EACH.match(question):
        head = each["head"].rstrip(" ,;:—–-")
        return [f"{head} {each['a'].strip(' ,;')}", f"{head} {each['b'].strip(' ,;')}?"]
    pieces = [p.strip(" ,;") for p in _SPLIT.split(question) if p.strip(" ,;")]
    if len(pieces) < 2 or any(len(content_words(p)) < 2 for p in pieces) or any(map(_NO_SUBJECT.match, pieces[1:])):
        return [question]
    return pieces


# A clause that opens with a verb form or a preposition has no subject of its own: "Did the US ban TikTok while
# negotiating with Oracle?" asks one thing, and "negotiating with Oracle?" is no question.
# "by how much did X drop?" is a question of its own.
_NO_SUBJECT = re.compile(r"(?:\w+ing|\w+ed|to|with|for|by|of|in|on|at|after|before)\b"
                         r"(?!\s+(?:how|what|which|whom|whose|when|where)\b)", re.I)
