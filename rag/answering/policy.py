"""The rules of the answer path, and which of them each policy runs.

A rule is named here, belongs to a family (ablated together with `--ablate FAMILY`), is recorded in the
trace when it changes an outcome, and is kept only while the dev ablation (docs/eval/ablation.md) shows it
gains more questions than it loses. The policies:

- `small`: every rule: the checks a 1.5B model needs (it rarely refuses on its own and invents names);
- `strong`: a capable model behind `llm_url`: no forced opener and no part-by-part verdict, names accepted
  by alias ("United States" for "US", as under `small`), wider evidence and longer answers, and the model's
  own refusal trusted (the support check flags citations; it does not turn answers into refusals);
- `off`: plain RAG: the model answers from the retrieved passages and its markers are resolved and checked.

`auto` is `small` for the bundled model and `strong` for a model behind `llm_url`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.config import Settings

RULES: dict[str, tuple[str, str]] = {  # name: (family, what it does)
    "floor": ("refusal", "refuse without asking the model when the best passage is below `min_score`"),
    "grounding": ("refusal", "show an answer none of whose citations the passages support as a refusal"),
    "asked_fact": ("refusal", "refuse an answer that lacks the kind of fact asked for (a name, a number, a date)"),
    "measure": ("refusal", "refuse a fact answer to 'how long …' or 'how much did X pay (cost, spend, fine …)' that "
                           "gives no duration or no sum of money ('three games long' for a contract's length, "
                           "'4 per cent' for a fine)"),
    "dateline": ("refusal", "refuse a fact answer to 'when …' whose every date is its cited article's publication "
                            "date, which no sentence of the article gives ('they married on October 16, 2023', the "
                            "day the article ran)"),
    "period": ("refusal", "refuse a fact answer when the question names a period (a quarter, a year, a week or a "
                          "game) and every passage it cites names another of that kind and not it ('revenue in the "
                          "fourth quarter' answered from 'in the third quarter')"),
    "speaker": ("refusal", "refuse a fact answer to 'what did X say …' ('… according to X') that has X say it "
                           "('X said …') citing no passage that names X ('Rishi Sunak said …' over a quote of "
                           "Dominic Raab's)"),
    "premise": ("refusal", "refuse a why answer when the question names two things or more and no passage its "
                           "lines come from names them all ('Why did Apple buy TikTok?' told from lines on "
                           "Microsoft's bid and on Apple's MacBook)"),
    "prospect": ("refusal", "refuse a yes/no on whether something happened ('did X pass …') when every passage "
                            "sentence with its verb tells it as a prospect ('could be suspended', 'wants X to pass')"),
    "subject": ("refusal", "a sentence naming what the question asks about is supported only by a passage that "
                           "names it too ('Bumble's new CEO is X [3]' needs a passage naming Bumble)"),
    "off_topic": ("refusal", "refuse a fact answer when the question names something (a word the passages write as "
                             "a name) and no passage it cites names any of it ('how many jobs did spotify cut?' "
                             "answered from a passage on Taylor Swift's tour)"),
    "outcome": ("refusal", "refuse an answer to 'who won …' unless a cited passage has a sentence naming the winner "
                           "the answer's first sentence gives, telling a result ('won', 'beat'), naming the contest"),
    "dating": ("refusal", "answer a refused 'when' question with the passage sentence that holds a date and most "
                          "of the question's words"),
    "hedge": ("refusal", "an answer that goes on to say the passages do not give what the question asks, and "
                         "states it nowhere else ('However, it does not say how many years …'), is a refusal"),
    "said_only": ("refusal", "a refusal keeps what the passages do say, after 'The articles do not say.'"),
    "opener": ("verdict", "tell the model to open a closed question's answer with Yes/No (or its options)"),
    "verdict": ("verdict", "a Yes/No verdict stands without a supporting citation when the passages cover the "
                           "question's names"),
    "contradiction": ("verdict", "a 'Yes' whose own first sentence denies what the question asks ('Yes, SBF "
                                 "pleaded not guilty') is shown as 'No'"),
    "denied": ("verdict", "refuse a 'Yes' whose cited passage holds what it affirms only denied ('Yes, SBF was found "
                          "guilty [1]' citing 'has pleaded not-guilty'), showing that sentence"),
    "unsaid": ("verdict", "refuse a 'No' to a question naming no outlet when its cited passages never mention what "
                          "it asks beyond its names ('did amazon lay off workers?' citing a lawsuit against Amazon)"),
    "halves": ("verdict", "check a two-part yes/no question one part at a time; a part that fails answers No"),
    "future": ("verdict", "a verdict on what will happen ('Will TikTok be banned?') ends by saying it is what the "
                          "articles expected as of the newest cited one, which cannot tell what happened after"),
    "wide_context": ("budget", "a name question of 25 words or more gets 400 evidence tokens, not 250"),
    "extractive": ("open", "build a summary, timeline, latest or why from the passages' cited sentences, in date "
                           "order, instead of having the model write it"),
    "antecedent": ("open", "an open answer's line that opens by pointing back ('He also urged …', 'Its earlier "
                           "actions …') shows the sentence before it too, and its passage holds that sentence"),
    "names": ("open", "answer a list of names of a kind (companies, people, countries) with the names the "
                      "passages' sentences hold (spaCy's small NER), each cited to its sentence, instead of having "
                      "the model write it"),
    "item_lines": ("open", "answer a list that asks for things, not names of a kind ('what measures …', 'list the "
                           "charges'), with the passages' most relevant lines, one cited item each, instead of having "
                           "the model write it"),
    "sides": ("open", "answer a comparison of two named sides ('X and Y', 'X vs Y') or of the outlets with a block of "
                      "each side's most relevant lines from the passages, instead of having the model write it"),
    "overview": ("open", "a question about the articles as a whole, naming no topic ('what are these articles "
                         "about?', 'what's the latest?'), is answered with the newest articles' opening lines (with "
                         "the names rule, 'who is mentioned the most?' with the names most of them hold), not "
                         "searched for its words"),
    "window": ("open", "an open question naming a time ('in August 2020') also searches the articles published "
                       "then, and its lines keep to that time when at least two do"),
    "follow_topic": ("followup", "a follow-up that names no topic ('and then what?'), which the model's rewrite "
                                 "left without the topic of the turn before, is searched with the previous question"),
    "follow_intent": ("followup", "a follow-up asking for an open kind of answer ('give me a timeline', 'summarize "
                                  "that'), which the model's rewrite turned into another kind, is asked as that kind "
                                  "of the question before"),
    "initials": ("query", "a word typed as a name's initials ('sbf', 'CZ') is read as the name the retrieved "
                          "passages write for them ('Sam Bankman-Fried (sbf)'): searched again, and given to the "
                          "model, with it"),
    "outlets": ("outlets", "search and prefer the outlets a question names; strip feed taglines"),
    "outlet_only": ("outlets", "a question that opens by asking what an outlet reported ('what did the verge say "
                               "about the trial?', 'according to cnbc, …'; not a yes/no or a comparison) is "
                               "answered from that outlet's articles only, when they hold any of its evidence"),
    "parts": ("parts", "retrieve for each part of a question that asks several things"),
    "part_evidence": ("parts", "a fact question in several parts gets each part's best sentence in its evidence "
                               "first"),
    "echo": ("citations", "drop answer lines that repeat a passage's title or quoted text"),
    "repair": ("citations", "move a marker to the sentence or passage that supports it"),
    "attribution": ("citations", "an unmarked claim gets the markers of a next sentence that only says where it "
                                 "stands ('This information is found in Passage [1].'), which is dropped"),
    "recite": ("citations", "cite a fact answer to the passage whose sentence holds the name, figure or date it "
                            "gives and names its subject, when the passage it cites does not"),
    "aliases": ("citations", "accept a name by its alias or acronym (US / United States / U.S.)"),
}
FAMILIES = sorted({family for family, _ in RULES.values()})
POLICIES: dict[str, frozenset[str]] = {
    "small": frozenset(RULES),
    "strong": frozenset({"floor", "initials", "outlets", "outlet_only", "parts", "part_evidence", "repair", "recite",
                         "aliases", "echo", "window", "attribution", "hedge", "overview", "future", "follow_topic",
                         "follow_intent"}),
    "off": frozenset(),
}


def rules_named(names: str) -> frozenset[str]:
    """Rule and family names, comma-separated, as rule names; an unknown name is an error."""
    found: set[str] = set()
    for name in filter(None, (n.strip() for n in names.split(","))):
        family = {rule for rule, (fam, _) in RULES.items() if fam == name}
        if name not in RULES and not family:
            raise ValueError(f"unknown rule {name!r}: choose from {', '.join([*RULES, *FAMILIES])}")
        found |= family or {name}
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str  # small, strong, off
    rules: frozenset[str]
    evidence_tokens: int  # the fact strategy's budget
    answer_tokens: int  # the fact strategy's answer cap
    open_evidence_tokens: int  # an open question's (list, summary, timeline, …)
    open_answer_tokens: int

    def on(self, rule: str) -> bool:
        return rule in self.rules


def policy_for(settings: Settings) -> Policy:
    """The settings' policy, with the rules named in `ablate` turned off."""
    name = settings.answer_policy
    if name == "auto":
        name = "strong" if settings.llm_url else "small"
    if name not in POLICIES:
        raise ValueError(f"answer_policy {name!r}: choose auto, small, strong or off")
    rules = POLICIES[name] - rules_named(settings.ablate)
    if name == "strong":  # a capable model reads more and writes more
        return Policy(name, rules, max(600, settings.context_tokens), max(400, settings.max_answer_tokens), 1000, 600)
    return Policy(name, rules, settings.context_tokens, settings.max_answer_tokens, 500, 320)
