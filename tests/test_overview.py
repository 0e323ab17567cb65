"""A question about the articles as a whole ("What are these articles about?", "What's the latest?"): it names
no topic, so no passage comes near its words and it was refused. It is answered with the newest articles'
opening lines, each cited (fakes: hashing embedder, scripted model that must not be asked)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import rag
from rag.answering.intent import intent
from rag.answering.nlp import available
from rag.answering.spec import about_collection, naming, parse
from rag.fakes import ScriptedChat
from rag.types import Filters
from tests.conftest import index_articles

ARTICLES = [  # date, title, text: the first one opens with a photo caption before its story
    ("2021-03-20", "Brantwick tram line opens to riders",
     "Riders at the new tram stop, pictured on March 19. Photo: Courier staff. "
     "The Brantwick tram line opened to riders on March 19 after four years of building work."),
    ("2020-06-02", "Brantwick council funds the tram line",
     "The Brantwick council voted on Monday to fund the tram line with 300 million crowns."),
    ("2020-11-15", "Storm floods the harbour tunnel",
     "Storm water flooded the Brantwick harbour tunnel on November 12, closing it for a week."),
    ("2019-01-10", "Ferry crews strike over pay",
     "Brantwick ferry crews began a strike over pay on Monday, shutting the harbour."),
]


def _indexed(fake, folder: Path, articles: list[tuple[str, str, str]]) -> ScriptedChat:
    """The articles indexed, and the model they are asked with (it must not be asked)."""
    return index_articles(fake, folder, [{"title": title, "text": text, "date": date, "source": "Courier"}
                                         for date, title, text in articles])


@pytest.fixture
def collection(fake, tmp_path: Path) -> ScriptedChat:
    return _indexed(fake, tmp_path / "articles", ARTICLES)


def _dates(answer: rag.Answer) -> list[str]:
    return [item.date or "" for item in answer.items]


def test_a_question_about_the_articles_as_a_whole_gets_their_opening_lines_newest_first(collection):
    answer = rag.answer("What are these articles about?")
    assert answer.trace.strategy == "overview" and not answer.refused, answer.text
    assert answer.text.startswith("The 4 articles, newest first:"), answer.text
    assert _dates(answer) == ["2021-03-20", "2020-11-15", "2020-06-02", "2019-01-10"]
    for item in answer.items:  # each line is a sentence of the passage it cites
        assert item.text.rstrip(".") in answer.passages[item.markers[0] - 1].text, item
    assert "opened to riders on March 19" in answer.items[0].text  # the story, not the photo caption before it
    assert collection.prompts == []  # nothing was written by the model


def test_without_the_rule_the_question_is_searched_for_its_words(fake, collection):
    rag.configure(parts=fake.parts(ablate="overview"), llm=ScriptedChat(replies=[]))
    answer = rag.answer("What are these articles about?")
    assert answer.trace.strategy != "overview" and "overview" in answer.trace.fired


def test_the_latest_a_time_and_a_timeline_of_the_whole_collection(collection):
    latest = rag.answer("What's the latest?")
    assert latest.trace.strategy == "overview" and _dates(latest)[0] == "2021-03-20"
    november = rag.answer("What happened in November 2020?")
    assert _dates(november) == ["2020-11-15"] and november.text.startswith("The newest article from"), november.text
    timeline = rag.answer("Give me a timeline")
    assert _dates(timeline) == sorted(_dates(timeline)) and timeline.text.startswith("The 4 articles, oldest first")
    assert rag.answer("What's the latest on the tram line?").trace.strategy == "latest"  # a topic: searched for
    none = rag.answer("What happened in March 1999?")  # no article of that time: refused, and says why
    assert none.refused and "no passage was found" in none.trace.why(), none.text


def test_the_overview_keeps_to_the_filters_the_user_set(collection):
    answer = rag.answer("Summarize the articles", filters=Filters(until=dt.date(2020, 12, 31)))
    assert _dates(answer) == ["2020-11-15", "2020-06-02", "2019-01-10"], answer.text
    assert answer.text.startswith("The 3 newest articles, newest first"), answer.text


def test_questions_naming_a_topic_are_not_about_the_whole_collection():
    assert all(map(about_collection, ["Summarize the articles", "whats new", "Give me a timeline",
                                      "What topics do these stories cover?", "what happened in 2020?",
                                      "what are the main events in these articles in order?"]))
    assert not any(map(about_collection, ["What happened with TikTok?", "tram timeline please",
                                          "Which companies are mentioned in these articles?", "who is zhao lijian"]))
    # a counted set is one some article tells of ("the 28 entities"): once listed from the whole collection
    entities = parse("who are the 28 entities?", "who are the 28 entities?", lambda _: [], None)
    assert entities.intent == "list" and not entities.collection


NAMED = [  # who a collection names most: Ada Brook in three articles, Tom Fenwick in two
    ("2021-04-01", "Tram line opens", "Mayor Ada Brook opened the new tram line on Monday morning. Microsoft paid "
     "for the ticket machines at every stop, the council said."),
    ("2021-03-01", "Tram tests go well", "Mayor Ada Brook said the tram line would open to riders in April. Engineer "
     "Tom Fenwick said the last safety tests had gone well."),
    ("2021-02-01", "First tram run", "Engineer Tom Fenwick led the first test run of the tram in February. Mayor Ada "
     "Brook watched the first run from the platform."),
    ("2021-01-01", "Harbour office", "Google opened an office near the harbour in January, hiring forty people from "
     "the town, the council said."),
]


@pytest.fixture
def named(fake, tmp_path: Path) -> ScriptedChat:
    return _indexed(fake, tmp_path / "named", NAMED)


@pytest.mark.skipif(not available(), reason="spaCy's small English pipeline is not installed")
def test_who_is_mentioned_the_most_lists_the_people_the_most_articles_name(named):
    answer = rag.answer("Who is mentioned the most?")
    assert answer.trace.strategy == "overview" and not answer.refused, answer.text
    assert answer.text.startswith("The people named in the most of the 4 articles:"), answer.text
    assert [item.label for item in answer.items] == ["Ada Brook", "Tom Fenwick"], answer.text
    assert "(three articles)" in answer.text and "(two articles)" in answer.text
    for item in answer.items:  # each line is a sentence of the passage it cites, naming the person
        assert item.label and item.label in item.text, item
        assert item.text.rstrip(".") in answer.passages[item.markers[0] - 1].text, item
    assert "Microsoft" not in answer.text and named.prompts == []  # not a person; nothing written by the model


@pytest.mark.skipif(not available(), reason="spaCy's small English pipeline is not installed")
def test_which_companies_appear_in_the_articles_lists_companies_not_people(named):
    answer = rag.answer("Which companies appear in these articles?")
    assert answer.trace.strategy == "overview" and answer.text.startswith("The companies named"), answer.text
    assert {item.label for item in answer.items} == {"Microsoft", "Google"}, answer.text


@pytest.mark.skipif(not available(), reason="spaCy's small English pipeline is not installed")
@pytest.mark.parametrize("question", ["which people are quoted in these articles?", "who gets quoted the most?",
                                      "who is interviewed in these articles?",
                                      "who are the key players in these stories?"])
def test_the_people_of_the_articles_asked_in_other_words_are_listed_not_refused(named, question):
    # "quoted", "interviewed", "key players": once read as a topic to search for, and the floor refused it.
    answer = rag.answer(question)
    assert answer.trace.strategy == "overview" and not answer.refused, answer.text
    assert [item.label for item in answer.items] == ["Ada Brook", "Tom Fenwick"], answer.text


def test_who_was_quoted_saying_something_still_asks_for_one_person():
    assert intent("who was quoted saying the tram line would open in April?") == "fact"
    assert not about_collection("who was quoted saying the tram line would open?", naming("who was quoted saying"))


@pytest.mark.skipif(not available(), reason="spaCy's small English pipeline is not installed")
def test_a_kind_no_article_names_is_refused_saying_so(named):
    answer = rag.answer("Which countries are mentioned?")
    assert answer.refused and named.prompts == []
    # The "why" line says what was looked for, not that no passage was found.
    assert answer.trace.steps[-1].reason == "none of the 4 newest articles names countries", answer.trace


def test_a_list_of_names_about_a_topic_is_searched_for_it(named):
    answer = rag.answer("Which people worked on the tram tests?")
    assert answer.trace.strategy != "overview" and not answer.trace.spec["collection"], answer.text
