"""Tiny pure metrics. Retrieval takes ranked chunk texts and gold evidence sentences; answers take strings.

    >>> hit_at_k(["x", "gold sentence here"], {"gold sentence"}, 2)
    1.0
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

from rag.text import strip_markers


def squash(text: str) -> str:
    """MultiHop-RAG's matching rule: whitespace removed (we also fold case and curly quotes)."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", text).lower()


def relevance(ranked: Sequence[str], evidence: Iterable[str]) -> list[set[int]]:
    """For each ranked chunk, which evidence sentences (by index) it contains."""
    gold = [squash(e) for e in evidence]
    return [{i for i, g in enumerate(gold) if g and g in squash(text)} for text in ranked]


def hit_at_k(ranked: Sequence[str], evidence: Iterable[str], k: int) -> float:
    """1 when any of the top k chunks contains a gold evidence sentence."""
    return 1.0 if any(relevance(ranked[:k], evidence)) else 0.0


def mrr_at_k(ranked: Sequence[str], evidence: Iterable[str], k: int) -> float:
    for rank, found in enumerate(relevance(ranked[:k], evidence), 1):
        if found:
            return 1.0 / rank
    return 0.0


def evidence_recall_at_k(ranked: Sequence[str], evidence: Sequence[str], k: int) -> float:
    """Share of the gold evidence sentences found in the top k (recall@k over sentences)."""
    if not evidence:
        return 0.0
    found = set().union(*relevance(ranked[:k], evidence)) if ranked else set()
    return len(found) / len(evidence)


def all_evidence_at_k(ranked: Sequence[str], evidence: Sequence[str], k: int) -> float:
    return 1.0 if evidence and evidence_recall_at_k(ranked, evidence, k) == 1.0 else 0.0


def ndcg_at_k(ranked: Sequence[str], evidence: Sequence[str], k: int) -> float:
    """Binary gain: a chunk is relevant when it holds an evidence sentence not already credited above it."""
    seen: set[int] = set()
    dcg = 0.0
    for rank, found in enumerate(relevance(ranked[:k], evidence), 1):
        if found - seen:
            dcg += 1.0 / math.log2(rank + 1)
            seen |= found
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(k, len(evidence)) + 1))
    return dcg / ideal if ideal else 0.0


def normalise_answer(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"\[\d+\]", " ", text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    text = re.sub(r"[^\w\s%$£€.]", " ", text)
    text = re.sub(r"([$£€])", r" \1 ", text)  # "$219 million" holds "219 million"
    return " ".join(text.replace(".", " ").split())


def contains_answer(prediction: str, answers: Sequence[str], require_all: bool = False) -> float:
    """1 when the prediction contains an acceptable answer (all of them with `require_all`), normalised; a
    gold date is found in any spelling of the same day ("12 Sep 2020" holds "2020-09-12").

        >>> contains_answer("It was published on 12 Sep 2020 [1].", ["2020-09-12", "September 12, 2020"])
        1.0
        >>> contains_answer("Google paid $26.3 billion [1].", ["26.3 billion"])
        1.0
    """
    if not answers:
        return 0.0
    pred = f" {normalise_answer(prediction)} "
    said = dates(prediction)
    hits = [f" {normalise_answer(a)} " in pred or _same_day(a, said) for a in answers]
    return 1.0 if (all(hits) if require_all else any(hits)) else 0.0


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
       r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MONTH_DAY = re.compile(rf"\b{_MON}\s+{_DAY}\b{_YEAR}", re.I)
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON}(?![a-z]){_YEAR}", re.I)
Day = tuple[int | None, int, int]  # year (None when not given), month, day


def dates(text: str) -> set[Day]:
    """Every calendar day the text names: "2020-09-12", "Sept. 12, 2020", "12 September", "September 15th"."""
    found: set[Day] = {(int(y), int(m), int(d)) for y, m, d in _ISO.findall(text)}
    for mon, day, year in _MONTH_DAY.findall(text):
        found.add((int(year) if year else None, _MONTHS.index(mon[:3].lower()) + 1, int(day)))
    for day, mon, year in _DAY_MONTH.findall(text):
        found.add((int(year) if year else None, _MONTHS.index(mon[:3].lower()) + 1, int(day)))
    return found


def _same_day(gold: str, said: set[Day]) -> bool:
    """A gold that is one date is named by a predicted date with its month and day (and its year, if given)."""
    days = dates(gold)
    if len(days) != 1 or len(normalise_answer(gold).split()) > 3:
        return False
    year, month, day = days.pop()
    return any(m == month and d == day and (year is None or y == year) for y, m, d in said)


def token_f1(prediction: str, answers: Sequence[str]) -> float:
    """SQuAD-style token F1 against the best-matching acceptable answer."""
    best = 0.0
    pred = normalise_answer(prediction).split()
    for answer in answers:
        gold = normalise_answer(answer).split()
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            precision, recall = common / len(pred), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


_CONFLICT = re.compile(
    r"conflict|contradict|inconsisten|disagree|differ(s|ent)? (report|account|claim)|however, (another|one)", re.I
)


def flags_conflict(answer: str) -> bool:
    """Whether an answer points out that its sources disagree (RGB's "error detection")."""
    return bool(_CONFLICT.search(answer))


def refusal_scores(refused: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float]:
    """Precision and recall of refusing, where the positive class is "the articles cannot answer"."""
    true_pos = sum(1 for r, a in zip(refused, answerable, strict=True) if r and not a)
    refusals = sum(refused)
    unanswerable = sum(1 for a in answerable if not a)
    return {
        "refusal_precision": true_pos / refusals if refusals else 0.0,
        "refusal_recall": true_pos / unanswerable if unanswerable else 0.0,
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def mean(values: Iterable[float]) -> float:
    """The mean of the values that are defined (a timeline order is NaN for an answer with no dated pair);
    NaN when none is."""
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else math.nan


# --- answer correctness that length cannot game -------------------------------------------------------

_YES = re.compile(r"\byes\b", re.I)
# "no" as an answer ("No, ...", "... and no.") and not as a determiner ("there is no mention").
_NO = re.compile(r"\bno\b(?=\s*(?:[,.;:!?]|$))", re.I)


# A gold of "True" or "False" (MultiHop has a few) answers a yes/no question like "Yes" or "No".
_POLAR = {"yes": "yes", "no": "no", "true": "yes", "false": "no"}
_TRUE_FALSE = re.compile(r"\W*(true|false)\b", re.I)


def is_yes_no(answers: Sequence[str]) -> bool:
    return bool(answers) and all(normalise_answer(a) in _POLAR for a in answers)


def gold_polarity(answers: Sequence[str]) -> str | None:
    """"yes" or "no" for a yes/no (or True/False) gold; None for any other gold."""
    return _POLAR[normalise_answer(answers[0])] if is_yes_no(answers) else None


def polarity(prediction: str) -> str | None:
    """"yes" or "no" when the answer says exactly one of them (or, saying neither, starts with "True" or
    "False"); None when it says both or neither."""
    text = strip_markers(prediction).strip()
    said = {"yes"} if _YES.search(text) else set()
    if _NO.search(text):
        said.add("no")
    if not said and (leading := _TRUE_FALSE.match(text)):
        said.add(_POLAR[leading.group(1).lower()])
    return said.pop() if len(said) == 1 else None


def answer_correct(prediction: str | None, answers: Sequence[str], require_all: bool = False) -> float:
    """Yes/no golds by the answer's polarity (saying both is wrong); other golds by whole-word containment.
    A missing answer (an error) is wrong.

        >>> answer_correct("Yes, both reported it [1]. No other outlet did.", ["yes"])
        1.0
        >>> answer_correct("Yes and no.", ["yes"])
        0.0
        >>> answer_correct("Yes, both articles show it [1].", ["True"]), answer_correct("False.", ["no"])
        (1.0, 1.0)
    """
    if prediction is None:
        return 0.0
    if (gold := gold_polarity(answers)) is not None:
        return 1.0 if polarity(prediction) == gold else 0.0
    return contains_answer(prediction, answers, require_all)


def gold_in_question(question: str, answers: Sequence[str]) -> bool:
    """A gold that the question already holds ("Microsoft or Google?") is matched by echoing the question,
    so such cases are scored apart. Yes/no golds never count as in the question."""
    if is_yes_no(answers):
        return False
    asked = f" {normalise_answer(question)} "
    return any(f" {normalise_answer(a)} " in asked for a in answers if normalise_answer(a))


def answer_words(prediction: str | None) -> int:
    return len(strip_markers(prediction or "").split())


# --- citations against gold evidence, never against the system's own verdict ----------------------------

def holds_evidence(passage: str, evidence: Iterable[str], min_chars: int = 40) -> bool:
    """A cited passage holds gold evidence when it contains a gold sentence, or (a window cut inside a long
    sentence) at least `min_chars` of one gold sentence, whitespace-, case- and quote-insensitive."""
    text = squash(passage)
    for sentence in evidence:
        gold = squash(sentence)
        if not gold or not text:
            continue
        if gold in text:
            return True
        match = difflib.SequenceMatcher(None, text, gold, autojunk=False).find_longest_match(
            0, len(text), 0, len(gold))
        if match.size >= min(min_chars, len(gold)):
            return True
    return False


def title_matches(gold: str, title: str) -> bool:
    return bool(gold) and (gold in title or title.startswith(gold[:60]))


def citation_recall(citations: Sequence[tuple[str, str]], titles: Sequence[str], evidence: Sequence[str]) -> float:
    """Share of the gold evidence articles that the answer cites with a passage holding gold evidence.
    `citations` are (title, passage text) pairs."""
    gold = list(dict.fromkeys(t for t in titles if t))
    if not gold:
        return 0.0
    cited = [t for t in gold if any(title_matches(t, title) and holds_evidence(text, evidence)
                                    for title, text in citations)]
    return len(cited) / len(gold)


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[float], bins: int = 10) -> float:
    """ECE: the share-weighted gap between mean confidence and accuracy over equal-width confidence bins."""
    if not confidence:
        return math.nan
    total = 0.0
    for members in reliability_bins(confidence, correct, bins):
        if members:
            conf = sum(c for c, _ in members) / len(members)
            acc = sum(r for _, r in members) / len(members)
            total += len(members) / len(confidence) * abs(conf - acc)
    return total


def reliability_bins(confidence: Sequence[float], correct: Sequence[float],
                     bins: int = 10) -> list[list[tuple[float, float]]]:
    """(confidence, correct) pairs grouped into `bins` equal-width bins over 0..1 (1.0 in the last bin)."""
    grouped: list[list[tuple[float, float]]] = [[] for _ in range(bins)]
    for conf, right in zip(confidence, correct, strict=True):
        grouped[min(bins - 1, max(0, int(conf * bins)))].append((conf, right))
    return grouped
