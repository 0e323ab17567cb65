"""A question that names an outlet gets that outlet's article, even when other stories match its words better."""

import datetime as dt
import json
from pathlib import Path

import pytest

import rag
import rag.chain
from index.pipeline import index_paths
from rag.answering.outlets import asked, attributed, named, outlet_of, short_name, without, without_taglines
from rag.answering.policy import policy_for
from rag.answering.spec import parse
from rag.answering.strategies.extractive import ExtractiveStrategy
from rag.answering.verify import verify
from rag.config import Settings
from rag.fakes import HashEmbedder, ScriptedChat
from rag.retrieve import outlet_search
from rag.store.corpus import Corpus
from rag.trace import Trace
from rag.tuning import SELECTION
from rag.types import Passage
from tests.conftest import FakeParts


@pytest.mark.parametrize(("question", "expected"), [
    ("Does 'The Verge' article agree with TechCrunch?", ["The Verge", "TechCrunch"]),
    ("Did the Guardian and CNBC report the same figure?", ["The Guardian", "Cnbc"]),
    ("What did the article from Cnbc | World Business News Leader say?", ["Cnbc"]),
    ("Who scored at the age of 19?", []),  # "the age" is not The Age
    ("Is the verge of a deal near?", []),
    ("Did Fortune report a loss?", ["Fortune"]),
    ("What is the fortune of the founder?", []),
])
def test_an_outlet_counts_as_named_only_when_written_as_a_name(question: str, expected: list[str]):
    outlets = ["The Verge", "TechCrunch", "The Guardian", "Cnbc", "The Age", "Fortune"]
    assert named(question, outlets) == expected


@pytest.mark.parametrize(("question", "expected"), [
    ("what did the verge say about the ftx trial?", ["The Verge"]),
    ("what has techcrunch been reporting on openai", ["TechCrunch"]),
    ("according to cnbc, how much did nike make?", ["Cnbc"]),
    ("fortune's take on the layoffs", ["Fortune"]),
    ("how did the guardian cover it and what did fortune write?", ["The Guardian", "Fortune"]),
    ("is tiktok on the verge of a sale?", []),
    ("who retired at the age of 40?", []),
    ("did the founder make a fortune?", []),
])
def test_an_outlet_typed_in_lower_case_counts_where_the_question_asks_what_it_reported(question: str,
                                                                                       expected: list[str]):
    assert attributed(question, ["The Verge", "TechCrunch", "The Guardian", "Cnbc", "The Age", "Fortune"]) == expected


@pytest.mark.parametrize(("question", "expected"), [
    ("what did the verge say about the ftx trial?", ["The Verge"]),
    ("According to TechCrunch, who was removed from OpenAI's board?", ["TechCrunch"]),
    ("how has fortune covered the layoffs?", ["Fortune"]),
    # one clue of a question, not all of it: other outlets' articles may hold the others
    ("Which company, described by TechCrunch as a rival, was sued by Epic in a trial The Verge covered?", []),
    ("Who was compared to Warren Buffett, though not by TechCrunch?", []),
])
def test_an_outlet_is_asked_about_when_the_question_opens_by_asking_what_it_reported(question: str,
                                                                                     expected: list[str]):
    assert asked(question, ["The Verge", "TechCrunch", "Fortune"]) == expected


def test_asked_what_an_outlet_reported_the_answer_cites_only_that_outlets_article(fake: FakeParts, tmp_path: Path):
    # Two outlets tell the trial; the other outlet's sentence matches the question's words better.
    articles = [("Trial opens in New York", "Daily Planet", "The fraud trial of the exchange founder opened on "
                 "Tuesday in New York, and the fraud trial drew crowds."),
                ("Week one in court", "The Sentinel", "Jurors heard from the former girlfriend of the founder, "
                 "who ran the trading firm.")]
    index_paths([_write(tmp_path / "feed.jsonl", articles)], fake.parts())
    rag.configure(parts=fake.parts(), llm=ScriptedChat(replies=["The Sentinel said the trial opened [1]."]))
    got = rag.answer("what did the sentinel say about the fraud trial?")
    assert [p.title for p in got.passages] == ["Week one in court — The Sentinel"]
    assert [s.rule for s in got.trace.steps][:1] == ["outlet_only"]
    assert got.trace.spec["reported"] == ["The Sentinel"]  # read once, with the question


def test_an_outlet_is_known_by_its_name_without_its_section_or_tagline():
    assert outlet_of("Bills lose in Buffalo — FOX News - Lifestyle") == "FOX News"
    assert outlet_of("Bills lose — in Buffalo — The Independent - Sports") == "The Independent"
    assert outlet_of("A title without an outlet") is None
    assert short_name("Live Science: The Most Interesting Articles") == "Live Science"
    assert without("Did The Verge and the Verge's readers agree?", "The Verge") == "Did and 's readers agree?"


def _write(path: Path, articles: list[tuple[str, str, str]]) -> Path:
    path.write_text("".join(json.dumps({"title": t, "outlet": o, "text": x, "date": "2023-10-02"}) + "\n"
                            for t, o, x in articles), "utf-8")
    return path


# Four stories that hold the question's words, "sentinel" among them, and the one the question means, which
# holds fewer of them: only its title says it is The Sentinel's.
_ARTICLES = [
    (f"Harbour council on {topic}", "Daily Planet",
     f"The old lighthouse stands sentinel over the harbour. {detail} The harbour council also discussed the "
     f"marina plan on Tuesday, and residents asked the council when the marina plan would be decided.")
    for topic, detail in (
        ("parking", "Parking fees near the beach will double from May, the treasurer said."),
        ("ferries", "A new ferry timetable adds three crossings each weekday to the island."),
        ("fishing", "Trawler crews protested quota cuts outside the fish market before dawn."),
        ("beaches", "Volunteers collected forty bags of plastic from the north beach."),
    )
] + [("Councillors back waterfront scheme", "The Sentinel",
      "Councillors approved the marina plan by nine votes to two. The mayor called it a fresh start for the "
      "quays.")]


def test_the_named_outlets_article_reaches_the_prompt(fake: FakeParts, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    index_paths([_write(tmp_path / "feed.jsonl", _ARTICLES)], fake.parts())
    question = "What did The Sentinel report about the harbour council's marina plan?"

    def sources(ablate: str = "") -> set[str]:
        rag.configure(parts=fake.parts(candidates=3, ablate=ablate), llm=ScriptedChat(replies=["x [1]."]))
        return {p.title for p in rag.answer(question).passages}

    sentinel = "Councillors back waterfront scheme — The Sentinel"
    assert sources() == {sentinel}  # asked what The Sentinel reported: its article only (`outlet_only`)
    assert sentinel in sources("outlet_only")  # preferred among the others
    monkeypatch.setattr(rag.chain, "PER_OUTLET", 0)
    assert sentinel not in sources()  # the words alone do not retrieve it
    monkeypatch.setattr(rag.chain, "PER_OUTLET", 2)
    monkeypatch.setitem(SELECTION, "named_outlet", 0.0)
    assert sentinel in sources()
    assert sentinel not in sources("outlet_only")  # retrieved, but its sentences match the question worse


def test_an_outlet_search_keeps_to_that_outlet(fake: FakeParts, tmp_path: Path):
    # "%" and "_" in an outlet's name are plain characters, not patterns that match every outlet.
    articles = [*_ARTICLES, ("Quays reopen", "100%_News", "The quays reopened after the marina plan vote.")]
    index_paths([_write(tmp_path / "feed.jsonl", articles)], fake.parts())
    corpus = Corpus.open(fake.parts())
    assert corpus.catalogue.outlets() == {"Daily Planet": 4, "The Sentinel": 1, "100%_News": 1}
    for outlet in ("The Sentinel", "100%_News"):
        found = outlet_search("the marina plan vote", outlet, corpus, fake.parts(), 3)
        assert found and all(s.info.title.endswith(f"— {outlet}") for s in found)
    assert outlet_search("the marina plan vote", "Daily", corpus, fake.parts(), 3) == []


def test_a_yes_stands_on_the_named_outlets_article_though_the_question_adds_the_feeds_tagline(
        fake: FakeParts, tmp_path: Path):
    # The title carries the outlet's short name only; "Harbour Weekly" is in no article, so before the tagline was
    # set aside, the bare "Yes" was shown as a refusal.
    articles = [*_ARTICLES[:4], ("Councillors back waterfront scheme", "The Sentinel | Harbour Weekly",
                                 "Councillors approved the marina plan by nine votes to two.")]
    index_paths([_write(tmp_path / "feed.jsonl", articles)], fake.parts())
    rag.configure(parts=fake.parts(), llm=ScriptedChat(replies=["Yes, they did.", "Yes, they did."]))
    answer = rag.answer("Did The Sentinel | Harbour Weekly report that councillors approved the marina plan?")
    assert not answer.refused and answer.text == "Yes, they did."
    # An outlet the index does not hold is no outlet: its words count like any name, and the verdict is unheld.
    answer = rag.answer("Did The Clarion | Harbour Weekly report that councillors approved the marina plan?")
    assert answer.refused


def test_a_feeds_tagline_after_a_named_outlet_is_taken_out():
    question = "Did Cnbc | World Business News Leader agree with 'The Independent - Life and Style'?"
    assert without_taglines(question, ["Cnbc", "The Independent"]) == "Did Cnbc agree with 'The Independent'?"
    assert without_taglines("Did Cnbc | World Business News Leader agree?", ["Fortune"]) == (
        "Did Cnbc | World Business News Leader agree?")
    # Every mention, and every separator a feed's name is written with (as `short_name` reads them).
    question = "Did Cnbc | World Business News Leader, like Live Science: The Most Interesting Articles, agree " \
               "with Cnbc | World Business News Leader?"
    assert without_taglines(question, ["Cnbc", "Live Science"]) == "Did Cnbc, like Live Science, agree with Cnbc?"


def test_a_no_about_what_an_outlet_reported_stands_though_its_article_never_mentions_it():
    # About what an outlet reported, "No" is the answer when its article does not say it; about the world, the
    # articles not mentioning it is no "No" (the `unsaid` rule).
    sentinel = Passage("c1", "a1", "Councillors back waterfront scheme — The Sentinel", "feed.jsonl",
                       dt.date(2023, 10, 2), "Councillors approved the marina plan by nine votes to two.", 0.7, 0, 57)
    policy = policy_for(Settings())
    for question, kept in (("Did The Sentinel report a ferry strike?", True), ("Was there a ferry strike?", False)):
        spec = parse(question, question, lambda q: ["The Sentinel"] if "Sentinel" in q else [], None)
        checked = verify(spec, [sentinel], "No, there was no ferry strike [1].", policy, Trace(), HashEmbedder())
        assert checked.refused is not kept and checked.text.startswith("No") is kept


def test_a_comparison_of_two_outlets_typed_in_lower_case_gets_a_block_from_each(fake: FakeParts, tmp_path: Path):
    # "compare how the verge and techcrunch covered the sbf trial" went to the model, which wrote that TechCrunch
    # did not cover it: typed in lower case, no outlet counted as named, so neither was searched.
    index_paths([_write(tmp_path / "feed.jsonl", _ARTICLES)], fake.parts())
    rag.configure(parts=fake.parts(), llm=ScriptedChat(replies=["The model wrote this."]))
    answer = rag.answer("how did the sentinel and daily planet cover the marina plan?")
    assert answer.trace.spec["outlets"] == ["The Sentinel", "Daily Planet"]
    assert "**The Sentinel**" in answer.text and "**Daily Planet**" in answer.text, answer.text
    assert "Councillors approved the marina plan" in answer.text.split("**Daily Planet**")[0]


def test_each_compared_outlet_lends_lines_though_the_other_tells_the_story_closer():
    # Held to 0.7 of the best article's score, the outlet whose article tells the story less closely lent no
    # line, and the model wrote the comparison.
    question = "how did the sentinel and daily planet cover the marina plan?"
    spec = parse(question, question, lambda q: named(q, ["The Sentinel", "Daily Planet"]), None)
    strategy = ExtractiveStrategy(spec, policy_for(Settings()))
    strategy.reads(lambda texts: [0.9 if "harbour" in t else 0.4 for t in texts], lambda _: None, None, {})
    texts = [("Harbour council — Daily Planet", "The harbour council debated the marina plan for hours on end."),
             ("Waterfront vote — The Sentinel", "Councillors approved the marina plan by nine votes to two.")]
    passages = [Passage(f"c{n}", f"a{n}", title, "feed.jsonl", dt.date(2023, 10, 2), text, 0.7, 0, len(text))
                for n, (title, text) in enumerate(texts)]
    shown = "".join(strategy.generate(lambda: ScriptedChat(replies=["The model wrote this."]), passages, None,
                                      Trace()))
    assert "**The Sentinel**\n- Councillors approved the marina plan" in shown, shown
