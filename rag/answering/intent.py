"""What kind of answer a question wants, read from its wording by general rules.

The intents: fact, yesno, list, summary, timeline, compare, why, latest. The rules look for how people ask
for each kind ("timeline", "in what order", "X vs Y", "which companies", "what's the latest"), never for
one question set's templates. A polite or indirect opener ("Could you summarize …", "Do the articles say
why …") is taken off first: it makes a request look like a yes/no question.

    >>> intent("Could you summarize what happened with TikTok in September 2020?")
    'summary'
    >>> intent("Is Huawei a threat or not?"), intent("Which Chinese companies are mentioned?")
    ('yesno', 'list')
    >>> intent("Which Iranian electronics firm were they dealing with?"), intent("sbf trial timeline")
    ('fact', 'timeline')
    >>> intent("Which Chinese firms bid for TikTok?"), intent("Which company owns WeChat?")
    ('list', 'fact')
"""

from __future__ import annotations

import re

from rag.answering.question import expected_type
from rag.answering.several import AUX as _AUX
from rag.answering.several import asks_for_several
from rag.text import content_words

INTENTS = ("fact", "yesno", "list", "summary", "timeline", "compare", "why", "latest")
# Words that ask about the articles themselves or for a kind of answer, not about a topic in them: a question
# of only these asks about the collection as a whole (`spec.about_collection`), a follow-up of only these names
# no topic (`condense.lost_topic`), and an open answer's line need not hold them (`lines.relevant`). "What
# happened next?" names none: a line need not say "next".
ASKING = frozenset(
    "article articles story stories collection archive news headline headlines topic topics cover covers covered "
    "covering happened happening happen going latest new newest recent update updates today week summary "
    "summarize summarise overview explain tell give show know ask asked list main key points timeline order date "
    "dates step steps unfold unfolded play played deal please say says said thing things what's whats more "
    "anything next later afterwards event events".split())
OPEN_INTENTS = frozenset({"list", "summary", "timeline", "compare", "why", "latest"})

# "Could you (please) …", "Can you tell me …", "Please …", "I'd like to know …": a request, not a yes/no.
_POLITE = re.compile(
    r"^\W*(?:(?:could|can|would|will) (?:you|u)\s+(?:please\s+)?|please\s+|i(?:'d| would) like (?:to know\s+)?|"
    r"i want to know\s+|do you know\s+|(?:do|does|did) (?:the|these|any) (?:articles?|stories|passages|reports?) "
    r"(?:say|mention|explain|tell(?: me| us)?|report|show)\s+(?=(?:what|who|which|why|how|when|where|whether|if)\b))",
    re.I)
# After a polite opener: "tell me (about)", "give me", "show me" hand over to what follows.
_HAND_OVER = re.compile(r"^\W*(?:tell|give|show|get|find|walk)\s+(?:me|us)\s+(?:through\s+)?", re.I)

_TIMELINE = re.compile(
    r"\btime\s?line\b|\bchronolog|\b(?:by|in) date(?: order)?\b|\bin (?:what|which) order\b|\bin order\b(?! to)|"
    r"\bstep[- ]by[- ]step\b|"
    r"\bsequence (?:of|in)\b|\bkey (?:dates|events|moments|milestones)\b|\bdates (?:please|of)\b|\bmilestones\b|"
    r"\b(?:day|week|month|year|step|game|match|round) by (?:day|week|month|year|step|game|match|round)\b|"
    r"\bblow[- ]by[- ]blow\b|\bwhat happened when\b|"
    r"\bhow (?:did|has|have) .{3,80}\b(?:unfold(?:ed)?|play(?:ed)? out|develop(?:ed)?|evolve[d]?|shift(?:ed)? from|"
    r"escalat(?:e|ed))\b|\bwhat happened (?:first|next|after that|then)\b|\bwhen did each\b", re.I)
# A matchup ("chiefs vs jets", "epic v google") names what is asked about: the question compares its sides
# unless it asks for a fact of it ("chiefs vs jets - how many yards did mahomes run?"), for its result
# ("what was the final score of england vs south africa?", "what did the judge rule in epic v google?") or
# for a summary of it ("what happened with epic v google?", "bears vs vikings recap").
_MATCHUP = re.compile(r"\bvs\.?\b|\bversus\b|\b\w+ v\.? \w+", re.I)
_RESULT = re.compile(r"\b(?:scores?|scoreline|results?|verdicts?|rul(?:e|ed|es|ing)|decided|decisions?|outcome|"
                     r"won|wins?|winners?|beat|lost|loser)\b", re.I)
_COMPARE = re.compile(
    r"\bcompar|\bdiffer|\bcontrast|\bdisagree on\b|\beach side\b|\bboth sides\b|"
    r"\b(?:each|every) (?:describe|frame|portray|see|view|present|cover|report|tell|say|said|think|argue|claim|put it|"
    r"make of|write|wrote)|\bdifferent (?:outlets|"
    r"papers|sources|sides|media)\b|\bhow do (?:they|the two|both) (?:clash|differ|compare)\b|"
    r"\bhow (?:did|do|does) .{3,60} and .{3,60} (?:each )?(?:describe|portray|frame|cover|report on|see|view|"
    r"characteri[sz]e|present|talk about|speak about|spoke about|write about|wrote about|discuss)\b", re.I)
# Asked of the archive, at the head of the request or as its last word ("tyreek hill latest", "meta's ad-free
# plan - any updates?"): "the latest developments in X" inside a longer question describes an article, it
# does not ask for news.
_LATEST = re.compile(r"^\W*(?:(?:what'?s|what is|what are|whats|any|give me|tell me|show me)\s+)?(?:the\s+)?"
                     r"(?:latest|lastest|most recent|newest|(?:recent|new|fresh) (?:news|developments?|updates?))\b|"
                     r"^\W*(?:any (?:news|updates?)|what'?s new|updates?) (?:on|with|about|in|for|from)\b|"
                     r"\b(?:latest|lastest|newest|any (?:news|updates?))\W*$|\bat now\b|"
                     r"\b(?P<tail>updates?|(?<=\w )news)\W*$|"  # "tyreek hill update", "tiktok news" (not a question:
                     # see `intent`)
                     r"\b(?:where|how) (?:do|does|did) .{0,60}\bstand\b|\bwhere are things\b|"
                     r"\bcurrent (?:state|status|situation)\b|\bwhat(?:'s| is) the status (?:of|on|with)\b|"
                     r"\b(?:happening|going on|happened) (?:now|right now|currently|these days|at the moment|lately|"
                     r"most recently)\b|\bmost recently\b|\blately\b", re.I)
_WHY = re.compile(
    r"\bwhy\b|\bhow come\b|\bwhat (?:(?:actually|really|exactly|first) )?(?:caused|led (?:up )?to|prompted|drove|"
    r"triggered|motivated|made|went wrong)\b|"
    r"\bwhat(?:'s| is| was| are| were) (?:behind|driving)\b|\breasons?\b|\b(?:motives?|motivation|rationale)\b|"
    r"\bhow (?:did|does|do|has|have|is|was|can|could|would) .{3,60}\bjustif|\bjustification\b|"
    r"\bwhat (?:impact|effect|consequences?)\b|"
    r"\bhow (?:did|does|do|has|have) .{3,60}\b(?:react(?:ed|s)?|respond(?:ed|s)?|land(?:ed|s)?|go(?:ne)? down|"
    r"retaliat(?:e|ed|es)|hit back)\b|"
    r"\bhow (?:could|would|will|might|can) .{3,60}\b(?:hit|affect|impact|hurt|change|harm)\b|"
    # what something does to another: "how is the war affecting markets" ("what is X doing to get …" asks how)
    r"\bhow (?:is|are|was|were|has|have) .{3,60}\b(?:affect|impact|hurt|harm)(?:ing|ed)\b|"
    r"\bwhat (?:is|are|was|were|will be|would be) the (?:impacts?|effects?|consequences?|fallout|implications)\b",
    re.I)
_QUESTION_WORD = re.compile(r"^\W*(?:what|when|where|who|which|how|why|is|was|are|were|did|does|do|has|have|can|"
                            r"will)\b", re.I)
_WHY_FIRST = re.compile(r"^\W*(?:why|how come)\b", re.I)
_SUMMARY = re.compile(
    r"^\W*(?:summari[sz]e|sum up|overview|recap|brief me|explain|describe)\b|\bsummar(?:y|ise|ize)\b|"
    r"^\W*(?:catch|fill) (?:me|us) (?:up|in)\b|\b(?:overview|recap|rundown|run-down|lowdown|briefing|background|"
    r"backstory|gist|tl;?dr|takeaways|highlights|main points|key (?:points|facts))\b|"
    r"^\W*tell (?:me|us) (?:about|what|more)\b|\bwhat (?:has |had |have )?(?:happened|went on|went down)\b|"
    r"\bwhat(?:'?s| is| was) (?:going on|happening)\b|\bwhat(?:'s| has| have) been (?:happening|going on)\b|"
    r"\bwhat(?:'s| is| was) the (?:situation|state of play|context)\b|\bwhat(?: is|'s) known about\b|"
    r"\bwhat (?:do|does|did) (?:the |these |those )?(?:articles?|stories|story|reports?|coverage|news|papers?) "
    r"(?:say|tell|report)(?: us| me)? (?:about|on)\b|\bwhat (?:do|can) you (?:have|tell me|know) (?:on|about)\b|"
    r"\bhow(?:'s| is| are) .{3,60}\bgoing\b|"
    r"\bwhat'?s up with\b|\bwhat(?:'?s| is) the (?:story|deal)\b|"
    r"\bwhat do (?:we|i) (?:know|need to know) about\b|"
    r"\bthe story (?:behind|of)\b|\bwhat(?:'s| is) this about\b|^\W*tell (?:me|us) (?:everything|all) about\b|"
    r"^\W*what (?:is|was|were|are) (?:the|this|that) [\w'’ -]{3,60} about\W*$|"
    r"\bhow (?:is|are|was|were) .{3,60}\b(?:dealing|handling|coping|responding|doing)\b|"
    r"^\W*(?:what about|(?:anything|something|more) (?:on|about)|news on)\b|"
    # how it was received: "what are people saying about X", "how was X received", "opinions on X"
    r"\bwhat (?:are|were|do|did|have|has) (?:the )?(?:people|critics|analysts|experts|reviewers|reviews?|fans|"
    r"observers|commentators|investors|users|others) (?:been )?(?:say(?:ing)?|think(?:ing)?|made|written)\b|"
    r"\bwhat(?:'s| is| was| were| are) (?:the )?(?:reactions?|reception|consensus|sentiment)"
    r" (?:to|on|of|about)\b|"
    r"\bhow (?:was|were|has|have|is|are) .{3,60}\b(?:received|reviewed|perceived)\b|"
    r"^\W*(?:opinions?|thoughts|reactions?|views|reviews?) (?:on|about|of)\b|"
    r"\bwhat(?:['’]s| has| have| is| are) .{3,40}\b(?:been )?up to\b|\bhow (?:are|were) things\b", re.I)
# "list", "name all/the", "who was involved", "which/what <plural noun> …".
_LIST_WORDS = re.compile(r"^\W*list\b|\blist (?:the|all|every|them|out)\b|\bname (?:all|the|every|some|a few|any)\b|"
                         r"\bwho (?:was|were|is|are) (?:involved|named|mentioned|the (?:key |main )?(?:players|people|"
                         r"figures|names|parties))\b|\bwhat are all\b|\bwhich of the\b|\b(?:who|what) (?:all|else)\b|"
                         r"\bthe names of\b|\b(?:people|companies|firms|countries|officials|players|parties|groups|"
                         r"organi[sz]ations|individuals|entities) (?:involved|named|mentioned)\b|"
                         # "who is quoted the most?", "who gets interviewed in these articles?" (not "who was
                         # quoted saying …", which asks for one person)
                         r"\bwho (?:is|was|are|were|gets|got) (?:quoted|cited|interviewed)(?: the)?"
                         r"(?: most(?: often)?)?(?: in (?:these|the) (?:articles|stories|news))?\W*$", re.I)
_NAME_FIRST = re.compile(r"^\W*(?:and\s+)?(?:who|whom|whose|which)\b", re.I)
_AUX_FIRST = re.compile(rf"^\W*{_AUX}\b", re.I)
# MultiHop-style and ordinary long yes/no questions open with a clause: "After X reported …, did Y …?"
_OPENER = re.compile(r"^\s*(?:after|before|between|following|given|considering|since|when|in|according to)\b", re.I)
_CLAUSE = re.compile(rf",['\"’”]?\s+({_AUX}|(?:what|which|who|whom|whose|where|when|why|how))\b", re.I)


def request(question: str) -> str:
    """The question without a polite or indirect opener ("Could you summarize X" -> "summarize X")."""
    rest = _POLITE.sub("", question, count=1)
    if rest != question:
        rest = _HAND_OVER.sub("", rest, count=1)
        handed = re.sub(r"^\W*(?:about|of)\s+", "", rest, flags=re.I)
        if handed != rest:  # "tell me about X" asks for a summary of X
            return f"tell me about {handed}"
    return rest


def is_closed(question: str) -> bool:
    """A yes/no question: it opens with an auxiliary verb, or puts one after an opening clause ("After X
    reported …, did Y agree?"); "Considering A, which company …?" asks for a name."""
    if _AUX_FIRST.search(question):
        return True
    if re.match(r"^\W*\w+\s+(?:which|what|whom|whose)\b", question, re.I):
        return False  # "In which game …, can you …?" asks for a name
    clause = _CLAUSE.search(question) if _OPENER.search(question) else None
    return clause is not None and not re.fullmatch(r"what|which|who|whom|whose|where|when|why|how", clause.group(1),
                                                   re.I)


def main_clause(question: str) -> str:
    """The question after an opening clause ("Considering A and B, which company …" -> "which company …")."""
    if _OPENER.search(question):
        clause = _CLAUSE.search(question)
        if clause is not None:
            return question[clause.start(1):]
    return question


def intent(question: str, bare: bool = True) -> str:
    """One of `INTENTS` for the question as typed (after any follow-up was resolved). A yes/no question is one
    whatever it is about ("Does A differ from B?"); a question for a name is a fact or, plural, a list. With
    `bare` off, a topic typed alone is not read as a summary (a follow-up "and about russia?" asks the question
    before of another topic)."""
    asked = request(question)
    if asked == question and is_closed(asked):
        return "yesno"
    asked = main_clause(asked)
    if _TIMELINE.search(asked):
        return "timeline"
    if _LIST_WORDS.search(asked) or asks_for_several(asked):
        return "list"
    if _NAME_FIRST.search(asked):
        return "fact"
    if _WHY_FIRST.search(asked):  # "how come stocks have been rallying lately" asks why, not for the news
        return "why"
    latest = _LATEST.search(asked)  # before a comparison: "epic v google - latest?" asks for news of a case
    if latest and not (latest.group("tail") and _QUESTION_WORD.match(asked)):  # "when was the ios update?"
        return "latest"
    if _COMPARE.search(asked) or (_MATCHUP.search(asked) and expected_type(asked) is None
                                         and not _RESULT.search(asked) and not _SUMMARY.search(asked)):
        return "compare"
    if _WHY.search(asked):
        return "why"
    if _SUMMARY.search(asked) or (bare and _bare_topic(asked)):
        return "summary"
    return "yesno" if is_closed(asked) else "fact"


# A topic typed alone ("huawei?", "pangong lake"): as a fact, the small model answered "huawei?" from what it
# knew ("a major competitor to Apple"). A question word, or a word naming the fact wanted ("tiktok ban date"),
# keeps it a question.
_BARE = re.compile(r"^\W*(?:[\w'’.&-]+\s+){0,3}[\w'’.&-]+\W*$")
_ASKS = re.compile(r"\b(?:what|when|where|who|whom|whose|which|how|why|whats|what's)\b|\b(?:date|day|year|time|"
                   r"price|cost|age|number|amount|score|result|verdict|deadline|name|ceo|owner|total|fine|sentence|"
                   r"income|revenue|profit|sales|rate)s?\W*$", re.I)


def _bare_topic(asked: str) -> bool:
    return bool(_BARE.match(asked)) and not _ASKS.search(asked) and not _QUESTION_WORD.match(asked) \
        and expected_type(asked) is None


# The cues that wrap a topic ("a timeline of X", "what happened at X", "the latest on X"). A list's, a
# comparison's or a why's cue runs through its topic ("epic v google", "why did X ban Y") and stays.
_WRAPPERS = {"timeline": _TIMELINE, "summary": _SUMMARY, "latest": _LATEST}
_ORPHANS = re.compile(r"\b(?:a|an|the)\s+(?=(?:of|on|for|about|with|at|in|to|over)\b)|\bplease\b", re.I)
_TAIL = re.compile(r"(?:[\s,;:–-]+(?:what'?s|what is)(?: the)?)?[\s,;:–-]*(?=[?.!]*$)", re.I)  # "X, whats the [latest]"
# What a cue leaves before the topic: "what's [new] with X", "where are things [now] with X".
_LEAD = re.compile(r"^[\W_]*(?:(?:of|on|for|about|with|at|in|to|over|re|what(?:'?s| is)?(?=\s+with\b)|now|developments|"
                   r"everything)\b[\W_]*)*", re.I)


def _subject(cue: str) -> str:
    """The words a "how is X doing" cue holds between its asking words and its verb ("how is india responding"
    -> "india"); "" for any other cue."""
    inside = _HOW_IS.match(cue)
    return " ".join(inside.group(1).split()[:-1]) if inside else ""


_HOW_IS = re.compile(r"^\W*how(?:['’]s|\s+(?:is|are|was|were))\s+(.+)$", re.I)


def topic(question: str, kind: str) -> str:
    """What a summary, a timeline or the latest is about, for retrieval: the words that only ask for the kind
    of answer are taken off, since they pull the search towards passages that use them ("tiktok timeline
    please" matches the TikTok passages far less well than "tiktok"). Any other question comes back whole.

    >>> topic("tiktok timeline please", "timeline"), topic("What happened at Pangong Lake?", "summary")
    ('tiktok', 'Pangong Lake?')
    >>> topic("Could you give me a timeline of the TikTok sale?", "timeline")
    'the TikTok sale?'
    >>> topic("How did the speaker race play out?", "timeline")  # the cue holds the topic
    'How did the speaker race play out?'
    >>> topic("how is india responding to china", "summary"), topic("how is tiktok doing?", "summary")
    ('india to china', 'tiktok?')
    """
    cue = _WRAPPERS.get(kind)
    if cue is None:
        return question
    asked = _HAND_OVER.sub("", request(question), count=1)
    kept, at = [], 0
    for match in cue.finditer(asked):
        if len(match.group(0).split()) <= 4:  # a longer match holds the topic ("how did X unfold")
            kept += [asked[at:match.start()], _subject(match.group(0))]
            at = match.end()
    rest = " ".join(_ORPHANS.sub(" ", " ".join([*kept, asked[at:]])).split())
    rest = _TAIL.sub("", _LEAD.sub("", rest))
    return rest if content_words(rest) else question
