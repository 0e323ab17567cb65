import pytest

from rag.answering.prompt import human_message
from rag.answering.question import answers_kind, choices, expected_type, negative, question_parts, verdict


@pytest.mark.parametrize(
    ("question", "kind"),
    [("How long did the standoff last?", "number"), ("When was the note sent?", "date"),
     ("Who interviewed him?", "name"), ("Why did China retaliate?", None),
     ("And when did he say it?", "date"), ("What did Raab say, and when did he say it?", "date"),
     # "when" that opens a clause of the question, not the question: it asks for a cause.
     ("What caused the casualties when fights broke out in the Galwan Valley?", None),
     # an amount asked without "how much"
     ("What did the helium plant cost to build?", "number"), ("What is the contract worth?", "number"),
     ("what was tiktok valued at", "number"), ("What was the final cost of the plant?", "number"),
     ("What did Microsoft pay for it?", "number"), ("What did Microsoft say?", None),
     ("What did Raab say about the cost?", None), ("Was the deal worth it?", None)],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: str | None):
    assert expected_type(question) == kind


def test_an_answer_must_hold_the_asked_kind_of_fact_beyond_the_question_words():
    question = "What is the name of the deputy speaker of Tibet's exile parliament?"
    assert not answers_kind("The name of the deputy speaker of Tibet's exile parliament is the speaker [1].", question)
    assert answers_kind("The deputy speaker is Dolma Tsering [1].", question)
    assert not answers_kind("The plant was cheap to build [1].", "How much did the helium plant cost?")
    assert answers_kind("It cost 60 million yuan [1].", "How much did the helium plant cost?")


def test_a_day_of_the_month_the_question_names_answers_its_when():
    # "october" is the question's, yet "October 17" is a date it did not give (this answer was once refused).
    question = "usmnt october friendlies: what date is the ghana game and which club is cardoso playing for"
    assert answers_kind("The Ghana game is on October 17, and Cardoso plays for Internacional [1].", question)
    assert answers_kind("The Ghana game is on 17 Oct [1].", question)
    assert not answers_kind("The Ghana game is in October [1].", question)
    assert not answers_kind("The October 17 game is in Texas [1].", "when is the october 17 game?")


@pytest.mark.parametrize(
    ("answer", "question", "answers"),
    [("China ordered staff to leave earlier this week [1].", "When did China order staff to leave?", True),
     ("Pompeo will visit Britain later this week [1].", "When is Pompeo visiting Britain?", True),
     ("The administration opened it three years ago [1].", "When did the inquiry open?", True),
     ("The talks began in the 1960s [1].", "When did the talks begin?", True),
     ("The briefing began at 10 a.m. [2].", "What time did the briefing begin?", True),
     # a date asked for by the calendar, or "exactly", is not answered by the article's own time
     ("The meeting will take place as early as this week [1].", "On what date was the meeting held?", False),
     ("Xi will go to Moscow in the coming months [1].", "When exactly is Xi going to Moscow?", False),
     ("Xi will go next week [1].", "When exactly is Xi going to Moscow?", False),
     ("He is 35 [1].", "When did he go?", False)],
)
def test_a_date_told_by_the_articles_own_time_answers_when(answer: str, question: str, answers: bool):
    assert answers_kind(answer, question) is answers


def test_a_question_that_asks_two_things_is_split_into_parts():
    assert question_parts("What did Raab say about China, and what did Pompeo say about Huawei?") == [
        "What did Raab say about China", "what did Pompeo say about Huawei?"]
    assert question_parts("Did Microsoft and Oracle bid for TikTok?") == ["Did Microsoft and Oracle bid for TikTok?"]
    assert question_parts("What net income did Uber post, and by how much did reported assaults drop?") == [
        "What net income did Uber post", "by how much did reported assaults drop?"]


@pytest.mark.parametrize(("question", "parts"), [
    # a second question typed after the first
    ("how much did google pay in 2021? also which apple exec said there was no alternative",
     ["how much did google pay in 2021", "which apple exec said there was no alternative"]),
    ("sbf trial - how many counts is he facing? who's the judge",
     ["sbf trial - how many counts is he facing", "who's the judge"]),
    ("How much did Ellison take from customers, plus how far in the negative was Alameda?",
     ["How much did Ellison take from customers", "how far in the negative was Alameda?"]),
    ("How much did the carriers make in 2022? Also, who is CMA CGM's CFO?",
     ["How much did the carriers make in 2022", "who is CMA CGM's CFO?"]),
    # one thing asked: a relative clause; a single question
    ("Which bank has hiked rates, and whose decisions are awaited by investors?",
     ["Which bank has hiked rates, and whose decisions are awaited by investors?"]),
    ("Who bought TikTok? ", ["Who bought TikTok? "]),
])
def test_a_second_question_typed_after_the_first_is_a_part_of_its_own(question: str, parts: list[str]):
    assert question_parts(question) == parts


@pytest.mark.parametrize(
    ("question", "options"),
    [("Did the Senate pass the bill?", ("Yes", "No")),
     ("After Polygon's review on October 18, did Engadget agree or disagree with it?", ("agree", "disagree")),
     ("Between the two reports, has the coverage remained consistent or inconsistent?",
      ("consistent", "inconsistent")),
     ("Did Microsoft or Oracle bid for TikTok?", ("Yes", "No")),
     ("Who bid for TikTok?", None), ("What did Raab say, and did Pompeo agree?", None),
     ("After Polygon wrote that 'Wonder Seeds break the rules,' did Engadget agree or disagree?",
      ("agree", "disagree")),
     # An opening clause, then a question for a name: not a yes/no question.
     ("Considering a BBC article and a Forbes report, which club, known as the Lions, is based in London?", None),
     ("Considering the reports from The Verge and TechCrunch, has Google changed its stance?", ("Yes", "No")),
     # two answers offered inside the question, not only at its end: once read as yes/no ("Yes, … after …")
     ("did trump sign the orders before or after the consulate closed?", ("before", "after")),
     ("Did stocks rise or fall after the Fed spoke?", ("rise", "fall")),
     ("did the uk vote for or against the motion?", ("for", "against"))],
)
def test_a_closed_question_names_the_words_its_answer_starts_with(question: str, options: tuple[str, str] | None):
    assert choices(question) == options
    message = human_message(question, [], options=choices(question))["question"]
    assert ("Start the answer with" in message) == (options is not None)
    if options:
        assert f"Start the answer with {options[0]} or {options[1]}," in message


def test_a_verdict_is_the_one_option_the_answer_starts_with_and_no_is_the_denial():
    assert verdict("No, the article says the opposite [1].", ("Yes", "No")) == "No"
    assert verdict("Not quite: it bought a stake [1].", ("Yes", "No")) is None
    assert verdict("The article does not say whether it did.", ("Yes", "No")) is None
    assert verdict("Engadget disagreed with Polygon [2].", ("agree", "disagree")) == "disagree"
    assert negative(("Yes", "No")) == "No" and negative(("consistent", "inconsistent")) == "inconsistent"
    assert negative(("Microsoft", "Oracle")) is None
