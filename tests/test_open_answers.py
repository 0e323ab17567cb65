"""Open answers built from the articles' own sentences: a timeline in date order, a summary ending "As of",
every line cited to the passage that holds it, and no model call to write them (fakes: hashing embedder,
scripted model)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

import rag
from rag.answering.dates import event_date
from rag.answering.entities import key, pick, tally
from rag.answering.evidence import select
from rag.answering.lines import Line, relevant, shown_after
from rag.answering.lines import lines as read_lines
from rag.answering.prompt import REFUSAL
from rag.fakes import ScriptedChat
from rag.retrieve import Scored
from rag.store.article import ArticleText
from rag.text import strip_markers
from rag.types import Passage
from tests.conftest import index_articles

TRAM = [  # four dated reports of one story, out of order, and one copy of an event told by two outlets
    ("2021-03-20", "Brantwick tram line opens to riders",
     "The Brantwick tram line opened to riders on March 19 after four years of building work. "
     "The Brantwick tram council said 12,000 riders took the tram line on its first day."),
    ("2020-06-02", "Brantwick tram line wins its funding vote",
     "The Brantwick tram council voted on Monday to fund the tram line with 300 million crowns. "
     "Building work on the Brantwick tram line started in 2017 after a long planning fight."),
    ("2020-11-15", "Brantwick tram line tunnel flooded",
     "Storm water flooded the Brantwick tram line tunnel on November 12, delaying the tram opening by months. "
     "Engineers pumped the Brantwick tram tunnel dry within a week."),
    ("2020-11-16", "Tunnel flood hits Brantwick tram plans",
     "Storm water flooded the Brantwick tram line tunnel on November 12, delaying the tram opening by months, "
     "the council said. The Brantwick tram line budget rose after the flood."),
]


@pytest.fixture
def tram(fake, tmp_path: Path) -> ScriptedChat:
    return index_articles(fake, tmp_path / "tram", [{"title": title, "text": text, "date": date,
                                                     "source": "Brantwick Courier"} for date, title, text in TRAM])


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def _date(label: str) -> dt.date:
    for form in ("%d %b %Y", "%b %Y", "%Y"):
        try:
            return dt.datetime.strptime(label, form).date()
        except ValueError:
            pass
    raise AssertionError(f"not a date: {label!r}")


def _each_line_quotes_its_passage(answer: rag.Answer) -> None:
    for line in filter(None, answer.text.splitlines()):
        markers = [int(m) for m in re.findall(r"\[(\d+)\]", line)]
        if line.startswith(("As of", "**")):  # the closing date, a comparison's side
            continue
        assert markers, line
        sentence = re.sub(r"^- (?:[^:]{1,40}: )?", "", line.split(" [")[0]).rstrip(".")
        for m in markers:
            assert sentence in " ".join(answer.passages[m - 1].text.split()), (line, answer.passages[m - 1].text)


def test_a_timeline_lists_dated_events_in_date_order_each_cited_without_asking_the_model(tram):
    answer = rag.answer("give me a timeline of the Brantwick tram line")
    lines = _lines(answer.text)
    assert len(lines) >= 3, answer.text
    dates = [_date(line[2:].split(":")[0].split(" (")[0]) for line in lines]
    assert dates == sorted(dates), answer.text
    assert any(line.startswith("- 2017: ") for line in lines)  # "started in 2017": the event's year, not the article's
    assert any(line.startswith("- 12 Nov 2020 (2 articles): ") for line in lines), answer.text
    _each_line_quotes_its_passage(answer)
    assert not answer.refused and tram.prompts == []  # selected and ordered by us: the model wrote nothing
    assert answer.trace.strategy == "timeline"


def test_a_summary_is_cited_sentences_in_time_order_ending_as_of_the_newest_article(tram):
    answer = rag.answer("What happened with the Brantwick tram line?")
    assert answer.text.rstrip().endswith("As of 20 Mar 2021, the newest article cited."), answer.text
    body = [line for line in answer.text.splitlines() if line and not line.startswith("As of")]
    assert 2 <= len(body) <= 6  # the issue: "3–6 cited sentences" (as many as the articles hold)
    events = ["300 million", "November 12", "12,000"]  # June 2020, November 2020, March 2021
    at = [next((i for i, line in enumerate(body) if e in line), None) for e in events]
    shown = [i for i in at if i is not None]
    assert len(shown) >= 2 and shown == sorted(shown), answer.text
    _each_line_quotes_its_passage(answer)
    assert tram.prompts == []


def test_a_why_naming_things_no_passage_names_together_is_refused(tram, fake):
    # "Why did Apple buy TikTok?" was told from lines on Microsoft's bid and on Apple's MacBook: no passage
    # names Apple and TikTok together, and there is no such deal to give reasons for.
    asked = "Why did Ostrava fund the Brantwick tram line?"
    answer = rag.answer(asked)
    assert answer.refused and answer.text == REFUSAL
    assert ("premise", "refused") in [(s.rule, s.outcome) for s in answer.trace.steps]
    rag.configure(parts=fake.parts(ablate="premise"), llm=tram)
    assert not rag.answer(asked).refused
    rag.configure(parts=fake.parts(), llm=tram)
    told = rag.answer("Why did the Brantwick tram line's budget rise after the Storm?")
    assert not told.refused and "flood" in told.text and "premise" not in told.trace.fired
    assert tram.prompts == []


def test_a_timeline_keeps_to_the_window_the_question_names(tram):
    answer = rag.answer("timeline of the Brantwick tram line in 2020")
    assert answer.text.strip() and "2017" not in answer.text and "2021" not in answer.text, answer.text


def test_a_summary_keeps_to_the_months_the_question_names(tram):
    answer = rag.answer("What happened with the Brantwick tram line in June and November 2020?")
    body = [line for line in answer.text.splitlines() if line and not line.startswith("As of")]
    assert body and not any(word in answer.text for word in ("2017", "12,000", "March 19")), answer.text
    assert answer.text.rstrip().endswith("As of 16 Nov 2020, the newest article cited."), answer.text
    assert any(step.rule == "window" for step in answer.trace.steps)


def test_a_window_few_articles_tell_of_keeps_out_reports_of_another_time(fake, tmp_path: Path):
    # One line dated in August 2020; a 2023 report on the same line must not fill the summary of that month,
    # while an undated report (which may tell of it) may.
    index_articles(fake, tmp_path / "later", [
        {"title": "Brantwick tram line vote", "date": "2020-09-12",
         "text": "On August 6 the Brantwick tram line council voted to fund the tram line extension."},
        {"title": "Brantwick tram line fares rise", "date": "2023-10-07",
         "text": "Brantwick tram line fares rose sharply for riders of the tram line this autumn. "
                 "Riders of the Brantwick tram line complained about crowded tram carriages."},
        {"title": "Brantwick tram line plans",
         "text": "The Brantwick tram line extension plans were drawn up by the tram line council engineers."}])
    answer = rag.answer("What happened with the Brantwick tram line in August 2020?")
    assert "On August 6 the Brantwick tram line council voted" in answer.text, answer.text
    assert "fares" not in answer.text and "crowded" not in answer.text, answer.text


def test_a_capable_model_writes_open_answers_itself(tram, fake):
    llm = ScriptedChat(replies=["- 2017: Building work on the Brantwick tram line started [1]."])
    rag.configure(parts=fake.parts(answer_policy="strong"), llm=llm)
    answer = rag.answer("give me a timeline of the Brantwick tram line")
    assert len(llm.prompts) == 1 and answer.text.startswith("- 2017: Building work"), answer.text


@pytest.mark.parametrize(("sentence", "published", "label"), [
    ("Israel warned residents on Oct. 12, 2023, to leave.", "2023-10-14", "12 Oct 2023"),
    ("The deal was signed in January.", "2020-08-30", "Jan 2020"),
    ("A December vote is planned, he said in December.", "2021-01-10", "Dec 2020"),  # the December just past
    ("The app may be banned, she said yesterday.", "2020-08-09", "8 Aug 2020"),
    ("Two years ago the plant closed.", "2020-08-09", "2018"),
    # The news is the day; a year written beside it is background, unless the day is not nearer than the year.
    ("Monday's hearing revealed what Google spent in 2021.", "2023-10-31", "30 Oct 2023"),
    ("Last week the firm reported its 2022 revenue.", "2023-03-15", "8 Mar 2023"),
    ("The plant, shut in 2019, reopened in March.", "2020-08-09", "2019"),
    ("Last year the plant, shut in 2017, reopened.", "2020-08-09", "2017"),
])
def test_event_dates_are_read_against_the_articles_date(sentence, published, label):
    found = event_date(sentence, dt.date.fromisoformat(published))
    assert found is not None and found.label == label


def test_a_sentence_naming_no_time_has_no_event_date():
    assert event_date("The council may march on the town hall to protest.", dt.date(2020, 1, 1)) is None


def test_a_timeline_answer_carries_its_lines_as_dated_items_for_programs(tram):
    answer = rag.answer("give me a timeline of the Brantwick tram line")
    assert [i.date for i in answer.items] == sorted(i.date for i in answer.items if i.date)
    assert "2020-11-12" in [i.date for i in answer.items]
    for item in answer.items:
        assert item.markers and item.text in strip_markers(answer.text)
        assert all(item.text.rstrip(".") in " ".join(answer.passages[m - 1].text.split()) for m in item.markers)


BIDS = [  # who bid for a harbour ferry line: three companies, a ministry and a person named beside them
    ("2022-05-02", "Three bids for the Brantwick ferry line",
     "Nordholm Shipping Co. and Calder Marine Ltd. bid for the Brantwick ferry line, the Transport Ministry said. "
     "Mayor Ilse Varga said the Brantwick ferry line bids would be opened in June."),
    ("2022-05-09", "Late bid for the Brantwick ferry line",
     "Osterby Ferries Ltd. made a late bid for the Brantwick ferry line on Friday, its chief executive said."),
]


def test_a_list_of_companies_names_each_company_with_the_line_that_names_it(fake, tmp_path: Path):
    llm = index_articles(fake, tmp_path / "bids", [{"title": title, "text": text, "date": date}
                                                   for date, title, text in BIDS])
    answer = rag.answer("Which companies bid for the Brantwick ferry line?")
    assert answer.trace.strategy == "list" and llm.prompts == [] and not answer.refused, answer.text
    named = {key(item.label or "") for item in answer.items}
    assert {"nordholm shipping", "calder marine", "osterby ferries"} <= named, answer.text
    assert not {"transport ministry", "ilse varga", "brantwick"} & named  # not companies, or in the question
    assert all(item.markers for item in answer.items)
    _each_line_quotes_its_passage(answer)


def test_a_name_the_recogniser_misses_beside_one_it_finds_is_listed():
    # spaCy's small pipeline finds Microsoft here but not Facebook; names joined by "and" are of one kind
    line = ("Its parent company ByteDance has been in negotiations with top companies like Facebook and Microsoft "
            "as potential buyers.")
    named = [name for name, _ in pick("Which companies wanted to buy TikTok?", [line], 8)]
    assert {"Facebook", "Microsoft", "ByteDance"} <= set(named), named


def test_a_listed_name_is_shown_without_its_possessive():
    line = "The defeat coupled with CF Montreal’s big 4-1 victory over Portland means Inter Miami are out."
    assert "CF Montreal" in [name for name, _ in pick("Which clubs did Inter Miami face?", [line], 8)]


def test_across_the_articles_a_listed_person_is_one_a_full_name_or_a_title_vouches_for():
    # the small pipeline tags "Twitter" and "Tik Tok" as people; Zhao Lijian is shown without his title
    lines = ["Mr Xiaoming was speaking at a live news conference broadcast on Twitter when he made his remarks.",
             "Chinese Foreign Ministry Spokesperson Zhao Lijian announced the restrictions on Friday.",
             "Relations have tanked, starting with Tik Tok citing security concerns, and TikTok denies it."]
    named = [name for name, _, _ in tally("Who is mentioned the most?", lines, [0, 1, 2], 8)]
    assert named == ["Xiaoming", "Zhao Lijian"], named
    companies = tally("Which companies appear in these articles?", lines, [0, 1, 2], 8)
    assert [(name, count) for name, _, count in companies] == [("Tik Tok", 1)], companies  # one name, told twice
    assert "Zhao Lijian" in [name for name, _ in pick("Who is mentioned the most?", lines, 8)]  # no title


FARES = [  # two sides of one dispute, told by two outlets
    ("2021-04-02", "Brantwick Courier", "Tram fares to rise in Brantwick",
     "Mayor Ilse Varga called the tram fare rise a fair price for a faster tram network. "
     "Varga said the tram fare rise would pay for twelve new trams by 2023. "
     "The riders union said the tram fare rise was a tax on the poorest riders of the tram."),
    ("2021-04-03", "Harbour Times", "Union vows to fight Brantwick tram fare rise",
     "The riders union promised strikes against the tram fare rise and said the union would take the council to "
     "court. Union leader Tomas Berg said riders were paying for the mayor's tram mistakes. "
     "Mayor Varga said the tram fare rise was the only way to keep the trams running."),
]


@pytest.fixture
def fares(fake, tmp_path: Path) -> ScriptedChat:
    return index_articles(fake, tmp_path / "fares", [{"title": title, "text": text, "date": date, "outlet": outlet}
                                                     for date, outlet, title, text in FARES])


def _blocks(text: str) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("**"):
            blocks[line.strip("* ")] = []
        elif line.startswith("- "):
            blocks[list(blocks)[-1]].append(line)
    return blocks


def test_a_comparison_of_two_sides_gives_each_side_its_own_lines_without_asking_the_model(fares):
    answer = rag.answer("how did mayor varga and the riders union describe the tram fare rise differently?")
    blocks = _blocks(answer.text)
    assert list(blocks) == ["Mayor Varga", "The riders union"], answer.text  # the side as its lines write it
    assert blocks["Mayor Varga"] and all("Varga" in line for line in blocks["Mayor Varga"])
    assert blocks["The riders union"] and all("union" in line for line in blocks["The riders union"])
    _each_line_quotes_its_passage(answer)
    assert fares.prompts == [] and answer.trace.strategy == "compare" and not answer.refused
    shown = len(blocks["Mayor Varga"]) + len(blocks["The riders union"])  # the trace counts lines, not blocks
    assert f"{shown} lines from the passages" in [step.outcome for step in answer.trace.steps]


def test_a_comparison_of_the_outlets_gives_a_block_per_outlet_from_its_own_articles(fares):
    answer = rag.answer("What did the different outlets say about the Brantwick tram fare rise?")
    blocks = _blocks(answer.text)
    assert set(blocks) == {"Brantwick Courier", "Harbour Times"}, answer.text
    for outlet, lines in blocks.items():
        for line in lines:
            marker = int(re.findall(r"\[(\d+)\]", line)[0])
            assert answer.passages[marker - 1].title.endswith(outlet), (outlet, line)
    assert fares.prompts == []


def test_a_line_naming_both_sides_belongs_to_the_side_it_names_first():
    from rag.answering.lines import Line
    from rag.answering.sides import side_of, sides

    found = sides("epic v google: how is each side making its case?")

    def line(text: str) -> Line:
        return Line(text, [1], ["a"], 1.0, None, None, (1, 0))

    assert side_of(line("Epic will also suggest that Google hid items from discovery."), found, [None]) == 0
    assert side_of(line("Google will counter that Epic broke its rules."), found, [None]) == 1
    assert side_of(line("The trial opened on Monday in San Francisco."), found, [None]) is None
    assert side_of(line("The trial opened on Monday."), found, ["Google"]) == 1  # its outlet is a side


def test_a_side_of_several_words_is_told_by_the_lines_naming_it_whole():
    from rag.answering.lines import Line
    from rag.answering.sides import names_whole, sides

    media, trump = sides("how did chinese state media and trump describe the deal differently?")

    def line(text: str) -> Line:
        return Line(text, [1], ["a"], 1.0, None, None, (1, 0))

    assert names_whole(line("Chinese state media branded Microsoft's proposals a theft."), media)
    assert not names_whole(line("Pompeo said Chinese social media apps feed data to Beijing."), media)
    assert not names_whole(line("Trump welcomed Microsoft's bid."), trump)  # one word: named as before


def test_a_deadline_counted_from_an_event_the_passage_dated_is_placed_on_its_day():
    # The TikTok orders' "45 days" was placed at its article's date (12 Sep), before the 15 Sep deadline it
    # falls after; counted from the orders of 6 Aug the passage told just before, it is 20 Sep.
    from rag.answering.lines import lines
    from rag.types import Passage

    text = ("On August 6, Trump passed two executive orders against TikTok and WeChat. The orders bar any deal "
            "with TikTok unless it is sold to a US company within 45 days of the order.")
    passage = Passage("c", "a", "Orders", "a.txt", dt.date(2020, 9, 12), text, 1.0, 0, len(text))
    found = lines([passage], lambda texts: [1.0] * len(texts), lambda _: None)
    labels = [line.event.label if line.event else None for line in sorted(found, key=lambda line: line.position)]
    assert labels == ["6 Aug 2020", "20 Sep 2020"]


def test_the_latest_reads_the_newest_article_even_when_older_ones_match_the_question_better():
    from rag.answering.lines import Line
    from rag.answering.policy import policy_for
    from rag.answering.spec import parse
    from rag.answering.strategies.extractive import ExtractiveStrategy
    from rag.config import Settings

    question = "what's the latest on the tram?"
    strategy = ExtractiveStrategy(parse(question, question, lambda _: [], dt.date(2021, 3, 20)),
                                  policy_for(Settings()))
    old = [Line(f"The tram council met on the budget, item {i}.", [1], ["old"], 0.6, None, dt.date(2020, 6, 2),
                (1, i)) for i in range(5)]
    new = Line("The tram line opened to riders.", [2], ["new"], 0.45, None, dt.date(2021, 3, 20), (2, 0))
    shown = strategy._latest([*old, new])
    assert shown[0] == "The newest of these articles is from 20 Mar 2021.\n\n"
    assert shown[1] == "- 20 Mar 2021: The tram line opened to riders. [2]\n"
    undated = Line("A tram driver said the line runs on time.", [3], ["undated"], 0.7, None, None, (3, 0))
    shown = strategy._latest([new, undated])
    assert shown[-1] == "- date not given: A tram driver said the line runs on time. [3]\n", shown


def test_the_latest_takes_no_line_from_a_newer_article_that_only_touches_the_topic():
    # The newest article leads the latest; one that only shares a word of the topic ("ferry") must not. The latest
    # keeps to the articles whose best line scores at least half the best line's.
    from rag.answering.policy import policy_for
    from rag.answering.spec import parse
    from rag.answering.strategies.extractive import ExtractiveStrategy
    from rag.config import Settings
    from rag.trace import Trace

    question = "what's happening now with the ferry strike?"
    strike = "Ferry crews walked out over frozen pay and the strike entered its second week on the harbour."
    talks = "Talks between the ferry crews and the port broke down on Friday without a new pay offer."
    profit = "The ferry operator reported a quarterly profit and said fuel costs fell sharply this year."
    passages = [Passage("c1", "strike", "Ferry strike", "s", dt.date(2021, 3, 1), f"{strike} {talks}", 1.0, 0, 1),
                Passage("c2", "profit", "Ferry profit", "s", dt.date(2021, 3, 9), profit, 0.5, 0, 1)]
    strategy = ExtractiveStrategy(parse(question, question, lambda _: [], dt.date(2021, 3, 9)), policy_for(Settings()))
    strategy.reads(lambda texts: [0.3 if "profit" in t else 0.8 for t in texts], lambda _: None, dt.date(2021, 3, 9),
                   {})
    shown = "".join(strategy.generate(lambda: ScriptedChat(replies=[]), passages, None, Trace()))
    assert "walked out" in shown and "broke down" in shown, shown
    assert "quarterly profit" not in shown, shown


def _article(sentences: list[str]) -> tuple[ArticleText, Scored]:
    """An article and a retrieved chunk of it holding only its first sentence."""
    text = " ".join(sentences)
    first = len(sentences[0])
    chunk = Passage("c0", "a1", "Harbour ferry strike", "Courier", None, text[:first], 1.0, 0, first)
    return ArticleText(text), Scored(chunk, 1.0, 1.0, 0.0, 0.0, [(0, first)], [1.0], [1.0])


def test_an_open_answer_reads_its_best_article_beyond_the_retrieved_chunk():
    article, chunk = _article(["The harbour ferry crews went on strike on Monday.",
                               "The weather was mild for the season and the parks were full.",
                               "Ferry crews demand a pay rise of eight percent after two years of frozen wages."])

    def sims(texts: list[str]) -> list[float]:  # the pay sentence is about the strike; the weather is not
        return [0.6 if "Ferry" in t else 0.1 for t in texts]

    def read(whole: int) -> str:
        chosen = select([chunk], lambda _: article, sims, [{"ferry": 1.0}], None, 500, 8, (), whole, 0.3)
        return " ".join(p.text for p, _ in chosen)

    assert "eight percent" in read(whole=1) and "weather" not in read(whole=1)
    assert "eight percent" not in read(whole=0)  # a fact's evidence stays with the chunk and its neighbours


def test_a_headline_inside_the_text_is_not_a_line_of_an_open_answer():
    # a sample article repeats its headline as a line of its text; a why showed it as its first line
    text = ("China Accuses The US Of Abusing National Security Concept\n"
            "China has accused the United States of abusing the concept of national security to oppress companies.")
    passage = Passage("c0", "a1", "China accuses US", "Courier", None, text, 1.0, 0, len(text))
    shown = [line.text for line in read_lines([passage], lambda texts: [0.5] * len(texts), lambda _: None)]
    assert shown == ["China has accused the United States of abusing the concept of national security to oppress "
                     "companies."], shown


def _line(text: str, article: str, relevance: float) -> Line:
    return Line(text, [1], [article], relevance, None, None, (1, 0))


def test_a_summary_takes_no_line_from_an_article_that_only_touches_the_topic():
    ranked = [_line("Ferry crews struck over frozen pay.", "strike", 0.9),
              _line("Ferry crews say talks with the port broke down.", "strike", 0.4),
              _line("A ferry timetable change was noted in the travel pages.", "travel", 0.5)]
    kept = relevant(ranked, "what happened with the ferry strike?", share=0.3, floor=0.25, gate=0.7)
    assert [line.text for line in kept] == [ranked[0].text, ranked[1].text]
    assert len(relevant(ranked, "what happened with the ferry strike?", share=0.3, floor=0.25, gate=0.0)) == 3


def test_an_article_on_the_topic_lends_lines_that_do_not_repeat_its_name():
    # A report names Pangong Lake once, then tells of "the disputed shoreline"; those lines were left out for not
    # repeating a word of the question. An article that never names the topic still lends none.
    ranked = [_line("Pangong Lake has been divided into fingers by Indian and Chinese forces.", "lake", 0.9),
              _line("China has also built at least 186 huts along the disputed shoreline.", "lake", 0.6),
              _line("Troops drew a map of China on the shore of the disputed region.", "map", 0.65)]
    kept = relevant(ranked, "what happened at pangong lake?", share=0.3, floor=0.25, gate=0.7)
    assert [line.text for line in kept] == [ranked[0].text, ranked[1].text]


def test_a_topic_typed_as_one_word_meets_the_lines_that_write_it_as_two():
    # "what happened at the websummit?" was refused: its lines write "Web Summit".
    ranked = [_line("Founders in Israel criticised comments by the head of Web Summit, Paddy Cosgrave.", "ws", 0.6),
              _line("Cosgrave resigned days later.", "ws", 0.4)]
    kept = relevant(ranked, "what happened at the websummit?", share=0.3, floor=0.25, gate=0.7)
    assert [line.text for line in kept] == [line.text for line in ranked]


def test_a_summary_is_not_shut_out_of_the_story_by_one_line_holding_every_word_of_the_question():
    # One article's line named Sam Altman and OpenAI and scored far above the rest; measured against it, the
    # articles on his firing lent no line. A summary's gate is measured against the second best article.
    ranked = [_line("There was no attempt to remove Sam Altman from OpenAI, said Anthropic.", "age", 1.17),
              _line("OpenAI's board fired Sam Altman as chief executive on Friday.", "fired", 0.85),
              _line("Altman returned to OpenAI after staff threatened to quit.", "back", 0.7),
              _line("Altman spoke about OpenAI at a developer event.", "event", 0.45)]
    question = "what happened with sam altman at openai?"
    closest = relevant(ranked, question, share=0.3, floor=0.25, gate=0.7)
    story = relevant(ranked, question, share=0.3, floor=0.25, gate=0.7, reference=2)
    assert [line.text for line in closest] == [ranked[0].text, ranked[1].text]
    assert [line.text for line in story] == [line.text for line in ranked[:3]]


def test_a_line_of_the_time_asked_about_is_not_on_topic_for_sharing_only_the_time():
    question = "how did the us-china trade fight unfold from 2017 to september 2020?"
    ranked = [_line("US tariffs on China grew into a trade war in 2018.", "trade", 0.9),
              _line("Around 2019 or 2020, an accountant found the fund was short by $200 million.", "fund", 0.8),
              _line("The match in September drew a record crowd.", "football", 0.7)]
    kept = relevant(ranked, question, share=0.3, floor=0.25, gate=0.0)
    assert [line.text for line in kept] == [ranked[0].text]


def _ferry_timeline(fake, tmp_path: Path, title: str, text: str) -> rag.Answer:
    """The timeline of one undated article on a harbour ferry strike."""
    index_articles(fake, tmp_path / "ferry", [{"title": title, "source": "Harbour Post", "text": text}])
    return rag.answer("timeline of the harbour ferry strike")


def test_a_month_an_undated_article_gives_without_its_year_is_not_shown_in_a_guessed_year(fake, tmp_path: Path):
    # The article writes only a past year; the strike "back in May" is not in it (once shown as "May 2015").
    answer = _ferry_timeline(fake, tmp_path, "Harbour ferry strike drags on",
                             "The harbour ferry strike began back in May after the ferry pay talks failed. The last "
                             "harbour ferry strike, in 2015, lasted a week. Ferry crews said in 2015 that a strike "
                             "would never happen again.")
    lines = _lines(answer.text)
    assert any(line.startswith("- May (year not given): The harbour ferry strike began") for line in lines), answer.text
    assert "May 2015" not in answer.text and any(line.startswith("- 2015: ") for line in lines), answer.text


def test_an_article_that_writes_no_year_still_dates_and_orders_its_days(fake, tmp_path: Path):
    # An undated article that writes no year: its "March 2" was "date not given" and fell to the end of the
    # timeline; it is a day without its year, in order among the story's days.
    answer = _ferry_timeline(fake, tmp_path, "Harbour ferry strike timeline",
                             "The harbour ferry council agreed a harbour ferry pay deal on March 2 after the strike. "
                             "The harbour ferry crews began their strike on Feb. 4 over frozen pay. Harbour ferry "
                             "talks failed on Feb. 23 when the harbour ferry council walked out.")
    assert [line.split(":")[0] for line in _lines(answer.text)] == [
        "- 4 Feb (year not given)", "- 23 Feb (year not given)", "- 2 Mar (year not given)"], answer.text


def test_a_year_borrowed_from_a_dated_article_is_shown_as_a_guess(fake, tmp_path: Path):
    # An undated article's "March 2" takes the year of the dated article most like it; that was shown as a
    # fact, "2 Mar 2020", for an order of 2023 (the bundled articles). It is often right, so it is shown, as a guess.
    index_articles(fake, tmp_path / "ferry", [
        {"title": "Harbour ferry strike begins", "source": "Harbour Post", "date": "2020-08-09",
         "text": "The harbour ferry strike began on August 6 when the harbour ferry crews walked out over pay."},
        {"title": "Harbour ferry pay deal", "source": "Harbour Post",
         "text": "The harbour ferry council agreed a harbour ferry pay deal on March 2 to end the strike."}])
    answer = rag.answer("timeline of the harbour ferry strike")
    assert [line.split(":")[0] for line in _lines(answer.text)] == ["- 2 Mar 2020 (year guessed)", "- 6 Aug 2020"], \
        answer.text
    assert [item.date for item in answer.items] == ["2020-03-02", "2020-08-06"]


def test_a_span_up_to_the_articles_day_is_placed_at_its_start(fake, tmp_path: Path):
    # "a whirlwind four days" on 21 November began on 17 November; it was shown at the article's date, after
    # the 18 November event it came before.
    index_articles(fake, tmp_path / "ferry", [
        {"title": "Harbour ferry strike", "source": "Harbour Post", "date": "2020-11-21",
         "text": "It has been a whirlwind four days for the harbour ferry crews since the harbour ferry strike began. "
                 "The harbour ferry council offered a harbour ferry pay deal on November 18."}])
    answer = rag.answer("timeline of the harbour ferry strike")
    assert [line.split(":")[0] for line in _lines(answer.text)] == ["- 17 Nov 2020", "- 18 Nov 2020"], answer.text


def test_a_line_that_opens_a_quote_the_next_sentence_closes_is_shown_closed(fake, tmp_path: Path):
    # "“But the ferry council will not bend either." read as cut off mid-quote (the bundled articles' Houston
    # consulate line); the line now closes it with an ellipsis.
    index_articles(fake, tmp_path / "ferry", [{
        "title": "Harbour ferry strike", "source": "Harbour Post", "date": "2020-08-09",
        "text": "The harbour ferry strike began on August 6 when harbour ferry crews walked out over pay. "
                "“But the harbour ferry council will not bend on ferry pay either. It cannot pay more,” a harbour "
                "ferry union leader said on August 7."}])
    answer = rag.answer("timeline of the harbour ferry strike")
    quoted = [line for line in _lines(answer.text) if "“" in line]
    assert quoted and all(line.count("“") == line.count("”") for line in quoted), answer.text


def test_a_timeline_fills_up_with_undated_lines_at_their_articles_date(tram):
    # Short news reports often date no event in the sentence; a timeline of only the sentence-dated lines was
    # three lines long where the story had more (news dev timelines: nugget recall 0.442 -> 0.572).
    answer = rag.answer("give me a timeline of the Brantwick tram line")
    lines = _lines(answer.text)
    fallback = [line for line in lines if "(the article's date)" in line.split(": ")[0]]
    assert fallback and len(lines) > 4, answer.text
    assert any("12,000 riders" in line for line in fallback), answer.text
    dates = [_date(line[2:].split(":")[0].split(" (")[0]) for line in lines]
    assert dates == sorted(dates), answer.text


ENVOY = [  # a line that points back ("He also urged …") under a line of another article naming someone else
    ("2021-05-03", "Ferry strike shuts Brantwick harbour",
     "Brantwick ferry crews began a strike over pay on Monday, shutting the harbour. "
     "Union leader Maja Holm said the Brantwick ferry strike would last a week."),
    ("2021-05-05", "Norland envoy visits Brantwick",
     "Norland's ambassador Liu Wei toured the old town and the cathedral on Tuesday. "
     "He also urged Brantwick to end the ferry strike before the summer season."),
]


def test_a_line_that_points_back_names_who_it_means(fake, tmp_path: Path):
    # "He also urged Brantwick to end the ferry strike" was shown alone, under a line naming the union leader: a
    # reader took "He" for her. Its passage now holds the sentence naming him, and the line shows it.
    index_articles(fake, tmp_path / "envoy", [{"title": title, "text": text, "date": date, "source": "Courier"}
                                              for date, title, text in ENVOY])
    answer = rag.answer("What happened with the Brantwick ferry strike?")
    urged = next(line for line in answer.text.splitlines() if "urged Brantwick" in line)
    assert urged.startswith("Norland's ambassador Liu Wei toured"), answer.text
    assert not any(line.startswith("He ") for line in answer.text.splitlines()), answer.text
    _each_line_quotes_its_passage(answer)
    assert "antecedent" in [step.rule for step in answer.trace.steps]
    rag.configure(parts=fake.parts(ablate="antecedent"), llm=ScriptedChat(replies=[]))
    alone = rag.answer("What happened with the Brantwick ferry strike?").text
    assert "\nHe also urged Brantwick" in alone or alone.startswith("He also urged"), alone  # the rule's whole effect


def test_a_chosen_sentence_that_points_back_brings_the_one_it_points_at_into_its_passage():
    # The retrieved chunk holds only "He also urged …" (the chunk before it held the envoy's name). Its passage
    # starts a sentence earlier, so the citation shows who "he" is; the fact strategies' evidence is left as is.
    text = ("Norland's ambassador Liu Wei toured the old town on Tuesday. "
            "He also urged Brantwick to end the ferry strike before the summer season.")
    at = text.index("He also")
    article = ArticleText(text)
    chunk = Scored(Passage("c1", "a1", "Envoy visits", "Courier", None, text[at:], 1.0, at, len(text)),
                   1.0, 1.0, 0.0, 0.0, [(0, len(text) - at)], [1.0], [1.0])
    asked: list[int] = []

    def sims(texts: list[str]) -> list[float]:
        return [0.9 if "ferry" in t else 0.0 for t in texts]

    def read(antecedents: bool) -> str:
        def widen(count: int) -> bool:
            asked.append(count)
            return antecedents
        chosen = select([chunk], lambda _: article, sims, [{"ferry": 1.0}], None, 500, 8, antecedents=widen)
        return " | ".join(p.text for p, _ in chosen)

    assert read(antecedents=True) == text and asked == [1]
    assert read(antecedents=False) == text[at:]
    assert select([chunk], lambda _: article, sims, [{"ferry": 1.0}], None, 500, 8)[0][0].text == text[at:]


def test_a_lead_is_shown_once_and_a_line_of_no_date_of_its_own_follows_it():
    named = "Norland's ambassador Liu Wei spoke on Tuesday."
    urged = Line("He also urged Brantwick to end the strike.", [2], ["a"], 0.9, None, None, (2, 1), named)
    own = Line(named, [2], ["a"], 0.5, None, None, (2, 0))
    other = Line("Ferry crews struck over pay on Monday.", [1], ["b"], 0.8, None, None, (1, 0))
    assert [text for _, text in shown_after([other, urged])] == [
        "Ferry crews struck over pay on Monday. [1]", f"{named} He also urged Brantwick to end the strike. [2]"]
    # Chosen both, the line of no date of its own is shown after the one it points at, in that one's place.
    moved = [f"{named} He also urged Brantwick to end the strike. [2]", "Ferry crews struck over pay on Monday. [1]"]
    assert [text for _, text in shown_after([own, other, urged])] == moved
    assert [line for line, _ in shown_after([urged, other, own])] == [other, own]
    # A line of a date of its own keeps its place (a timeline's order), and its lead is not repeated under it.
    urged.event = event_date("He also urged Brantwick on May 9 to end the strike.", dt.date(2021, 5, 10), None)
    assert [text for _, text in shown_after([own, urged])] == [f"{named} [2]",
                                                              "He also urged Brantwick to end the strike. [2]"]
    # Chosen both, with the one of its own date above: the line it points at is not shown a second time.
    assert [text for _, text in shown_after([urged, other, own])] == [
        f"{named} He also urged Brantwick to end the strike. [2]", "Ferry crews struck over pay on Monday. [1]"]
    # Nor in the next block of a comparison, which shares what the blocks have shown.
    told: list[str] = []
    assert [text for _, text in shown_after([urged], told=told)] == [f"{named} {urged.text} [2]"]
    assert [text for _, text in shown_after([other, own], told=told)] == ["Ferry crews struck over pay on Monday. [1]"]
    assert [text for _, text in shown_after([own, urged], told=[named])] == [f"{urged.text} [2]"]
    undated = dataclasses.replace(urged, event=None)  # would follow `own`, which is not shown again: it is on its own
    assert [text for _, text in shown_after([own, undated], told=[named])] == [f"{urged.text} [2]"]
    assert len(shown_after([own, other, dataclasses.replace(urged, event=None)], alone=True)) == 3  # a list's names
    # "X. During the talks, he … He also …": chosen in any order, the three read as the article tells them.
    during = Line("During the talks, he criticised the ban.", [2], ["a"], 0.5, None, None, (2, 1), named)
    also = dataclasses.replace(urged, event=None, position=(2, 2), lead=f"{named} {during.text}")
    whole = f"{named} {during.text} {also.text} [2]"
    assert {text for order in ([own, during, also], [also, own, during], [during, also, own])
            for _, text in shown_after(order)} == {whole}
    passage = Passage("c", "a", "t", "s", None, f"{named} {urged.text}", 1.0, 0, 1)  # the lead is read
    assert read_lines([passage], lambda t: [0.5] * len(t), lambda _: None, leads=True)[1].lead == named
