"""A duration or a sum of money, when the question asks for one (the `measure` rule).

"How long", "how many years" and "how much did X pay" ask for a number of a kind, and the `asked_fact` check
only asks for a number. So "how long is jim harbaugh's contract with michigan?" passed as "three games long"
(his suspension), "how long was sbf sentenced to?" as "seven counts of fraud", and "how much did the FTC fine
amazon?" as "4 per cent" (how far Amazon's shares fell). An answer to such a question that gives no duration
(or length), or no sum of money, does not answer it. `unmeasured` decides it for `verify`, with the two other
rules on what was measured: a "when" answered only with its article's date (`dateline`) and a figure of
another period than the one asked (`period`).

    >>> asked_measure("how long was sbf sentenced to?"), asked_measure("how much did the FTC (ftc) fine amazon?")
    ('a duration', 'a sum of money')
    >>> asked_measure("how much helium does china use, and how much will the plant make?") is None
    True
    >>> gives_measure("His contract is three games long [1].", "a duration")
    False
    >>> gives_measure("He was sentenced to 25 years in prison [1].", "a duration")
    True
    >>> gives_measure("Amazon fell 4 per cent.", "a sum of money"), gives_measure("It paid $4.3B.", "a sum of money")
    (False, True)
    >>> gives_measure("It paid 86,000 crowns [1].", "a sum of money")
    True
"""

from __future__ import annotations

import re

from rag.answering.dateline import only_dateline
from rag.answering.period import other_period
from rag.answering.policy import Policy
from rag.answering.spec import QuestionSpec
from rag.text import strip_markers
from rag.trace import Trace
from rag.types import Citation

_DURATION_Q = re.compile(r"\bhow long\b|\bhow many (?:years|months|weeks|days|hours|minutes|decades)\b", re.I)
# "how much" then a verb asking for a sum: not "how much helium …" (a quantity of a thing), and not a verb that
# also asks for other amounts ("how much will the plant make?", "how much did the Fed raise rates?").
_MONEY_Q = re.compile(r"\bhow much\s+(?:money\s+|cash\s+)?(?:did|does|do|is|was|are|were|has|have|had|will|would|"
                      r"could|should|can)\b[^?.!]{0,80}?\b(?:pay|paid|pays|paying|cost|costs|spend|spent|fine|fined|"
                      r"charge|charged|worth|valued|earn|earned|invest|invested|offer|offered)\b", re.I)
_COUNT = (r"(?:\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
          r"forty|fifty|hundred|several|few|many)")
_UNIT = r"(?:second|minute|hour|day|week|fortnight|month|year|decade|centur|mile|kilomet|km\b|met|feet|foot|yard|inch)"
# A duration (or, for "how long", a length): a count of a unit ("25 years", "a six-month", "three-year"), a span
# ("since 2015", "until March"), or a life sentence.
_DURATION = re.compile(rf"\b{_COUNT}[\s-]+(?:[\w-]+\s+)?{_UNIT}|\b(?:since|until|till)\s+\w|\blife\b", re.I)
_MONEY = re.compile(r"[$€£¥₹₩₽]\s?\d|\b\d[\d,.]*\s?(?:bn|m|k)\b|\b(?:Rs|INR|CHF)\.?\s?\d|\b(?:dollars?|euros?|"
                    r"pounds?|yuan|renminbi|rupees?|yen|crowns?|kron(?:a|e|er|or)|francs?|rand|won|pesos?|r[ou]bles?|"
                    r"lir[ae]|shekels?|dirhams?|riyals?|ringgit|baht|zloty|reais|dinars?|crore|lakh|pence|"
                    r"million|billion|trillion|thousand)\b", re.I)


def asked_measure(question: str) -> str | None:
    """"a duration" or "a sum of money" when the question asks for one; None otherwise."""
    if _DURATION_Q.search(question):
        return "a duration"
    if _MONEY_Q.search(question):
        return "a sum of money"
    return None


def gives_measure(text: str, measure: str) -> bool:
    """Whether the answer gives the measure asked for."""
    pattern = _DURATION if measure == "a duration" else _MONEY
    return bool(pattern.search(strip_markers(text)))


def unmeasured(spec: QuestionSpec, text: str, supported: list[Citation], policy: Policy, trace: Trace) -> bool:
    """Whether a fact answer is refused for not giving the measure asked: a duration or a sum (`measure`), for
    a "when" a date other than its cited article's own (`dateline`, rag/answering/dateline.py), or a figure of
    another period than the one asked (`period`, rag/answering/period.py)."""
    if spec.intent != "fact":
        return False
    measure = asked_measure(spec.question)
    dateline = only_dateline(text, [c.passage for c in supported]) if spec.kind == "date" else None
    period = other_period(spec.question, [c.passage.text for c in supported])
    for rule, fired, why in (("measure", measure is not None and not gives_measure(text, measure),
                              f"the question asks for {measure}, and the answer gives none"),
                             ("dateline", dateline is not None, f"the answer's date, {dateline}, is only the date "
                              "of the article it cites, and no sentence of that article gives it"),
                             ("period", period is not None, f"the question asks about {period}, and every passage "
                              "the answer cites tells of another")):
        if fired and trace.refuses(rule, policy.on(rule), why):
            return True
    return False
