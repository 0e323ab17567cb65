from rag.answering.condense import first_name, resolve_pronouns


def test_first_name_skips_question_words_and_markers():
    assert first_name("What did Dominic Raab say on Sky News?") == "Dominic Raab"
    assert first_name("Which spokeswoman responded? [1]") is None
    assert first_name("Mao Ning called on Washington [1].") == "Mao Ning"


def test_pronouns_take_the_name_from_the_previous_answer_first():
    assert resolve_pronouns("What did she call on Washington to do?", "Which spokeswoman responded?",
                            "Foreign ministry spokeswoman Mao Ning responded [1].") == \
        "What did Mao Ning call on Washington to do?"
    assert resolve_pronouns("Which company did he criticise?", "Who warned the UK?",
                            "The articles do not say.") == "Which company did he criticise?"
    assert resolve_pronouns("What was his reply?", "What did Dominic Raab say?", "") == \
        "What was Dominic Raab's reply?"


def test_questions_without_person_pronouns_are_unchanged():
    assert resolve_pronouns("What did Chinese state media call the bid?", "Who bid for TikTok?", "Microsoft") == \
        "What did Chinese state media call the bid?"


def test_titles_and_a_trailing_full_stop_are_not_part_of_the_name():
    assert first_name("US Secretary of State Mike Pompeo [1].") == "Mike Pompeo"
    assert resolve_pronouns("What did she call on Washington to do?", "Which spokeswoman responded?", "Mao Ning.") == \
        "What did Mao Ning call on Washington to do?"


def test_a_pronoun_means_the_person_asked_about_unless_the_last_question_asked_for_someone():
    # The answer to "What did Raab say?" names what he talked about, not who "him" is.
    assert resolve_pronouns("Who interviewed him?", "What did Dominic Raab say about China on Sky News?",
                            "That the Hong Kong extradition treaty could be suspended.") == \
        "Who interviewed Dominic Raab?"
    assert resolve_pronouns("What did he say?", "Who warned the UK?", "China's ambassador, Liu Xiaoming [1].") == \
        "What did Liu Xiaoming say?"


def test_they_means_the_people_the_last_answer_listed():
    assert resolve_pronouns("Which party do they belong to?", "Which two US senators did China sanction?",
                            "Ted Cruz and Marco Rubio [1].") == "Which party do Ted Cruz and Marco Rubio belong to?"
    # One name is no list, and an answer to a question that asked for no one lists no one.
    assert resolve_pronouns("What did they say?", "Who bid for TikTok?", "Satya Nadella [1].") == "What did they say?"
    assert resolve_pronouns("What did they say?", "What happened in the Galwan Valley?",
                            "Indian Army and Chinese Army troops clashed [1].") == "What did they say?"


def test_one_word_after_a_title_is_a_name():
    assert first_name("Mr Raab told Sky News [1].") == "Raab"
    assert resolve_pronouns("What did he say about Huawei?", "Why was Mr Raab on Sky News?", "") == \
        "What did Raab say about Huawei?"
    assert first_name("The Foreign Minister spoke [1].") is None
