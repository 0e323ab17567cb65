from rag.text import content_words, sentence_spans, sentences


def test_sentences_keep_abbreviations_and_quotes_together():
    text = (
        "The U.S. Commerce Department on March 2 announced restrictions. Mr. Raab said: “We want a "
        "positive relationship.” Inspur Group Co. AI tech firm 4Paradigm was listed! Was it fair?"
    )
    assert sentences(text) == [
        "The U.S. Commerce Department on March 2 announced restrictions.",
        "Mr. Raab said: “We want a positive relationship.”",
        "Inspur Group Co. AI tech firm 4Paradigm was listed!",
        "Was it fair?",
    ]


def test_sentence_spans_cover_every_word():
    text = "First line without a stop\nSecond sentence here. Third one…  And “a quote.”"
    assert " ".join(text[a:b] for a, b in sentence_spans(text)).split() == text.split()


def test_content_words_drop_stopwords_and_commas_in_numbers():
    assert content_words("China uses more than 4,300 tonnes of helium") == [
        "china", "uses", "more", "4300", "tonnes", "helium",
    ]


def test_initials_stay_inside_their_sentence_and_a_bare_no_ends_one():
    # "Sir Y.K. Pao" split after "Y.K." cut the name "David Law" away from what he is ("Pao Chair in Public Law
    # at the University of Hong Kong"), so a question about the academic never saw his name.
    text = ("Professor David Law, Sir Y.K. Pao Chair in Public Law, said so. J.R.R. Tolkien wrote it. "
            "He said no. It is No. 10 on the list.")
    assert sentences(text) == [
        "Professor David Law, Sir Y.K. Pao Chair in Public Law, said so.",
        "J.R.R. Tolkien wrote it.",
        "He said no.",
        "It is No. 10 on the list.",
    ]


def test_two_sentences_glued_without_a_space_are_two():
    # A scraped sample article reads "… companies like TikTok and WeChat.A virtual meeting will …": read as one
    # sentence, a list of the companies named "WeChat.A", and the meeting's sentence hid inside the crackdown's.
    text = ("It targets TikTok and WeChat.A virtual meeting will take place. Node.js and Express.co.uk stay. "
            "U.S.A is one.")
    assert sentences(text) == [
        "It targets TikTok and WeChat.",
        "A virtual meeting will take place.",
        "Node.js and Express.co.uk stay.",
        "U.S.A is one.",
    ]
