from rag.condense import first_name, resolve_pronouns


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
