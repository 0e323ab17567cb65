"""One plan per question: the parsed spec, the strategy each intent gets, the policies, and the trace."""

import datetime as dt
import json
from pathlib import Path

import pytest

import rag
from evals.runner import _unfired
from newsrag.cli import main
from newsrag.jsonable import jsonable as _jsonable
from rag.answering.echo import drop_echoes
from rag.answering.entities import asked_labels
from rag.answering.intent import intent, topic
from rag.answering.policy import POLICIES, RULES, policy_for, rules_named
from rag.answering.prompt import REFUSAL
from rag.answering.speaker import misattributed
from rag.answering.spec import parse
from rag.answering.strategies import plan
from rag.answering.support import support
from rag.config import Settings
from rag.fakes import HashEmbedder
from rag.trace import Trace
from rag.types import Citation, Passage

NEWEST = dt.date(2020, 9, 20)


def spec(question: str):
    return parse(question, question, lambda _: [], NEWEST)


@pytest.mark.parametrize(("question", "expected"), [
    # the five questions, typed as people type them
    ("Could you summarize what happened with TikTok in September 2020?", "summary"),
    ("Is Huawei a threat or not?", "yesno"),
    ("Did the US ban TikTok while negotiating with Oracle?", "yesno"),
    ("Which Chinese companies are mentioned in these articles?", "list"),
    ("Give me a timeline of the US actions against Chinese tech companies in these articles.", "timeline"),
    # and the other kinds
    ("how did the verge and techcrunch portray the deal?", "compare"),
    ("what's the latest on tiktok?", "latest"),
    ("why was the chinese consulate in houston shut down?", "why"),
    ("Who heads the Russian Investigative Committee?", "fact"),
    ("Which Iranian electronics firm were they dealing with?", "fact"),
    ("Can you tell me who bought TikTok?", "fact"),
    ("Considering A and B, which company, known for C, is named?", "fact"),
    ("After the Guardian reported X, did CNBC agree?", "yesno"),
])
def test_intent_reads_how_people_ask(question, expected):
    assert intent(question) == expected


# Open questions as people type them to a news archive, written for the rules (none is from a question file):
# before these rules, 47 of 88 such phrasings were read as a fact.
@pytest.mark.parametrize(("expected", "question"), [
    ("summary", "Catch me up on the TikTok sale"), ("summary", "fill me in on the helium plant"),
    ("summary", "give me the rundown on the Huawei ban"), ("summary", "What's been happening with Huawei in the UK?"),
    ("summary", "What's the situation with the India China border?"), ("summary", "background on the sanctions?"),
    ("summary", "what do the articles say about WeChat"), ("summary", "Huawei 5G ban - key points?"),
    ("summary", "anything about SBF's trial"), ("summary", "What went down at OpenAI in November?"),
    ("summary", "Tell me more about the Eras Tour film"), ("summary", "what is known about the hack"),
    ("summary", "TL;DR of the Huawei decision?"), ("summary", "what has happened with the phase one deal so far"),
    ("summary", "Key takeaways from the SBF trial?"), ("summary", "How is the TikTok story going?"),
    ("list", "Name some firms that bid for TikTok"), ("list", "What are the countries involved in the dispute?"),
    ("list", "Who all testified at SBF's trial?"), ("list", "give me the names of the officials sanctioned"),
    ("list", "who else was in the running to buy tiktok?"), ("list", "Who are the key figures in the OpenAI story?"),
    ("list", "the people involved in the OpenAI board fight?"), ("list", "What were the companies targeted by the US?"),
    ("timeline", "walk me through the OpenAI board crisis day by day"),
    ("timeline", "what was the sequence of the Huawei decisions"), ("timeline", "key events in the Huawei saga"),
    ("timeline", "what happened when in the TikTok saga"),
    ("why", "what's behind the India China tension?"),
    ("why", "what was the motive behind the hack"), ("why", "What made the board fire Altman?"),
    ("why", "What are the reasons the UK dropped Huawei?"),
    ("compare", "contrast the UK and Chinese views on Huawei"), ("latest", "where does the tiktok sale stand now?"),
    # and what stays a fact
    ("fact", "What did BGI say in response to the request for comment?"), ("fact", "Which company owns WeChat?"),
    ("fact", "what's the name of the new GPT-4 model"),
    ("fact", "What institution raised rates in response to inflation?"),
    ("fact", "What is Moscow's response to the UK's sanctions?"),  # what it did: the fact strategy answered it
    ("fact", "What analogy did Trump use to justify the Treasury's cut of the sale?"),  # a purpose, not a why
    ("why", "How did Trump justify the Treasury's cut?"),
    ("why", "what reasons did china give for the ban?"),  # reasons are not a list of names
    ("list", "What companies did ByteDance talk to?"),
    ("list", "huawei sells its phones in which countries?"),  # the asking word after the verb
    ("list", "What are the main risks Huawei poses?"), ("list", "who were the witnesses called by the defence?"),
    ("list", "what else did the sanctions hit?"), ("why", "what went wrong with the tiktok sale?"),
    ("fact", "What are the workers extracting the helium from?"),  # "are … extracting": one thing
    ("fact", "In which city did the clash happen?"),
    ("compare", "How did Chinese state media and Pompeo talk about TikTok?"),
    ("compare", "what did the times and the post each say about the sale"), ("compare", "how did they each put it?"),
    # asking for the newest without the word "latest": before these rules, 8 of 11 were read as a fact, 1 as a list
    ("latest", "any new developments on the tiktok ban?"), ("latest", "what's happening now with the uber lawsuit?"),
    ("latest", "where are things now with the google antitrust case"), ("latest", "what's new in the sbf case"),
    ("latest", "what is the current situation with huawei in the uk?"),
    ("latest", "what's the status of the tiktok sale?"),
    ("latest", "how do things stand now between china and the uk?"), ("latest", "what's new with chatgpt lately?"),
    ("latest", "what are the latest developments in the us crackdown on chinese tech firms?"),  # not a list
    ("latest", "what happened most recently with sam altman?"), ("latest", "any updates for the writers strike?"),
    ("summary", "what's this about a helium plant in china?"),
    ("summary", "what do i need to know about the ftx trial"), ("summary", "tell me everything about the huawei ban"),
    ("summary", "what's the story behind the consulate closure?"),
    ("summary", "what was the tiktok deal about?"), ("why", "what led up to altman's firing?"),
    ("timeline", "list the events of the tiktok saga by date"),
    ("latest", "huawei in the uk - any news?"), ("latest", "spacex latest"), ("latest", "where's the fed at now"),
    ("latest", "lastest on the tiktok sale"), ("latest", "any news from the ftx trial"),
    ("latest", "uber v the survivors - latest?"),  # a case's name is not two sides to compare
    ("summary", "what's going on in gaza"), ("summary", "whats the story with the helium plant"),
    ("timeline", "how has the tiktok sale unfolded?"), ("timeline", "how's the season going, game by game?"),
    ("timeline", "how did the fed's tone shift from july to december?"),
    ("fact", "what is the current interest rate?"), ("fact", "what was the fine about the data breach?"),
    ("fact", "what did the fed recently announce?"),
    ("why", "what actually caused ftx to blow up"), ("why", "how come stocks have been rallying lately"),
    ("latest", "tyreek hill update"), ("latest", "the ftx trial - any updates"),
    ("fact", "when was the last ios update?"),
    # a matchup names what is asked about; a fact asked of it is a fact
    ("fact", "chiefs vs jets - how many yards did mahomes run for?"), ("compare", "chiefs vs jets"),
    ("fact", "ravens vs 49ers preview: how many points per game are the ravens allowing?"),
    ("fact", "what was the final score of england vs south africa?"),
    ("fact", "what did the judge rule in epic v google?"),
    # ... and a summary asked of it is a summary (read as a comparison, it came back as two blocks headed by
    # the question's halves: "**What happened with the epic**", "**Google case**")
    ("summary", "what happened with the epic v google case?"), ("summary", "bears vs vikings monday night recap"),
    # how something was received is told across articles: before these rules each was read as a fact
    ("summary", "what are people saying about the apple vision pro?"), ("summary", "what do critics think of gemini?"),
    ("summary", "how was the new steam deck received?"), ("summary", "what's the reaction to the fed decision?"),
    ("summary", "opinions on the google antitrust trial?"), ("summary", "what has openai been up to?"),
    ("why", "how is the war affecting markets?"), ("why", "what were the consequences of the ftx collapse?"),
    ("fact", "what was the verdict in the sbf trial?"), ("fact", "and how is moscow hitting back?"),
    # read as facts before: a response told in the past participle, "things", "what's X been up to", "X news"
    ("why", "how has china responded to the sanctions"), ("why", "how did china retaliate?"),
    ("why", "how have investors reacted?"), ("summary", "how are things between the uk and china"),
    ("summary", "what's china been up to"), ("latest", "tiktok news"), ("fact", "what is fake news?"),
    # a topic typed alone: what the articles say of it (as a fact, "huawei?" was answered from the model's own
    # knowledge); a word naming the fact wanted keeps it one
    ("summary", "huawei?"), ("summary", "pangong lake"), ("summary", "the helium plant"),
    ("summary", "the man united takeover"), ("fact", "tiktok ban date"), ("fact", "sbf verdict"),
    ("fact", "uber q3 income"), ("list", "who are the 5 most mentioned people?"),
])
def test_intent_reads_open_questions_as_people_type_them(expected, question):
    assert intent(question) == expected


def test_a_who_list_asks_for_people_unless_its_noun_names_another_kind():
    assert asked_labels("who are the starting pitchers that could be traded?") == {"PERSON"}
    assert asked_labels("who were the teams in the final?") == {"ORG"}
    assert asked_labels("what measures did the US take?") == frozenset()


def test_the_spec_holds_options_parts_and_a_window():
    summary = spec("Could you summarize what happened with TikTok in September 2020?")
    assert summary.options is None and summary.open  # no "Start the answer with Yes or No"
    assert summary.window is not None and (summary.window.since, summary.window.until) == (
        dt.date(2020, 9, 1), dt.date(2020, 9, 30))
    assert "TikTok" in summary.entities
    assert spec("Is Huawei a threat or not?").options == ("Yes", "No")  # not ("threat", "not")
    assert spec("Did the US ban TikTok while negotiating with Oracle?").parts == (
        "Did the US ban TikTok while negotiating with Oracle?",)  # no bare fragment
    two = spec("What did Raab say about China, and what did Pompeo say about Huawei?")
    assert len(two.parts) == 2
    assert spec("tiktok news from last month").window.since == dt.date(2020, 8, 1)  # against the newest article


def test_policies_and_ablation_names():
    small = policy_for(Settings(answer_policy="auto"))
    strong = policy_for(Settings(answer_policy="auto", llm_url="http://127.0.0.1:1/v1"))
    assert (small.name, strong.name) == ("small", "strong")
    assert strong.evidence_tokens > small.evidence_tokens and strong.answer_tokens > small.answer_tokens
    assert not strong.on("opener") and not strong.on("grounding") and strong.on("aliases") and small.on("aliases")
    assert POLICIES["off"] == frozenset()
    assert rules_named("verdict") == {"opener", "verdict", "contradiction", "denied", "unsaid", "halves",
                                       "future"}
    assert not policy_for(Settings(ablate="halves,refusal")).on("grounding")
    assert set(RULES) >= POLICIES["small"] | POLICIES["strong"]
    with pytest.raises(ValueError, match="unknown rule"):
        rules_named("no_such_rule")


def test_names_are_accepted_by_alias_only_where_the_policy_says():
    passage = Passage("c", "a", "Blacklist", "s.txt", None, "The US blacklisted 28 Chinese entities.", 1.0, 0, 10)
    claim = "The United States blacklisted 28 Chinese entities."
    embedder = HashEmbedder()
    assert not support(claim, passage, embedder).supported
    assert support(claim, passage, embedder, aliases=True).supported
    assert not support("The European Union blacklisted 28 Chinese entities.", passage, embedder,
                       aliases=True).supported


def test_copied_titles_and_quoted_lines_are_dropped():
    passage = Passage("c", "a", "TikTok warning: China threatens retaliation after Microsoft 'theft' of app",
                      "s.txt", None, "x", 1.0, 0, 1)
    answer = ("A fact [1].\nTikTok warning: China threatens retaliation after Microsoft 'theft'… [1]\n> quoted\n"
              "A fact [1].")
    assert drop_echoes(answer, [passage]) == "A fact [1]."
    # The passage's header as the prompt writes it, date and all (a comparison the model wrote listed four).
    header = "TikTok warning: China threatens retaliation after… (published 4 Oct 2023) [1]"
    assert drop_echoes(f"A fact [1].\n{header}", [passage]) == "A fact [1]."
    # An answer that is one headline and nothing else states the article's first claim: kept, cited.
    assert drop_echoes(f"[1] {passage.title}.", [passage]) == f"{passage.title} [1]"
    other = Passage("c", "b", "Oracle wins TikTok bid", "s.txt", None, "x", 1.0, 0, 1)
    assert drop_echoes(f"{passage.title}\n{other.title}", [passage, other]) == ""  # a copied list of headlines


def test_small_refuses_an_invented_figure_and_strong_trusts_the_model(scripted):
    question = "How many huts has China built along the disputed shoreline?"
    scripted("China has built 950 huts along the shoreline [1].", answer_policy="small")
    small = rag.answer(question)
    assert small.refused and small.text == REFUSAL
    assert small.trace.policy == "small" and small.trace.strategy == "fact"
    assert any(s.rule == "grounding" and s.outcome == "refused" for s in small.trace.steps)
    assert "grounding" in small.trace.why()

    scripted("China has built 950 huts along the shoreline [1].", answer_policy="strong")
    strong = rag.answer(question)
    assert not strong.refused and "950" in strong.text
    assert strong.citations and strong.citations[0].supported is False  # shown, and flagged
    assert not any(s.rule == "grounding" for s in strong.trace.steps)


def test_strong_drops_the_forced_opener_and_the_part_check(scripted):
    question = "Did China build huts along the shoreline, and did India send troops?"
    small_llm = scripted("Yes [1].", "Yes [1].", "Yes, China built 186 huts [1].", answer_policy="small")
    rag.answer(question)
    assert len(small_llm.prompts) == 3  # each part checked on its own, then the whole question
    assert "Start the answer with Yes or No" in str(small_llm.prompts[-1][-1].content)
    strong_llm = scripted("Yes, China built at least 186 huts [1].", answer_policy="strong")
    answer = rag.answer(question)
    assert len(strong_llm.prompts) == 1 and "Start the answer" not in str(strong_llm.prompts[0][-1].content)
    assert answer.trace.strategy == "yesno" and answer.trace.policy == "strong"


def test_a_list_of_things_is_the_passages_cited_lines_and_asks_no_model(scripted):
    llm = scripted()  # no reply scripted: a call to the model would fail the test
    answer = rag.answer("What moves against Chinese companies are mentioned in these articles?")  # no kind of name
    assert answer.trace.strategy == "list" and "item_lines" in answer.trace.fired and llm.prompts == []
    assert not answer.refused and len(answer.items) >= 3, answer.text
    assert all(item.markers for item in answer.items) and all(c.supported for c in answer.citations)


def test_open_questions_get_their_own_prompt_and_budget(scripted):
    # the model writes the list when the rule that lists the passages' lines is off (as under `strong`)
    llm = scripted("- WeChat: threatened with sanctions [1]\n- TikTok", "China uses 4,300 tonnes [1].",
                   ablate="item_lines")
    answer = rag.answer("What moves against Chinese companies are mentioned in these articles?")  # no kind of name
    assert answer.trace.strategy == "list" and answer.trace.spec["intent"] == "list"
    system = str(llm.prompts[0][0].content)
    assert "one per line" in system and "Start the answer with" not in str(llm.prompts[0][-1].content)
    assert not answer.refused
    # each line cites a passage that names its item; the unmarked one was given the first such passage
    assert answer.text.split("\n")[1].startswith("- TikTok [") and all(c.supported for c in answer.citations)
    fact = rag.answer("How much helium does China use every year?")
    assert fact.trace.strategy == "fact"
    small = policy_for(Settings())
    listing, single = plan(spec("Which companies wanted TikTok?"), small), plan(spec("Who bought it?"), small)
    trace = Trace()
    assert listing.budget(trace) > single.budget(trace) and listing.answer_tokens > single.answer_tokens


def test_the_trace_is_in_ask_json(scripted):
    scripted("China has built at least 186 huts along the shoreline [1].")
    answer = rag.answer("How many huts has China built along the shoreline?")
    shown = json.loads(json.dumps(_jsonable(answer)))  # what `newsrag ask --json` prints
    assert shown["trace"]["strategy"] == "fact" and shown["trace"]["spec"]["kind"] == "number"
    assert shown["trace"]["policy"] == "small" and "outlets" in shown["trace"]["spec"]


def test_an_ablation_reasks_only_where_the_rule_fired(tmp_path: Path):
    from evals.cases import Case, Suite

    suite = Suite("s", [Case(i, "single", "q?", ("x",), ()) for i in "abc"], [], tmp_path / "home")
    rows = [{"case_id": "a", "trace": {"fired": ["halves"]}}, {"case_id": "b", "trace": {"fired": ["floor"]}},
            {"case_id": "c", "trace": {"fired": []}, "error": "boom"}]
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "s-newsrag.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert set(_unfired(suite, tmp_path, rules_named("verdict"))) == {"b"}  # "c" failed: asked again


def test_an_unknown_rule_is_refused_before_anything_runs(capsys):
    assert main(["eval", "seed", "--ablate", "nonsense"]) == 2
    assert "unknown rule" in capsys.readouterr().err


@pytest.mark.parametrize("module", ["rag.answering.intent", "rag.answering.several", "rag.answering.window",
                                    "rag.answering.outlets", "rag.store.outlet", "rag.answering.question",
                                    "evals.refusal",
                                    "rag.answering.dates", "rag.answering.items", "rag.answering.sides",
                                    "rag.answering.recite", "rag.answering.subject",
                                    "rag.answering.prospect", "rag.answering.entities", "rag.answering.outcome",
                                    "rag.answering.markers", "rag.answering.spec", "rag.answering.lines",
                                    "rag.answering.support", "rag.answering.condense",
                                    "rag.answering.denial", "rag.answering.bearing", "rag.answering.initials",
                                    "rag.answering.measure", "rag.answering.dateline",
                                    "rag.answering.period", "rag.answering.speaker", "rag.text"])
def test_the_examples_in_the_docstrings_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted and result.failed == 0


def test_the_ablation_counts_gains_and_losses_only_where_the_family_fired():
    from evals.ablation import compare
    from evals.cases import Case

    cases = [Case("a", "single", "q?", ("Oracle",), ()), Case("b", "single", "q?", ("Oracle",), ()),
             Case("c", "single", "q?", ("Oracle",), ())]
    fired = {"trace": {"fired": ["halves"]}}
    base = {"a": {"answer": "Oracle [1].", **fired}, "b": {"answer": "Microsoft [1].", **fired},
            "c": {"answer": "Oracle [1].", "trace": {"fired": ["floor"]}}}
    ablated = {"a": {"answer": "The articles do not say."}, "b": {"answer": "Oracle [2]."},
               "c": {"answer": "Microsoft [1]."}}
    found = compare(cases, base, ablated, "verdict")
    assert found["fired"] == 2 and found["gained"] == ["a"] and found["lost"] == ["b"]  # "c": not this family


def test_the_intent_table_reads_the_dev_questions_it_was_written_on():
    from evals.intents import confusion

    table, accuracy, questions = confusion("dev")
    assert questions == 86 and accuracy >= 0.9 and "| timeline |" in table


def test_the_topic_of_a_latest_question_drops_how_it_asks():
    assert topic("what's happening now with the uber lawsuit?", "latest") == "the uber lawsuit?"
    assert topic("where are things now with the google antitrust case", "latest") == "the google antitrust case"
    assert topic("what happened most recently with sam altman?", "latest") == "sam altman?"
    assert topic("the tiktok sale, whats the latest", "latest") == "the tiktok sale"


def test_the_topic_keeps_who_a_how_is_x_doing_question_asks_about():
    # "how is india responding to china" was searched for "china" alone: the India article was not retrieved
    # and the summary told of the UK, the US and helium.
    assert topic("how is india responding to china", "summary") == "india to china"
    assert topic("how is beijing handling the ban?", "summary") == "beijing the ban?"


def test_the_speaker_rule_refuses_what_someone_said_but_not_a_name_asked_for_according_to_someone():
    # MultiHop dev's "Who is the individual … accused of fraud according to TechCrunch?" came back with the
    # right name and "… according to TechCrunch [2]" over another outlet's passage, and `speaker` refused it.
    passage = Passage("c1", "a1", "The FTX trial — The Verge", "verge.txt", dt.date(2023, 10, 4),
                      "The prosecution said he committed fraud for his own gain.", 1.0, 0, 58)
    cited = [Citation(1, passage, True)]
    policy = policy_for(Settings())

    def refused(question: str, answer: str) -> bool:
        return misattributed(parse(question, question, lambda _: [], None), answer, cited, [passage], policy, Trace())

    said = "According to TechCrunch, he committed fraud for his own gain [1]."
    assert refused("What did TechCrunch say about the FTX trial?", said)
    assert refused("How much did he gain, according to TechCrunch?", said)
    assert not refused("Who is accused of fraud for his own gain, according to TechCrunch?",
                       "Sam Bankman-Fried is. " + said)
    assert not refused("What did The Verge say about the FTX trial?", said.replace("TechCrunch", "The Verge"))
