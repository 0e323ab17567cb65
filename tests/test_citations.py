import datetime as dt
import re

import pytest

from rag.answering.citations import cites_asked_fact, resolve
from rag.answering.items import date_label
from rag.answering.markers import normalise_markers
from rag.answering.support import covered, support
from rag.fakes import HashEmbedder
from rag.text import is_refusal
from rag.types import Citation, Passage


def _passage(text: str, title: str = "Helium plant opens", published: dt.date | None = None) -> Passage:
    return Passage("a:0", "a", title, "a.txt", published, text, 0.9, 0, len(text))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Microsoft bid [1, 2].", "Microsoft bid [1][2]."),
        ("Microsoft bid [Passage 2].", "Microsoft bid [2]."),
        ("Microsoft bid 【1】 and more [1-3].", "Microsoft bid [1] and more [1][2][3]."),
        ("Microsoft bid [7]. Facebook too [2].", "Microsoft bid. Facebook too [2]."),
        ("Microsoft bid [^1].", "Microsoft bid [1]."),
        ("[2] Microsoft bid. [1] Facebook too.", "Microsoft bid [2]. Facebook too [1]."),
        ("Microsoft bid. [1]", "Microsoft bid [1]."),
        ("[1] The U.S. Commerce Department acted on March 2.", "The U.S. Commerce Department acted on March 2 [1]."),
        ("Microsoft bid. This is stated in passage [2].", "Microsoft bid. This is stated in passage [2]."),
        ('He said "stop." [3]', 'He said "stop [3]."'),
    ],
)
def test_markers_are_normalised_and_dangling_ones_dropped(raw: str, expected: str):
    assert normalise_markers(raw, 3) == expected


@pytest.mark.parametrize(
    "text",
    ["The articles do not say.", "I cannot answer that from the passages.", "There is no information about it.",
     "This is not mentioned in the passages."],
)
def test_refusals_are_recognised(text: str):
    assert is_refusal(text)


def test_plain_answers_are_not_refusals():
    assert not is_refusal("China uses more than 4,300 tonnes of helium every year [1].")


def test_support_needs_meaning_and_matching_numbers():
    embedder = HashEmbedder()
    passage = _passage("But China uses more than 4,300 tonnes of helium every year.")
    assert support("China uses over 4,300 tonnes of helium a year [1].", passage, embedder).supported
    assert not support("China uses 9,000 tonnes of helium every year [1].", passage, embedder).supported
    # "1" occurs in the passage (January 1), but "1 billion" does not: an invented figure.
    dated = _passage("On January 1 the plant cost less than expected; China uses 4,300 tonnes of helium.")
    assert not support("The plant cost $1 billion [1].", dated, embedder).grounded
    assert support("China uses 4,300 tonnes of helium [1].", dated, embedder).grounded
    # A score is one figure: "52" of a 52-yard kick does not ground a 52-52 score.
    game = _passage("The Buckeyes settled for a 52-yard field goal late in the first half.")
    assert not support("The score of the Michigan Ohio State game was 52-52 [1].", game, embedder).grounded
    final = _passage("Michigan beat Ohio State 30-24 on Saturday.")
    assert support("Michigan won the game 30–24 [1].", final, embedder).grounded

    assert not support("Raab spoke to Sky News about Hong Kong [1].", passage, embedder).supported


def test_dates_in_the_passage_header_support_a_dated_claim():
    passage = _passage("Beijing sent a note on Friday, September 11.", "China restricts US diplomats",
                       dt.date(2020, 9, 12))
    assert support("Beijing sent a note on 12 September 2020 [1].", passage, HashEmbedder()).grounded


@pytest.mark.parametrize("when", ["2023-11-03", "November 3rd", "3 November 2023", "Nov 3"])
def test_a_question_dated_as_people_write_it_is_held_by_the_passage_of_that_day(when: str):
    question = f"Did The Age report on {when} that Cranston retired?"
    text = "Richelle Cranston retired from the AFLW."
    assert covered(question, [_passage(text, "Cranston retires — The Age", dt.date(2023, 11, 3))])
    assert not covered(question, [_passage(text, "Cranston retires — The Age", dt.date(2023, 11, 4))])
    assert not covered(question, [_passage(text, "Cranston retires — The Guardian", dt.date(2023, 11, 3))])


def test_a_persons_given_names_and_title_are_held_by_the_surname_but_an_outlets_words_are_not():
    text = "McHenry has brushed off attempts to take the job more permanently, Lee said."
    given = [_passage(text, "Republicans dump Jordan — Fortune")]
    assert covered("Did Fortune say Rep. Patrick McHenry turned the job down, as Jung Hoo Lee said?", given)
    assert not covered("Did Fortune say Patrick Henry turned the job down?", given)  # no Henry in the passage
    # "News" is in the passage, but "Sporting News" is an outlet, not a person called News.
    news = [_passage("McHenry told reporters the news on Friday.", "Republicans dump Jordan — Fortune")]
    assert not covered("Did Sporting News say McHenry turned the job down?", news, ["Sporting News"])
    assert covered("Did Fortune | Business Daily say McHenry turned the job down?", given, ["Fortune"])


def test_resolve_orders_citations_and_marks_unsupported_ones():
    passages = [
        _passage("But China uses more than 4,300 tonnes of helium every year."),
        _passage("Sophy Ridge on Sky News asked Mr Raab about the extradition treaty.", "Raab on China"),
    ]
    text, citations = resolve("Sophy Ridge asked Raab [2]. China uses 4,300 tonnes of helium [2].",
                              passages, HashEmbedder())
    # The second marker pointed at the wrong passage: it is moved to the one that supports the sentence.
    assert text == "Sophy Ridge asked Raab [2]. China uses 4,300 tonnes of helium [1]."
    assert [(c.marker, c.supported) for c in citations] == [(2, True), (1, True)]
    text, citations = resolve("Sophy Ridge asked Raab [2]. Argentina won the World Cup [1].", passages, HashEmbedder())
    assert [(c.marker, c.supported) for c in citations] == [(2, True), (1, False)]
    _, citations = resolve("Sophy Ridge asked Mr Raab [2]. China uses 4,300 tonnes of helium [1].",
                              passages, HashEmbedder())
    assert [(c.marker, c.supported) for c in citations] == [(2, True), (1, True)]


def test_missing_markers_are_repaired_from_the_best_supporting_passage():
    passages = [
        _passage("Sophy Ridge on Sky News asked Mr Raab about the extradition treaty.", "Raab on China"),
        _passage("But China uses more than 4,300 tonnes of helium every year."),
    ]
    text, citations = resolve("China uses more than 4,300 tonnes of helium every year.", passages, HashEmbedder())
    assert text == "China uses more than 4,300 tonnes of helium every year [2]."
    assert [(c.marker, c.supported) for c in citations] == [(2, True)]
    text, _ = resolve("Yes\nChina uses more than 4,300 tonnes of helium every year.", passages, HashEmbedder())
    assert text == "Yes\nChina uses more than 4,300 tonnes of helium every year [2]."  # its line break kept


def test_a_slightly_misspelt_long_name_is_still_grounded_but_an_invented_one_is_not():
    passage = _passage("The entities dealt with an Iranian company, Paradazan System Namad Arman.", "Entity List")
    assert support("They dealt with Parasazan System [1].", passage, HashEmbedder()).grounded
    assert not support("They dealt with Huawei Systems [1].", passage, HashEmbedder()).grounded


MESSY = [
    "and [3] [2]. Pompeo and Raab said that China was a threat.",
    "[1] Pompeo said it. [2] Raab said so too.",
    "Pompeo [3] and Raab [2] said that China was a threat.",
    "Microsoft bid [Passage 1, 2] and Oracle [1-2] did too. [3]",
    "Yes [1]. Both articles report it [1][2].",
    "Zhao Lijian【1】said so; Mao Ning [^2] agreed [9].",
    "The articles do not say. They say only that he spoke [2].",
    "He said \"stop.\" [3] Then he left [1].",
]


@pytest.mark.parametrize("raw", MESSY)
def test_marker_repair_never_deletes_or_reorders_words(raw: str):
    def plain(text: str) -> list[str]:
        return re.findall(r"[A-Za-z][\w']*", re.sub(r"[\[【][^\]】]*[\]】]", " ", text))

    passages = [_passage("Pompeo said China was a threat."), _passage("Raab said so too.", "Raab"),
                _passage("Microsoft and Oracle bid.", "Bids")]
    normalised = normalise_markers(raw, 3)
    assert plain(normalised) == plain(raw)
    text, _ = resolve(normalised, passages, HashEmbedder(), "What did Pompeo and Raab say?")
    assert plain(text) == plain(raw)


def test_a_bare_yes_is_checked_as_the_questions_statement():
    passage = _passage("Microsoft made an offer to acquire TikTok's US operations.", "TikTok sale")
    _, citations = resolve("Yes [1].", [passage], HashEmbedder(), "Did Microsoft make an offer to acquire TikTok?")
    assert citations[0].supported
    _, citations = resolve("Yes [1].", [passage], HashEmbedder(), "Did Oracle win the Olympic bid in Paris?")
    assert not citations[0].supported


def test_a_headline_supports_the_fact_it_states_and_its_figure_in_any_spelling():
    # A short excerpt whose headline alone gives the figure ("$4.3B" and "$4.3 billion" are one amount).
    passage = _passage("Binance launched in June 2017 and soon became the largest crypto exchange.",
                       "Binance to pay $4.3B in fines and CEO to step down — TechCrunch")
    assert support("Binance has to pay $4.3 billion in fines [1].", passage, HashEmbedder()).supported
    assert not support("Binance has to pay $5.3 billion in fines [1].", passage, HashEmbedder()).supported
    assert not support("Binance has to pay $4.3 billion in fines [1].", _passage(passage.text, "Crypto"),
                       HashEmbedder()).supported


def test_a_name_assembled_from_known_words_is_not_grounded():
    passage = _passage("Zhao Lijian spoke on Friday. Dominic Raab replied.", "China and the UK")
    assert support("Zhao Lijian spoke on Friday [1].", passage, HashEmbedder()).grounded
    assert not support("Zhao Raab spoke on Friday [1].", passage, HashEmbedder()).grounded


def test_a_name_and_a_common_word_of_the_passage_are_not_an_invented_name():
    passage = _passage("China sanctioned the Republican senators Ted Cruz and Marco Rubio. The outrage crosses party "
                       "lines.", "Sanctions")
    assert support("Ted Cruz belongs to the Republican Party [1].", passage, HashEmbedder()).grounded
    assert not support("Marco Cruz belongs to the Republican Party [1].", passage, HashEmbedder()).grounded


def test_a_comparison_is_supported_by_its_passages_together():
    passages = [_passage("Pompeo called the consulate a hub of spying in Houston.", "Pompeo on Houston"),
                _passage("Raab said the UK would suspend its extradition treaty with Hong Kong.", "Raab on Hong Kong")]
    claim = ("Pompeo called the Houston consulate a hub of spying, while Raab said the UK would suspend the "
             "treaty [1][2].")
    _, citations = resolve(claim, passages, HashEmbedder())
    assert [(c.marker, c.supported) for c in citations] == [(1, True), (2, True)]


def test_a_trailing_where_it_was_found_sentence_cites_the_claim_before_it():
    # A small model's habit: the claim unmarked, then "This was published in [2]." pointing at a wrong passage.
    passages = [_passage("Microsoft made an offer to acquire TikTok's operations in the US and Canada.", "TikTok"),
                _passage("ByteDance denies this.", "Entity List")]
    raw = "Microsoft made an offer to acquire TikTok's operations. This was published in [2]."
    text, citations = resolve(normalise_markers(raw, 2), passages, HashEmbedder(), "Who made an offer?")
    assert text.startswith("Microsoft made an offer to acquire TikTok's operations.")
    assert [(c.marker, c.supported) for c in citations] == [(1, True)]


def test_a_marker_closing_a_paragraph_moves_back_to_the_sentence_its_passage_supports():
    # The model's answer first, then the question restated, with one marker at the very end.
    passages = [_passage("Bankman-Fried was told by Paradigm to add a board.", "Paradigm"),
                _passage("The criminal trial of Sam Bankman-Fried, former CEO of FTX, started on Tuesday.", "SBF")]
    raw = ("The person on trial is Sam Bankman-Fried, former CEO of FTX. He is accused of crimes reported by "
           "TechCrunch, The Verge and CNBC. [2]")
    text, citations = resolve(normalise_markers(raw, 2), passages, HashEmbedder(), "Who is on trial?")
    assert text == ("The person on trial is Sam Bankman-Fried, former CEO of FTX [2]. He is accused of crimes "
                    "reported by TechCrunch, The Verge and CNBC.")
    assert [(c.marker, c.supported) for c in citations] == [(2, True)]
    # Nothing before it that the passage supports: the marker stays, unsupported.
    text, citations = resolve("Argentina won the World Cup. He is accused of crimes [2].", passages,
                              HashEmbedder(), "Who is on trial?")
    assert text == "Argentina won the World Cup. He is accused of crimes [2]."
    assert [(c.marker, c.supported) for c in citations] == [(2, False)]


def test_a_claim_that_restates_the_question_is_judged_by_what_it_adds():
    question = "Who is the generous and caring industry figure removed from OpenAI's leadership?"
    passage = _passage("Sam is one of the most generous and caring people I know.", "Sam Altman ousted as CEO")
    right = "Sam Altman is the generous and caring industry figure removed from OpenAI's leadership [1]."
    wrong = "Ilya Sutskever is the generous and caring industry figure removed from OpenAI's leadership [1]."
    # The question is context: its names may be repeated. On its own words the claim is mostly the question's.
    assert not support(right, passage, HashEmbedder(), question).supported
    assert support(right, passage, HashEmbedder(), question, question=question).supported
    assert not support(wrong, passage, HashEmbedder(), question, question=question).supported
    # Through resolve only when the passages hold the question's names: here "OpenAI" is in none of them.
    _, citations = resolve(right, [passage], HashEmbedder(), question)
    assert [(c.marker, c.supported) for c in citations] == [(1, False)]
    named = _passage("Sam is one of the most generous and caring people at OpenAI.", "Sam Altman ousted as CEO")
    _, citations = resolve(right, [named], HashEmbedder(), question)
    assert [(c.marker, c.supported) for c in citations] == [(1, True)]


def test_the_asked_for_fact_must_be_in_the_passage_that_vouches_for_it():
    speaker = _passage("The exile parliament's deputy speaker, Dolma Tsering, spoke on Monday.", "Tibet's exiles")
    other = _passage("Rahul Gandhi of the Congress party criticised the government.", "India's opposition")
    cited = [Citation(1, speaker, True), Citation(2, other, True)]
    question = "What is the name of the deputy speaker of the exile parliament?"
    assert cites_asked_fact("The deputy speaker is Dolma Tsering [1].", cited, question)
    # Named, but the passage the sentence cites does not name him: another passage does.
    assert not cites_asked_fact("The deputy speaker is said to be Rahul Gandhi [1].", cited, question)
    # An unverified citation vouches for nothing.
    assert not cites_asked_fact("The deputy speaker is Dolma Tsering [1].", [Citation(1, speaker, False)], question)


def test_the_question_s_own_name_with_a_first_name_added_is_not_the_asked_for_name():
    ouster = _passage("Wall Street is also absorbing the ouster of Kevin McCarthy as the speaker of the House.",
                      "ASX set to open higher")
    cited = [Citation(1, ouster, True)]
    question = "who became speaker after mccarthy was ousted?"
    # The passage names no successor: "Kevin" (of the question's McCarthy) is all it vouches for.
    assert not cites_asked_fact("Jim Jordan became speaker after Kevin McCarthy was ousted [1].", cited, question)
    vote = _passage("Mike Johnson became speaker three weeks after Kevin McCarthy's ouster.", "House vote")
    assert cites_asked_fact("Mike Johnson became speaker after Kevin McCarthy’s ouster [1].",
                            [Citation(1, vote, True)], question)
    # A word the passage lacks ("Dominic") does not join the name before it to the question's ("Raab").
    sky = _passage("Sophy Ridge on Sky News asked Mr Raab whether he agreed.", "Raab vows UK retaliation")
    assert cites_asked_fact("Sophy Ridge interviewed Dominic Raab on Sky News [1].", [Citation(1, sky, True)],
                            "Who interviewed Dominic Raab on Sky News?")


def test_a_figure_in_an_uncited_sentence_is_not_vouched_for_but_one_the_marker_closes_is():
    wechat = _passage("The WeChat app from Tencent Holdings Ltd. has over 1 billion users.", "TikTok and WeChat")
    cited = [Citation(1, wechat, True)]
    question = "How many users does WeChat have?"
    assert not cites_asked_fact("WeChat is made by Tencent Holdings [1].\nIt has over 1 billion users.", cited,
                                question)
    assert cites_asked_fact("It has over 1 billion users. The app is made by Tencent [1].", cited, question)
    assert cites_asked_fact("Why does it matter?", [], "Why does WeChat matter?")  # no kind of fact asked for


def test_a_timeline_lines_date_label_is_not_checked_as_a_claim_of_its_passage():
    # "6 Aug 2020" is read from "On August 6" and the article's date: the passage's text never writes 2020, and
    # the CLI and the chat marked the line "not supported". A name label stays part of the list line's claim.
    orders = _passage("On August 6, Trump passed two executive orders against TikTok and WeChat.",
                      "Orders", dt.date(2020, 9, 12))
    text, citations = resolve("- 6 Aug 2020: On August 6, Trump passed two executive orders against TikTok and "
                              "WeChat [1].\n- Sep 2021 (2 articles): Argentina won the World Cup [1].",
                              [orders], HashEmbedder(), repair=False)
    assert text.startswith("- 6 Aug 2020: On August 6")
    assert [(c.marker, c.supported) for c in citations] == [(1, False)]  # one marker, its second use fails
    _, citations = resolve("- 6 Aug 2020: On August 6, Trump passed two executive orders against TikTok and "
                           "WeChat [1].", [orders], HashEmbedder(), repair=False)
    assert [(c.marker, c.supported) for c in citations] == [(1, True)]
    _, citations = resolve("- 2019: On August 6, Trump passed two executive orders against TikTok and WeChat "
                           "[1].", [_passage(orders.text)], HashEmbedder(), repair=False)
    assert [(c.marker, c.supported) for c in citations] == [(1, True)]
    _, citations = resolve("- 4 Feb (year not given) (2 articles): On August 6, Trump passed two executive orders "
                           "against TikTok and WeChat [1].", [_passage(orders.text)], HashEmbedder(), repair=False)
    assert [(c.marker, c.supported) for c in citations] == [(1, True)]  # a yearless label with its count too
    assert date_label("- Huawei: blacklisted [2]") == ("", "- Huawei: blacklisted [2]")


def test_a_sentence_naming_the_questions_subject_needs_a_passage_that_names_it():
    # The small model put the question's name on the nearest passage: every name is in the question or the
    # passages, so only the subject rule turns it down.
    binance = _passage("When Changpeng Zhao, the CEO of Binance, announced that he intended to acquire FTX, Ellison "
                       "confessed.", "How is it still getting worse for Sam Bankman-Fried?")
    question = "who is bumble's new ceo?"
    answer = "Bumble's new CEO is Changpeng Zhao [1]."
    off: list[int] = []
    _, citations = resolve(answer, [binance], HashEmbedder(), question, subject=True, off_subject=off)
    assert [(c.marker, c.supported) for c in citations] == [(1, False)] and off == [1]
    _, citations = resolve(answer, [binance], HashEmbedder(), question)
    assert [(c.marker, c.supported) for c in citations] == [(1, True)]
    # the subject in another spelling still counts: "Chinese" for China, "United States" for US
    huts = _passage("Chinese troops have built at least 186 huts along the shoreline, the United States said.")
    for claim, asked in [("China built at least 186 huts along the shoreline [1].", "how many huts did china build?"),
                         ("The US said 186 huts were built along the shoreline [1].", "what did the us say?")]:
        _, citations = resolve(claim, [huts], HashEmbedder(), asked, subject=True)
        assert [(c.marker, c.supported) for c in citations] == [(1, True)], claim
