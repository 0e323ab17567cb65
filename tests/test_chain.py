"""The answering chain with fast fakes: event order, prompt shape, markers, refusal, follow-ups."""

import re
from collections.abc import Generator
from pathlib import Path
from typing import cast

import pytest

import rag
from index.pipeline import index_paths
from rag.answering.prompt import REFUSAL
from rag.fakes import ScriptedChat
from rag.retriever import NewsRetriever
from rag.types import Answer, Event
from tests.conftest import FakeParts


def test_sources_come_first_then_tokens_then_the_answer(scripted):
    scripted("China uses more than 4,300 tonnes of helium every year [1].")
    events = list(rag.stream("How much helium does China use every year?"))
    assert isinstance(events[0], rag.Sources)
    assert all(isinstance(e, rag.Token) for e in events[1:-1]) and len(events) > 3
    answer = events[-1]
    assert isinstance(answer, rag.Answer) and not answer.refused
    assert "helium" in events[0].passages[0].text.lower()
    assert answer.citations[0].passage == answer.passages[0] and answer.citations[0].supported


def test_prompt_numbers_passages_with_title_and_date(scripted):
    llm = scripted("Beijing sent a note [1].")
    answer = rag.answer("What did Zhao Lijian announce about reciprocal restrictions on the US embassy?")
    human = str(llm.prompts[0][-1].content)
    assert human.startswith("[1] ") and "Question: What did Zhao Lijian" in human
    dated = [p for p in answer.passages if p.published]
    assert dated and "(published 12 Sep 2020)" in human
    headers = [line for line in human.splitlines() if re.match(r"\[\d+\] ", line)]
    assert len(headers) == len(answer.passages)
    for header, passage in zip(headers, answer.passages, strict=True):
        title = re.sub(r"^\[\d+\] | \(published [^)]*\)$", "", header)
        # a long headline is cut at a word, under 46 characters: its head tells the story, and is cheap to read
        assert title == passage.title or (title.endswith("…") and passage.title.startswith(title[:-1])
                                          and 20 <= len(title) <= 46), header


def test_evidence_fits_the_budget_and_points_into_the_article(scripted):
    llm = scripted("x [1].", context_tokens=120)
    answer = rag.answer("How much helium does China use every year?")
    corpus = rag.api.default().corpus()
    for passage in answer.passages:
        article = corpus.article(passage.article_id)
        assert article is not None
        assert article.text[passage.start:passage.end] == passage.text
    context = str(llm.prompts[0][-1].content).split("\n\nQuestion:")[0]
    assert len(context) // 4 <= 140  # the budget, give or take a header's estimate
    assert "4,300 tonnes" in context


def test_a_name_described_at_length_gets_a_wider_context_than_a_short_question(scripted):
    # "Who is the individual who ..., as reported by A and B?" needs a sentence from each article it draws on.
    llm = scripted("x [1].", "x [1].", context_tokens=120)
    rag.answer("Who warned that China may respond?")
    rag.answer("Who is the official who warned that China may respond to the TikTok deal, called it theft, and was "
               "quoted by the Express and by CNBC about retaliation against the United States and Britain?")
    short, long = (str(p[-1].content).split("\n\nQuestion:")[0] for p in llm.prompts)
    assert len(short) // 4 <= 140
    assert 140 < len(long) // 4 <= 420


def test_a_dangling_marker_is_dropped(scripted):
    scripted("China uses more than 4,300 tonnes of helium every year [1][9].")
    answer = rag.answer("How much helium does China use every year?")
    assert "[9]" not in answer.text and [c.marker for c in answer.citations] == [1]


def test_a_claim_cited_in_the_sentence_after_it_is_checked_as_cited(scripted):
    """A small model's "… every year. This information is found in Passage [n].": the claim takes the marker,
    the attribution goes, and the marker is checked like any other (moved to the passage holding the figure).
    Without the rule the claim has no citation and the answer is refused."""
    question = "How much helium does China use every year?"
    llm = scripted("x [1].")
    passages = rag.answer(question).passages
    holds = [n for n, p in enumerate(passages, 1) if "4,300" in p.text]
    wrong = next(n for n, p in enumerate(passages, 1) if "4,300" not in p.text)
    llm.replies.append(f"China uses more than 4,300 tonnes of helium every year. This information is found in "
                       f"Passage [{wrong}].")
    answer = rag.answer(question)
    assert not answer.refused and "This information" not in answer.text, answer.text
    assert [c.marker for c in answer.citations if c.supported] == holds[:1], answer.text
    assert "attribution" in [s.rule for s in answer.trace.steps]


def test_model_refusal_becomes_a_plain_refusal(scripted):
    scripted("I'm sorry, but the passages do not mention the price of the deal.")
    answer = rag.answer("What price did Microsoft agree to pay for TikTok?")
    assert answer.refused and answer.text == REFUSAL and answer.citations == []


def test_weak_retrieval_refuses_without_calling_the_model(scripted):
    llm = scripted("Argentina won [1].", min_score=0.99)
    answer = rag.answer("Who won the 2022 World Cup?")
    assert answer.refused and answer.text == REFUSAL and llm.prompts == []
    assert answer.confidence > 0.5
    # The chat's "why" line names the floor, not the model that was never asked.
    assert "(rule: floor)" in answer.trace.why() and [s.rule for s in answer.trace.steps] == ["floor"]


def test_follow_up_uses_the_previous_question(scripted):
    llm = scripted("Sophy Ridge interviewed him [1].", condense="cheap")
    history = [("What did Dominic Raab say about China on Sky News?", "Not business as usual [1].")]
    answer = rag.answer("And who interviewed the Foreign Secretary?", history=history)
    assert "Follow-up to: What did Dominic Raab say" in str(llm.prompts[0][-1].content)
    assert any("Raab" in p.text or "Raab" in p.title for p in answer.passages)
    assert len(llm.prompts) == 1  # the cheap rewrite costs no LLM call


def test_llm_condense_rewrites_the_follow_up(scripted):
    llm = scripted("Who interviewed Dominic Raab on Sky News?", "Sophy Ridge [1].", condense="llm")
    history = [("What did Dominic Raab say about China on Sky News?", "Not business as usual [1].")]
    events = list(rag.stream("Who interviewed him?", history=history))
    assert isinstance(events[0], rag.Sources) and events[0].question == "Who interviewed Dominic Raab on Sky News?"
    assert len(llm.prompts) == 2


@pytest.mark.parametrize("ablate", ["", "follow_topic"])
def test_a_follow_up_naming_no_topic_keeps_the_topic_the_rewrite_dropped(scripted, ablate: str):
    # The 1.5B rewrote "and then what?" after a question on Sam Altman as "What happened next?", and the
    # search for it found Taylor Swift's tour.
    scripted("What happened next?", "Beijing announced restrictions [1].", condense="llm", ablate=ablate)
    history = [("What did Liu Xiaoming warn the UK about?", "That it would pay the price [1].")]
    events = list(rag.stream("and then what?", history=history))
    assert isinstance(events[0], rag.Sources)
    searched = events[0].question
    answer = events[-1]
    assert isinstance(answer, rag.Answer)
    if ablate:
        assert searched == "What happened next?" and "follow_topic" not in [s.rule for s in answer.trace.steps]
    else:
        assert searched == "What did Liu Xiaoming warn the UK about? What happened next?"
        assert [s.rule for s in answer.trace.steps][:1] == ["follow_topic"]
        assert any("Liu Xiaoming" in p.text for p in answer.passages)


@pytest.mark.parametrize("ablate", ["", "follow_intent"])
def test_a_follow_up_asking_for_a_timeline_keeps_asking_for_one(scripted, ablate: str):
    # The 1.5B rewrote "give me a timeline" after "what happened at pangong lake?" as a question for one date,
    # and the answer was one sentence.
    llm = scripted("When did China build the huts?", "In May [1].", condense="llm", ablate=ablate)
    history = [("What happened at Pangong Lake?", "China built huts along the shore [1].")]
    answer = rag.answer("give me a timeline", history=history)
    rules = [s.rule for s in answer.trace.steps]
    if ablate:
        assert answer.trace.spec["intent"] == "fact" and "follow_intent" not in rules
    else:
        assert answer.trace.spec["intent"] == "timeline" and rules[0] == "follow_intent"
        assert answer.items and all(item.markers for item in answer.items), answer.text  # dated, cited lines
        assert any("Pangong" in p.text for p in answer.passages) and len(llm.prompts) == 1  # only the rewrite


def test_a_follow_up_naming_another_topic_keeps_the_question_before(scripted):
    # "and about russia?" reads as a topic typed alone; after a question it asks that question again.
    llm = scripted("What did Raab say about Russia?", "Russia must stop [1].", condense="llm")
    history = [("What did Raab say about China?", "Business will not return to normal [1].")]
    answer = rag.answer("and about russia?", history=history)
    assert answer.trace.spec["intent"] == "fact" and "follow_intent" not in answer.trace.fired
    assert len(llm.prompts) == 2  # the rewrite, then the answer to it


def test_filters_restrict_the_passages(scripted):
    import datetime as dt

    scripted("x [1].")
    answer = rag.answer("TikTok", filters=rag.Filters(since=dt.date(2020, 1, 1)))
    assert answer.passages and {p.published for p in answer.passages} == {dt.date(2020, 9, 12)}


def test_retriever_is_a_langchain_retriever(scripted):
    scripted()
    docs = NewsRetriever(k=3).invoke("How much helium does China use every year?")
    assert len(docs) == 3 and "helium" in docs[0].page_content.lower()
    assert docs[0].metadata["title"].startswith("China retaliation") and docs[0].metadata["score"] > 0


def test_retrieve_drops_near_identical_passages(scripted, seed_dir: Path):
    scripted()
    passages = rag.retrieve("Liu Xiaoming warned the UK it would pay the price", k=8)
    texts = [p.text for p in passages]
    assert len(texts) == len(set(texts))


def test_chain_is_a_runnable(scripted):
    scripted("China uses more than 4,300 tonnes of helium every year [1].")
    chain = rag.api.default().runnable()
    answer = chain.invoke({"question": "How much helium does China use every year?"})
    assert isinstance(answer, rag.Answer) and answer.citations


def test_prompt_windows_do_not_repeat_each_other(scripted):
    scripted("x [1].")
    answer = rag.answer("Who interviewed Dominic Raab on Sky News?")
    spans = [(p.article_id, p.start, p.end) for p in answer.passages]
    for i, (aid, start, end) in enumerate(spans):
        for other, s2, e2 in spans[i + 1:]:
            assert aid != other or min(end, e2) - max(start, s2) <= 0.5 * min(end - start, e2 - s2)
    assert 2 <= len(answer.passages) <= 6


def test_follow_up_pronouns_are_resolved_for_the_model(scripted):
    llm = scripted("Sophy Ridge interviewed Dominic Raab [1].", condense="cheap")
    history = [("What did Dominic Raab say about China on Sky News?", "Dominic Raab said it is not business as usual.")]
    answer = rag.answer("Who interviewed him?", history=history)
    assert "Who interviewed Dominic Raab?" in str(llm.prompts[0][-1].content)
    assert answer.question == "Who interviewed him?"


def test_a_declined_answer_is_a_refusal_that_keeps_what_the_articles_say(scripted):
    scripted("The articles do not say what helium costs; they say China uses more than 4,300 tonnes of helium "
             "every year [1].")
    answer = rag.answer("What does a tonne of helium cost in China?")
    assert answer.refused and answer.text.startswith("The articles do not say")
    assert answer.citations and answer.citations[0].supported


def test_an_answer_without_the_kind_of_fact_asked_for_is_not_shown_as_an_answer(scripted):
    scripted("China relies on the US for its helium, which is used in industry [1].")
    answer = rag.answer("How many tonnes of helium does China use every year?")
    assert answer.refused and answer.text.startswith(f"{REFUSAL} They say only: China relies on the US")


def test_an_answer_that_goes_on_to_say_the_articles_do_not_give_what_was_asked_is_a_refusal(scripted):
    question = "How many tonnes of helium does China import from the US?"
    scripted("The articles do not say.", min_score=0.0)
    n = next(n for n, p in enumerate(rag.answer(question).passages, 1) if "4,300 tonnes" in p.text)
    said = f"China uses more than 4,300 tonnes of helium every year [{n}]."
    scripted(f"{said} However, the passage does not say how many tonnes China imports from the US.", min_score=0.0)
    answer = rag.answer(question)
    assert answer.refused and answer.text == f"{REFUSAL} They say only: {said}"
    assert "hedge" in [step.rule for step in answer.trace.steps]
    # A decline of a side detail leaves the answer standing, and so does the rule switched off.
    scripted(f"{said} The passage does not say where the helium is used.", min_score=0.0)
    assert not rag.answer("How many tonnes of helium does China use every year?").refused
    scripted(f"{said} However, the passage does not say how many tonnes China imports from the US.",
             min_score=0.0, ablate="hedge")
    assert not rag.answer(question).refused


def test_a_figure_that_no_verified_citation_vouches_for_is_not_shown_as_the_answer(scripted):
    # The cited sentence is true but holds no figure; the figure asked for stands uncited on the next line. What
    # the passages say is kept, and the refused figure is not shown beside it.
    scripted("China relies on the US for its helium, which is used in industry [1].\n"
             "China uses 9,000 tonnes of helium every year.")
    answer = rag.answer("How many tonnes of helium does China use every year?")
    assert answer.refused and answer.text.startswith(f"{REFUSAL} They say only: China relies on the US")
    assert "9,000" not in answer.text
    scripted("China relies on the US for its helium.\nBut China uses more than 4,300 tonnes of helium every year [1].")
    assert not rag.answer("How many tonnes of helium does China use every year?").refused


def test_a_right_figure_cited_to_the_wrong_passage_is_cited_to_the_one_that_holds_it(scripted):
    # A small model gives the right figure and a neighbouring passage's number; that was refused for lacking
    # the figure asked for. Now its marker moves to the passage whose sentence holds the figure.
    question = "How many tonnes of helium does China use every year?"
    scripted("The articles do not say.")
    passages = rag.answer(question).passages
    holds = [n for n, p in enumerate(passages, 1) if "4,300 tonnes" in p.text]
    wrong = next(n for n, p in enumerate(passages, 1) if "4,300" not in p.text)
    assert holds and wrong
    said = "China's helium demand per annum stands at {} tonnes [{}]."  # too few of its passage's words to pass
    scripted(said.format("4,300", wrong))
    answer = rag.answer(question)
    assert not answer.refused and answer.text == said.format("4,300", holds[0])
    assert answer.citations[0].supported and answer.trace.steps[-1].rule == "recite"
    scripted(said.format("4,300", wrong), ablate="recite")
    assert rag.answer(question).refused
    scripted(said.format("9,000", wrong))  # no passage holds 9,000
    assert rag.answer(question).refused


def test_a_yes_no_on_whether_something_happened_that_the_articles_tell_only_as_a_prospect_is_refused(scripted):
    # The TikTok article: "He also suggested the US Treasury could receive part of the earnings of the acquisition".
    question = "did the US Treasury receive part of the earnings from the TikTok sale?"
    scripted("The articles do not say.", min_score=0.0)
    n = next(n for n, p in enumerate(rag.answer(question).passages, 1) if "Treasury could receive" in p.text)
    said = f"Yes, the US Treasury received part of the earnings of the acquisition [{n}]."
    scripted(said, min_score=0.0)
    answer = rag.answer(question)
    assert answer.refused and "prospect" in [step.rule for step in answer.trace.steps]
    assert answer.text.startswith(f"{REFUSAL} They say only: He also suggested the US Treasury could receive")
    scripted(said, min_score=0.0, ablate="prospect")
    assert not rag.answer(question).refused
    # Told as done, the verdict stands.
    scripted(f"Yes, President Trump welcomed Microsoft's bid for TikTok [{n}].", min_score=0.0)
    answer = rag.answer("did trump welcome microsoft's bid for tiktok?")
    assert not answer.refused and answer.text.startswith("Yes")


def test_a_when_answered_with_a_date_from_elsewhere_is_answered_from_the_sentence_that_dates_it(scripted):
    # The helium article says "began operating last week"; the model gives a date another article holds.
    scripted("The new helium plant started operating on August 6 [1].")
    answer = rag.answer("When did the new helium plant start operating?")
    assert not answer.refused and "began operating last week and could change" in answer.text
    cited = answer.citations[0]
    assert cited.supported and "began operating last week" in cited.passage.text
    assert [step.rule for step in answer.trace.steps][-1] == "dating"


def test_a_when_the_articles_do_not_date_stays_refused(scripted):
    scripted("The articles do not say.")
    answer = rag.answer("When will the helium plant in Ningxia close?")
    assert answer.refused and answer.text == REFUSAL
    scripted("It will close on August 6 [1].")
    assert rag.answer("On what date did the helium plant begin operating?").refused  # "last week" is no date


def test_each_part_of_a_multi_part_question_reaches_the_prompt(scripted):
    llm = scripted("x [1].")
    answer = rag.answer("How much helium does China use every year, and what did Dominic Raab say on Sky News?")
    text = " ".join(p.text for p in answer.passages)
    assert "helium" in text and "Raab" in text
    assert "helium" in str(llm.prompts[0][-1].content) and "Raab" in str(llm.prompts[0][-1].content)


def test_a_huge_unpunctuated_line_beside_the_answer_never_floods_the_prompt(fake: FakeParts, tmp_path: Path):
    # 5,000,000 characters with no sentence break, right after the sentence that answers the question.
    huge = "word " * 1_000_000
    (tmp_path / "flood.txt").write_text(
        f"Glass bell cast in Veltrana\n\nVeltrana cast a glass bell weighing 2,417 kilograms.\n{huge}\n", "utf-8")
    index_paths([tmp_path / "flood.txt"], fake.parts())
    llm = ScriptedChat(replies=["It weighs 2,417 kilograms [1]."])
    rag.configure(parts=fake.parts(), llm=llm)
    answer = rag.answer("How much does the Veltrana glass bell weigh?")
    human = str(llm.prompts[0][-1].content)
    assert "2,417 kilograms" in human and len(human) < 4 * (rag.api.default().settings.context_tokens + 200)
    assert not answer.refused


def test_a_yes_no_verdict_stands_when_the_passages_hold_what_the_question_compares(scripted):
    # "No" is the passages disagreeing with the question: no passage states it, so no citation supports it.
    # (The articles tell Microsoft's buying only as a bid, so the `prospect` rule would refuse: see the test
    # of prospects above. Here it is off.)
    llm = scripted("No, Microsoft walked away from the talks.", "No, it did not.", ablate="prospect")
    answer = rag.answer("Did Microsoft buy TikTok's US operations?")
    assert "Start the answer with Yes or No" in str(llm.prompts[0][-1].content)
    assert not answer.refused and answer.text == "No, Microsoft walked away from the talks."
    # A question about something no passage mentions is not answered by a bare verdict.
    answer = rag.answer("Did the Zanzibar parliament ratify the Okonkwo treaty?")
    assert answer.refused and answer.text == REFUSAL


def test_a_no_stands_on_passages_that_lack_one_name_of_the_question_and_a_yes_does_not(scripted):
    # The passages are about Microsoft, TikTok and the US, not about "Zorblat": a "No" (the passages do not
    # bear the question out) stands; a "Yes" would affirm a fact about Zorblat that no passage holds.
    question = "Did Microsoft buy TikTok's US operations from Zorblat?"
    scripted("No, Microsoft did not buy them from Zorblat.", "Yes, Microsoft bought them from Zorblat.",
             ablate="prospect")  # on, it refuses both: the articles tell the buying only as a bid
    no = rag.answer(question)
    assert not no.refused and no.text == "No, Microsoft did not buy them from Zorblat."
    yes = rag.answer(question)
    assert yes.refused and yes.text == REFUSAL


def test_a_yes_whose_own_sentence_denies_the_question_is_shown_as_no(scripted):
    # "Did SBF plead guilty?" came back "Yes, SBF pleaded not-guilty [1]": the claim is the answer, not the Yes.
    question = "Did Microsoft buy TikTok's US operations?"
    scripted("Yes, Microsoft did not buy TikTok's US operations.", ablate="prospect")  # see the test above
    answer = rag.answer(question)
    assert answer.text.startswith("No, Microsoft did not buy") and not answer.refused
    assert "contradiction" in [step.rule for step in answer.trace.steps]
    scripted("Yes, Microsoft did not buy TikTok's US operations.", ablate="contradiction,prospect")
    assert rag.answer(question).text.startswith("Yes, Microsoft did not buy")


def test_a_yes_that_its_passage_denies_is_refused_with_what_the_passage_says(scripted):
    # "Was SBF found guilty?" came back "Yes, SBF was found guilty [1]", cited to "SBF … has pleaded
    # not-guilty": close to its passage in words, and kept by the `verdict` rule. Here the passage says China
    # "has never interfered in the UK's internal affairs".
    question = "Has China interfered in the UK's internal affairs?"
    llm = scripted("Yes, China interfered in the UK's internal affairs [1].")
    answer = rag.answer(question)
    assert "has never interfered in the UK’s internal affairs" in str(llm.prompts[0][-1].content)
    assert answer.refused and answer.text.startswith(f"{REFUSAL} They say only: “China respects UK sovereignty and "
                                                     "has never interfered")
    assert len(answer.citations) == 1 and "has never interfered" in answer.citations[0].passage.text
    assert "denied" in [step.rule for step in answer.trace.steps]
    scripted("Yes, China interfered in the UK's internal affairs [1].", ablate="denied")
    assert rag.answer(question).text.startswith("Yes, China interfered in the UK's internal affairs")


def test_a_no_whose_passages_never_mention_what_is_asked_is_refused(scripted):
    # "did amazon lay off workers?" came back "No, Amazon did not lay off workers [2]", citing a passage on a
    # lawsuit against Amazon: the articles do not say, which is not "No". Here the passages name ByteDance and
    # never a chief executive or a firing.
    question = "Did ByteDance fire its chief executive?"
    scripted("No, ByteDance did not fire its chief executive [1].")
    answer = rag.answer(question)
    assert answer.refused and answer.text.startswith(f"{REFUSAL} They say only: ")
    assert "ByteDance" in answer.text and len(answer.citations) == 1
    assert "unsaid" in [step.rule for step in answer.trace.steps]
    scripted("No, ByteDance did not fire its chief executive [1].", ablate="unsaid")
    assert rag.answer(question).text.startswith("No, ByteDance did not fire its chief executive")


def test_a_fact_answer_whose_passages_name_nothing_the_question_names_is_refused(scripted):
    # "how many jobs did spotify cut?" came back "Taylor Swift has already sold over $100 million worth of
    # music [2]": a figure its passage holds, about something else. Here the question asks about Japan, and the
    # passage cited tells of China.
    reply = "China uses more than 4,300 tonnes of helium every year [1]."
    scripted(reply)
    answer = rag.answer("How much helium does Japan use every year?")
    assert answer.refused and answer.text == REFUSAL and not answer.citations
    assert "off_topic" in [step.rule for step in answer.trace.steps]
    scripted(reply, ablate="off_topic")
    assert rag.answer("How much helium does Japan use every year?").text == reply
    # A name typed in lower case is read as the passages write it ("china": "China"), and this passage names it.
    scripted(reply)
    assert rag.answer("how much helium does china use every year?").text == reply


def test_a_how_long_question_answered_without_a_duration_is_refused(scripted):
    # "how long is jim harbaugh's contract?" was answered "three games long" (his suspension): a number, but not
    # a duration, passed the asked-fact check.
    question = "How long did Trump's executive orders give for a sale of TikTok?"
    short = "Trump passed two executive orders against TikTok and WeChat unless their parent companies sold [1]."
    scripted(short)
    answer = rag.answer(question)
    assert answer.refused and ("measure", "refused") in [(s.rule, s.outcome) for s in answer.trace.steps]
    assert answer.text == REFUSAL  # not "They say only: … two executive orders …", the number it gave
    scripted(short, ablate="measure")
    assert not rag.answer(question).refused
    scripted("Trump's executive orders prevent any transaction with TikTok and WeChat unless sold within 45 days of "
             "the order [1].")
    assert not rag.answer(question).refused


def test_a_when_answer_that_gives_only_its_articles_date_is_refused(scripted):
    # "When did Jada Pinkett Smith and Will Smith get married?" came back "on October 16, 2023", the day the
    # article on their marriage ran: the prompt dates each passage, and the small model answers with that date.
    # The sample's article on China's restrictions is dated 12 September 2020 and tells of a note sent on
    # "Friday, September 11"; it does not say when the Hong Kong consulate was included.
    question = "When did China include the consulate-general in Hong Kong in its restrictions?"
    scripted("x [1].")
    n = next(i for i, p in enumerate(rag.answer(question).passages, 1) if p.published and "Hong Kong" in p.text)
    dateline = (f"On September 12, 2020, even the consulate-general in Hong Kong and its personnel have been included "
                f"in the Chinese restrictions [{n}].")
    scripted(dateline)
    answer = rag.answer(question)
    assert answer.refused and ("dateline", "refused") in [(s.rule, s.outcome) for s in answer.trace.steps]
    assert "September 12" not in answer.text
    scripted(dateline, ablate="dateline")
    assert not rag.answer(question).refused
    # A date a sentence of the article gives is its own answer, right or wrong: not this rule's to judge.
    scripted(dateline.replace("September 12", "September 11"))
    assert "dateline" not in [s.rule for s in rag.answer(question).trace.steps]


def test_a_fact_answer_about_another_period_than_the_one_asked_is_refused(scripted):
    # "What was Uber's revenue in the fourth quarter of 2023?" was answered "$219 million" from a passage on
    # the third quarter. The sample tells of the death of Sergei Magnitsky in 2009, not 2012.
    asked = "Who was implicated in the death of Sergei Magnitsky in {}?"
    scripted("x [1].")
    n = next(i for i, p in enumerate(rag.answer(asked.format(2012)).passages, 1) if "Magnitsky" in p.text)
    reply = f"Russian individuals were implicated in the death of Russian lawyer Sergei Magnitsky [{n}]."
    scripted(reply)
    answer = rag.answer(asked.format(2012))
    assert answer.refused and ("period", "refused") in [(s.rule, s.outcome) for s in answer.trace.steps]
    scripted(reply, ablate="period")
    shown = rag.answer(asked.format(2012))
    assert not shown.refused and shown.text.startswith("Russian individuals were implicated")
    scripted(reply)
    shown = rag.answer(asked.format(2009))
    assert not shown.refused and shown.text.startswith("Russian individuals were implicated")


def test_an_answer_that_has_the_asked_speaker_say_what_their_articles_never_name_them_in_is_refused(scripted):
    # "What did Rishi Sunak say about Huawei?" came back "Rishi Sunak said …" over a quote of Dominic Raab's.
    # The samples tell of Liu Xiaoming's remarks on Huawei and never name Boris Johnson.
    def ask(speaker: str, **settings: object) -> Answer:
        question = f"What did {speaker} say about Huawei?"
        scripted("x [1].", min_score=0.0)  # the hashing embedder scores this question below the floor
        n = next(i for i, p in enumerate(rag.answer(question).passages, 1) if "Huawei" in p.text)
        scripted(f"{speaker} said the disputes over the Hong Kong tech giant Huawei were heated [{n}].", min_score=0.0,
                 **settings)
        return rag.answer(question)

    answer = ask("Boris Johnson")
    assert answer.refused and answer.text == REFUSAL
    assert ("speaker", "refused") in [(s.rule, s.outcome) for s in answer.trace.steps]
    assert not ask("Boris Johnson", ablate="speaker").refused
    assert not ask("Liu Xiaoming").refused  # his article names him ("Mr Xiaoming was remarking on …")


def test_a_name_typed_by_its_initials_is_searched_and_asked_written_out(scripted):
    # "sbf trial timeline" was told from the few sentences that write "SBF", not from those telling the trial of
    # "Sam Bankman-Fried": the embedder does not read them as one name. The samples write "Chinese Communist Party".
    reply = "Mike Pompeo said TikTok was feeding data to the Chinese Communist Party [1]."
    llm = scripted(reply)
    answer = rag.answer("Who said TikTok was feeding data to the CCP?")
    asked = str(llm.prompts[0][-1].content).rsplit("Question: ", 1)[1]
    assert asked.startswith("Who said TikTok was feeding data to the Chinese Communist Party (CCP)?")
    assert ("initials", "read 'CCP' as 'Chinese Communist Party'") in [(s.rule, s.outcome) for s in answer.trace.steps]
    assert any("Chinese Communist Party" in c.passage.text for c in answer.citations)
    llm = scripted(reply, ablate="initials")  # typed as "CCP" only, no passage clears the floor
    assert rag.answer("Who said TikTok was feeding data to the CCP?").refused and llm.prompts == []


TWO_PARTS = ("Does China use more than 4,300 tonnes of helium every year, while Zhao Lijian announced reciprocal "
             "restrictions on the US embassy?")


# The hashing embedder does not read "US" as "United States", as MiniLM does (test_real_index), so these leave
# the question's "US" as typed.
def test_a_two_part_yes_no_question_whose_part_does_not_hold_is_answered_no_naming_that_part(scripted):
    llm = scripted("Yes, China uses more than 4,300 tonnes a year [1].",
                   "No, the passages say the restrictions were on Chinese diplomats [2].",
                   "Yes, both hold [1].", ablate="initials")
    answer = rag.answer(TWO_PARTS)
    assert answer.text.startswith("No. The articles do not bear out this part of the question: "
                                  "“Zhao Lijian announced reciprocal restrictions on the US embassy?”")
    assert "restrictions were on Chinese diplomats" in answer.text and not answer.refused
    assert len(llm.prompts) == 2  # the whole question was never put to the model
    asked = [str(p[-1].content).rsplit("Question: ", 1)[1] for p in llm.prompts]
    assert asked[0].startswith("Does China use more than 4,300 tonnes of helium every year?")
    assert asked[1].startswith("Zhao Lijian announced reciprocal restrictions on the US embassy?")


def test_a_two_part_yes_no_question_whose_parts_all_hold_gets_the_whole_answer(scripted):
    llm = scripted("Yes, reported [1].", "Yes, reported [2].", "Yes, China uses more than 4,300 tonnes a year [1].",
                   ablate="initials")
    answer = rag.answer(TWO_PARTS)
    assert len(llm.prompts) == 3
    assert answer.text.startswith("Yes, China uses more than 4,300 tonnes")
    assert "Question: " + TWO_PARTS in str(llm.prompts[2][-1].content)


def test_closing_the_stream_stops_the_model(scripted):
    # The chat's Stop and a client that leaves close the stream: the model must stop writing, not finish an
    # answer nobody reads while the next question waits for it.
    llm = scripted(" ".join(["China uses more than 4,300 tonnes of helium every year [1]."] * 40))
    events = cast(Generator[Event, None, None], rag.stream("How much helium does China use every year?"))
    tokens = 0
    for event in events:
        tokens += isinstance(event, rag.Token)
        if tokens == 3:
            break
    events.close()
    assert llm.streamed <= 5  # of 480 pieces


def test_an_open_question_has_a_lower_floor_than_a_fact(scripted):
    import re

    def best_score(question: str) -> float:  # as the refusal at an unreachable floor reports it
        scripted(min_score=0.99)
        found = re.search(r"scores ([\d.]+)", rag.answer(question).trace.why())
        assert found is not None
        return float(found.group(1))

    listing, fact = ("What moves against Chinese companies are mentioned in these articles?",
                     "How much helium does China use every year?")
    scripted(min_score=best_score(listing) + 0.03)  # below the floor, within an open question's drop
    answer = rag.answer(listing)
    assert not answer.refused and "floor" not in [s.rule for s in answer.trace.steps], answer.text
    llm = scripted("China uses 4,300 tonnes [1].", min_score=best_score(fact) + 0.03)
    answer = rag.answer(fact)
    assert answer.refused and llm.prompts == [] and [s.rule for s in answer.trace.steps] == ["floor"]


def test_who_won_is_answered_only_from_a_sentence_that_tells_a_result(fake: FakeParts, tmp_path: Path):
    # Articles written during a contest name its sides before anyone wins: the answer must stand on a result.
    (tmp_path / "result.txt").write_text("Rangers take the World Series\n\nThe Texas Rangers won the 2023 World "
                                         "Series on Wednesday, beating the Arizona Diamondbacks 5-0 in Game 5.\n")
    (tmp_path / "game3.txt").write_text("World Series moves to Arizona\n\nThe World Series heads to Arizona for "
                                        "Game 3, where the Diamondbacks host the Rangers on Monday night.\n")
    index_paths([tmp_path], fake.parts())
    question = "Who won the 2023 World Series?"

    def ask(reply: str, **settings: object) -> rag.Answer:
        rag.configure(parts=fake.parts(min_score=0.0, **settings), llm=ScriptedChat(replies=[reply]))
        return rag.answer(question)

    passages = ask("The articles do not say.").passages
    game3 = next(n for n, p in enumerate(passages, 1) if "heads to Arizona" in p.text)
    result = next(n for n, p in enumerate(passages, 1) if "Rangers won" in p.text)
    invented = f"The Arizona Diamondbacks won the 2023 World Series [{game3}]."
    answer = ask(invented)
    assert answer.refused and answer.text == REFUSAL  # the claim is not kept as "They say only"
    assert [step.rule for step in answer.trace.steps][-1] == "outcome"
    assert "outcome" not in [step.rule for step in ask(invented, ablate="outcome").trace.steps]
    # The winner is the one the answer claims, not a name of the passage it goes on to quote.
    answer = ask(f"{invented} The passage says the Texas Rangers won the 2023 World Series [{result}].")
    assert answer.refused and answer.text == REFUSAL
    answer = ask(f"The Texas Rangers won the 2023 World Series [{result}].")
    assert not answer.refused and answer.citations[0].supported
