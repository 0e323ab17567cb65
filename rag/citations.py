"""After generation: normalise and resolve `[n]` markers, and check each cited sentence against its passage.

No NLI model ships offline, so support is judged from sentence embeddings and lexical evidence: the cited
sentence must be close in meaning to some sentence of the passage (or share most of its words), and its
numbers and names must appear in the passages or the question (a small model's typical error is a
plausible name or figure that nothing it was given holds).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.names import TITLES
from rag.outlets import without, without_taglines
from rag.ports import Embedder
from rag.question import answers_kind, expected_type
from rag.text import MARKER as _MARKER
from rag.text import STOPWORDS, content_words, sentences, strip_markers, words
from rag.tuning import SUPPORT
from rag.types import Citation, Passage

# Forms small models produce instead of "[1][2]": "[1, 2]", "[Passage 1]", "【1】", "[^1]", "[1-2]".
_LIST = re.compile(r"[\[【]\s*(?:passages?|source|\^)?\s*(\d+(?:\s*(?:,|and|-|–)\s*\d+)*)\s*[\]】]", re.I)
SUPPORT_SIMILARITY = SUPPORT["similarity"]
SUPPORT_LEXICAL = SUPPORT["lexical"]


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


@dataclass(frozen=True, slots=True)
class Support:
    similarity: float
    lexical: float
    grounded: bool  # every number and name of the claim occurs in the passages or the question
    completes: bool = False  # restates the question and adds only words of the passage: "X is <the question>"

    @property
    def supported(self) -> bool:
        close = self.similarity >= SUPPORT_SIMILARITY or self.lexical >= SUPPORT_LEXICAL
        return self.grounded and (close or self.completes)


def key_terms(claim: str) -> set[str]:
    """Numbers and capitalised names of a claim, lower-cased ("Zhao Ziyang" -> {"zhao", "ziyang"}).
    The sentence's first word is skipped: it is capitalised for grammar, not because it is a name."""
    tokens = re.findall(r"[\w][\w'’.,-]*", _MARKER.sub("", claim))
    terms: set[str] = set()
    for i, token in enumerate(tokens):
        token = token.strip(".,'’-")
        if any(ch.isdigit() for ch in token) or (i > 0 and token[:1].isupper() and len(token) > 1):
            terms.update(re.sub(r"['’]s$", "", w) for w in words(token))
    return terms - STOPWORDS


_AMOUNT = re.compile(r"(\d[\d,.]*)\s*(billion|million|trillion|thousand|tonnes|tons|percent|per cent|%)", re.I)


def amounts(text: str) -> set[str]:
    """Numbers with their magnitude or unit ("$1 billion" -> "1 billion"): "1" alone is too common a word
    to show that a figure was in the passages."""
    return {f"{n.replace(',', '').rstrip('.')} {unit.lower()}" for n, unit in _AMOUNT.findall(text)}


def _known(term: str, known: set[str]) -> bool:
    """Exact for numbers and short words; a long name may be misspelt slightly ("Parasazan" for "Paradazan")."""
    if term in known:
        return True
    return term.isalpha() and len(term) >= 5 and bool(difflib.get_close_matches(term, known, n=1, cutoff=0.85))


def support(claim: str, passage: Passage, embedder: Embedder, context: str = "", question: str = "",
            aliases: bool = False, item: bool = False) -> Support:
    """How well `passage` supports `claim` (a sentence of the answer, markers removed). `context` is the
    other text the model was given (all passages, the question): names and numbers may come from there.
    With `question`, a claim that restates the question supports by the words it adds to it: a long question
    answered "The person who ... is Sam Altman" is as close to the passage as "Sam Altman" is.

    Meaning is judged against the passage's body, not its title: a claim that only repeats the title
    ("TikTok warning: China threatens retaliation [1]") does not answer anything."""
    claim = _MARKER.sub("", claim).strip()
    parts = sentences(passage.text) or [passage.text]
    vectors = embedder.embed([claim, *parts], "document")
    similarity = float(np.max(vectors[1:] @ vectors[0])) if len(parts) else 0.0
    claim_words = _stems(claim)
    passage_words = _stems(passage.text)
    title_words = _stems(passage.title)
    lexical = len(claim_words & passage_words) / len(claim_words) if claim_words else 0.0
    if claim_words and claim_words <= title_words and lexical < SUPPORT_LEXICAL:
        similarity = lexical = 0.0  # a restated title
    given = f"{_given(passage)} {context}"
    known = _vocabulary(given)
    pairs = names(claim)
    terms = key_terms(claim)
    if aliases:  # "United States" is grounded by "US", "US" by "U.S." or "United States"
        known |= acronyms(given)
        by_alias = {w for run in _runs(claim) if _acronym(run) in known for w in words(run)}
        terms -= by_alias
        pairs = [p for p in pairs if not set(p.split()) <= by_alias]
    capitalised = _capitalised(given) if pairs else set()
    grounded = (all(_known(t, known) for t in terms) and amounts(claim) <= amounts(given)
                and all(_known_phrase(n, given) for n in pairs if set(n.split()) <= capitalised))
    completes = bool(question) and _completes(claim_words, _stems(question), passage_words | title_words)
    if item:  # a list's line "- Huawei: …" is vouched for by a passage that names Huawei
        completes = completes or names_item(claim, passage)
    return Support(similarity, lexical, grounded, completes)


ITEM = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+")


def item_name(line: str) -> str:
    """The name a list line gives: "- Huawei Technologies: blacklisted [2]" -> "Huawei Technologies"."""
    body = _MARKER.sub("", ITEM.sub("", line)).strip()
    return re.split(r"\s*(?::|—|–| - |\()", body, maxsplit=1)[0].strip(" .*")


def names_item(line: str, passage: Passage) -> bool:
    name = item_name(line)
    return 0 < len(name) <= 60 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", f"{passage.title} {passage.text}",
                                             re.I) is not None


_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w’'-]*)+")


def _runs(text: str) -> list[str]:
    return _RUN.findall(text)


def _acronym(run: str) -> str:
    """"United States" -> "us", "Federal Trade Commission" -> "ftc" (joining words left out)."""
    words = run.split()
    if words[0].lower() == "the":
        words = words[1:]
    return "".join(w[0] for w in words if w[0].isupper()).lower()


def acronyms(text: str) -> set[str]:
    """What a text's names are also written as: the initials of its capitalised runs, and its dotted
    acronyms without dots ("U.S." -> "us")."""
    found = {_acronym(run) for run in _runs(text)}
    found |= {a.replace(".", "").lower() for a in re.findall(r"\b(?:[A-Z]\.){2,}", text)}
    return {a for a in found if len(a) >= 2}


def _completes(claim_words: set[str], asked: set[str], passage_words: set[str]) -> bool:
    """The claim is mostly the question's words, and what it adds is all in the passage (title or body)."""
    claim_words = claim_words - _NON_CLAIM
    added = claim_words - asked
    return bool(added) and len(claim_words & asked) >= len(added) and added <= passage_words


def cites_asked_fact(text: str, citations: list[Citation], question: str) -> bool:
    """Whether the kind of fact the question asks for (a name, a number, a date) stands where a verified
    citation vouches for it: in a cited sentence, or in the unmarked sentences before it on its line ("The
    service is Beeper Mini. It reverse-engineered iMessage [1]."), with its words in the cited passage.
    Grounding lets a name come from any passage the model was given, so "the deputy speaker is said to be named
    Rahul Gandhi [3]" passed when only another passage named him; and a figure in an uncited sentence passed
    beside a cited one that did not hold it."""
    if expected_type(question) is None:
        return True
    verified = {c.marker: c.passage for c in citations if c.supported}
    for line in text.split("\n"):
        run: list[str] = []
        for sentence in sentences(line):
            run.append(sentence)
            markers = [int(m) for m in _MARKER.findall(sentence)]
            if not markers:
                continue
            scope, run = " ".join(run), []
            cited = [verified[n] for n in markers if n in verified]
            known = _vocabulary(" ".join(map(_given, cited)))
            held = " ".join(t for t in strip_markers(scope).split() if _vocabulary(t) <= known)
            if cited and answers_kind(held, question):
                return True
    return False


def covered(question: str, passages: list[Passage], outlets: Sequence[str] = ()) -> bool:
    """Every name and number of the question occurs in the passages: the articles are at least about what is
    asked (a question about a company no passage mentions is not answered by restating it)."""
    return coverage(question, passages, outlets) == 1.0


def coverage(question: str, passages: list[Passage], outlets: Sequence[str] = ()) -> float:
    """The share of the question's names and numbers that occur in the passages (1.0 when it has none).
    Not counted: the feed name after an outlet the question names (`outlets`; titles carry only the outlet's
    short name), a title before a name ("Rep."), and the given names of a person whose surname the passages
    hold (articles write "McHenry" for "Patrick McHenry")."""
    question = without_taglines(question, outlets)
    terms = key_terms(question) - TITLES
    if not terms:
        return 1.0
    known = _vocabulary(" ".join(map(_given, passages)))
    people = question
    for outlet in outlets:
        people = without(people, outlet)
    forgiven = _given_names(people, known)
    return sum(_known(t, known) or t in forgiven for t in terms) / len(terms)


def _given_names(question: str, known: set[str]) -> set[str]:
    """The words before a known surname in a run of capitalised words ("Jung Hoo Lee" -> {"jung", "hoo"} when
    "lee" is known). A run that ends in a stopword is no person's name; the caller takes named outlets out
    first, since "Sporting News" is not a person called News."""
    forgiven: set[str] = set()
    for run in re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)+", question):
        *given, surname = [_POSSESSIVE.sub("", w.strip(".'’-").lower()) for w in run.split()]
        if surname not in STOPWORDS and len(surname) > 2 and surname in known:
            forgiven.update(given)
    return forgiven


def _vocabulary(text: str) -> set[str]:
    """The words of `text` with possessives folded: "Britain’s" grounds "Britain"."""
    return {_POSSESSIVE.sub("", w) for w in words(text)}


_POSSESSIVE = re.compile(r"'s$")


def _stems(text: str) -> set[str]:
    """Content words with possessives folded ("TikTok's" -> "tiktok")."""
    return {_POSSESSIVE.sub("", w) for w in content_words(text)}  # words() folded ’ to '


def names(claim: str) -> list[str]:
    """Adjacent pairs of capitalised words ("Paradazan System"): a name the model assembled from words that
    each occur somewhere ("Zhao Raab") is not grounded by its words alone."""
    tokens = re.findall(r"[\w][\w'’.-]*", _MARKER.sub("", claim))
    pairs = []
    for i in range(len(tokens) - 1):
        a, b = tokens[i].strip(".'’-"), tokens[i + 1].strip(".'’-")
        if a[:1].isupper() and b[:1].isupper() and len(a) > 1 and len(b) > 1 and not tokens[i].endswith("."):
            pairs.append(f"{a} {b}".lower())
    return [p for p in pairs if not set(p.split()) & (STOPWORDS | _STARTERS)]


_STARTERS = frozenset({"yes", "no", "according", "both", "however", "while", "although", "in", "on", "chinese",
                       "us"}) | TITLES


def _capitalised(text: str) -> set[str]:
    """Words `text` writes capitalised, lower-cased: the names a claim's name could be assembled from. "the
    Republican senators" makes "Republican Party" no invented name ("party" is a common word there)."""
    return _vocabulary(" ".join(re.findall(r"\b[A-Z][\w'’-]*", text)))


def _known_phrase(pair: str, given: str) -> bool:
    """The pair occurs as adjacent words in `given` (a possessive or a slight misspelling allowed)."""
    tokens = [_POSSESSIVE.sub("", w) for w in words(given)]
    known = {f"{a} {b}" for a, b in itertools.pairwise(tokens)}
    pair = " ".join(_POSSESSIVE.sub("", w) for w in words(pair))
    return pair in known or bool(difflib.get_close_matches(pair, known, n=1, cutoff=0.85))


def _given(passage: Passage) -> str:
    """What a passage gives the model: its title, its text and its date as questions write it."""
    return f"{passage.title} {passage.text} {_dated(passage)}"


def _dated(passage: Passage) -> str:
    """The passage's date as questions write it: "3 November 2023", "Nov 3", "2023-11-03", "November 3rd"."""
    day = passage.published
    if day is None:
        return ""
    ordinal = "th" if 10 <= day.day <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day:%d %B %b %Y %-d %Y-%m-%d} {day.day}{ordinal}"


def resolve(
    text: str, passages: list[Passage], embedder: Embedder, question: str = "", held: bool | None = None,
    *, repair: bool = True, aliases: bool = False, moves: list[str] | None = None, items: bool = False,
) -> tuple[str, list[Citation]]:
    """Check every cited sentence against its passages and return citations in marker order.

    Repairs: a marker whose passage does not support its sentence is moved back to an unmarked sentence before
    it that the passage supports, else to the passage that supports its sentence (small models often cite the
    neighbouring number); an answer with no markers at all gets each sentence
    attributed to the passage that supports it best, when one does. `held` is `covered(question, passages)`
    when the caller has it already. Without `repair`, markers stay where the model put them and are only
    checked; `moves` collects what each repair did, for the trace. With `items` (a list's answer), a line
    "- Name: …" is supported by a passage that names it, and an unmarked one cites the first such passage."""
    context = " ".join([question, *map(_given, passages)])
    if held is None:
        held = bool(question) and covered(question, passages)
    asked = question if held else ""
    if items and repair:
        text = "\n".join(_cite_item(line, passages) for line in text.split("\n"))
    if not _MARKER.search(text) and repair:
        text = _attach_markers(text, passages, embedder, context, asked)
        if moves is not None and _MARKER.search(text):
            moves.append("markers added to an answer that had none")
    verdicts: dict[int, bool] = {}
    lines = []
    previous = ""
    for line in text.split("\n"):
        item = items and bool(ITEM.match(line))
        repaired: list[str] = []
        unmarked: list[int] = []  # sentences of this line since its last cited one
        for sentence in sentences(line):
            cited = list(dict.fromkeys(int(m) for m in _MARKER.findall(sentence)))
            if cited:
                claim = sentence if item else claim_of(sentence, previous, question)
                checks = [support(claim, p, embedder, context, asked, aliases, item) for p in passages]
                joint = _joint(claim, cited, passages, checks, embedder, context)
                for n in cited:
                    ok = checks[n - 1].supported or n in joint
                    earlier = None if ok or not repair else _earlier_claim(
                        repaired, unmarked, passages[n - 1], embedder, context, question, asked)
                    better = None if ok or earlier is not None or not repair else _best(checks, set(cited))
                    if moves is not None and (earlier is not None or better is not None):
                        moves.append(f"[{n}] moved to " + ("an earlier sentence it supports" if earlier is not None
                                                           else f"[{better}], the passage that supports it"))
                    if earlier is not None:
                        # "A. B, restating the question [2]": the marker closes a run and belongs to its claim.
                        repaired[earlier] = _insert_marker(repaired[earlier], n)
                        sentence = _drop_marker(sentence, n)
                        ok = True
                    elif better is not None:
                        sentence = sentence.replace(f"[{n}]", f"[{better}]")
                        n, ok = better, True
                    verdicts[n] = verdicts.get(n, True) and ok
                unmarked = []
            else:
                unmarked.append(len(repaired))
            repaired.append(sentence)
            previous = sentence
        lines.append(" ".join(repaired))
    text = "\n".join(lines)
    order = list(dict.fromkeys(int(m) for m in _MARKER.findall(text)))
    return text, [Citation(n, passages[n - 1], verdicts.get(n, False)) for n in order]


_YES_NO = re.compile(r"^\s*(yes|no)\b[,.!]?", re.I)
_NON_CLAIM = frozenset({"yes", "no", "stated", "mentioned", "reported", "said", "described", "found", "passage",
                        "passages", "article", "articles", "according", "true", "correct", "both", "published",
                        "information", "source", "sources", "cited", "given", "provided"})


def claim_of(sentence: str, previous: str, question: str) -> str:
    """What a cited sentence claims. "Yes [1]." claims the question's statement; "This is stated in passage
    [2]." claims the sentence before it; anything with two words of its own claims itself."""
    own = [w for w in content_words(_MARKER.sub("", sentence)) if w not in _NON_CLAIM]
    if len(own) >= 2:
        return sentence
    if re.match(r"\s*(yes|no)\b", sentence, re.I) and question:
        return question + " " + _YES_NO.sub("", sentence)
    return f"{previous} {sentence}" if previous else sentence


def _joint(claim: str, cited: list[int], passages: list[Passage], checks: list[Support], embedder: Embedder,
           context: str) -> set[int]:
    """A comparison or a two-article claim ("X said A [1], while Y said B [2]") is supported by its cited
    passages together when no one of them holds all of it; each passage must hold some of its words."""
    if len(cited) < 2 or all(checks[n - 1].supported for n in cited):
        return set()
    together = passages[cited[0] - 1]
    together = Passage(together.chunk_id, together.article_id, together.title, together.source, together.published,
                       " ".join(passages[n - 1].text for n in cited), together.score, together.start, together.end)
    if not support(claim, together, embedder, context).supported:
        return set()
    words = set(content_words(_MARKER.sub("", claim)))
    return {n for n in cited if words & set(content_words(passages[n - 1].text))}


def _earlier_claim(repaired: list[str], unmarked: list[int], passage: Passage, embedder: Embedder, context: str,
                   question: str, asked: str) -> int | None:
    """The nearest unmarked sentence before a wrongly cited one that its passage supports, if any: small models
    often put one marker at the end of a paragraph whose first sentence holds the answer."""
    for i in reversed(unmarked):
        claim = claim_of(repaired[i], repaired[i - 1] if i else "", question)
        if support(claim, passage, embedder, context, asked).supported:
            return i
    return None


def _cite_item(line: str, passages: list[Passage]) -> str:
    """An unmarked list line cites the first passage that names its item."""
    if not ITEM.match(line) or _MARKER.search(line):
        return line
    naming = next((n for n, p in enumerate(passages, 1) if names_item(line, p)), None)
    return line if naming is None else f"{line.rstrip()} [{naming}]"


def _drop_marker(sentence: str, n: int) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(rf"\s*\[{n}\]", "", sentence, count=1))


def _best(checks: list[Support], exclude: set[int]) -> int | None:
    scored = [(c.similarity + c.lexical, n) for n, c in enumerate(checks, 1) if c.supported and n not in exclude]
    return max(scored)[1] if scored else None


def _attach_markers(text: str, passages: list[Passage], embedder: Embedder, context: str, asked: str) -> str:
    lines = []
    for line in text.split("\n"):  # the model's line breaks (an answer word, then its reasons) stay
        out = []
        for sentence in sentences(line):
            scored = [(support(sentence, p, embedder, context, asked), n) for n, p in enumerate(passages, 1)]
            best = max(scored, key=lambda s: s[0].similarity + s[0].lexical, default=None)
            if best is not None and best[0].supported:
                sentence = _insert_marker(sentence, best[1])
            out.append(sentence)
        lines.append(" ".join(out))
    return "\n".join(lines)


def _insert_marker(sentence: str, n: int) -> str:
    match = re.search(r"[.!?]['\"”’]?$", sentence)
    return f"{sentence[:match.start()]} [{n}]{sentence[match.start():]}" if match else f"{sentence} [{n}]"
