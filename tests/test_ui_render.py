"""The chat window's pure rendering: escaping, linked markers, unsupported citations, refusals."""

import datetime as dt
import re

from rag.types import Answer, Citation, Passage
from ui import render

SCRIPT = "<script>window.pwned=1</script>"
IMG = '<img src=x onerror="window.pwned=2">'


def _passage(n: int, text: str = "Helium output will reach 20 tonnes.", title: str = "Helium plant opens") -> Passage:
    return Passage(f"c{n}", f"a{n}", title, f"/data/articles/00{n}_news.txt", dt.date(2020, 9, 12), text,
                   0.9, 0, len(text))


def _answer(text: str, citations: list[Citation], passages: list[Passage], refused: bool = False) -> Answer:
    return Answer("q", text, citations, passages, refused, 0.8, {"total": 7.25})


def _no_live_markup(html: str) -> None:
    """No tag that could run code survives: only our own markup is left."""
    assert "<script" not in html and "<img" not in html
    assert not re.search(r"<[^>]*\son\w+=", html)


def test_model_output_is_escaped():
    passages = [_passage(1)]
    html = render.answer_html(_answer(f"It says {SCRIPT} and {IMG} [1].", [Citation(1, passages[0], True)],
                                      passages), turn=1)
    _no_live_markup(html)
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;" in html


def test_streaming_text_and_questions_are_escaped():
    _no_live_markup(render.streaming_html(f"partial {IMG} [1", 3, [_passage(1)]))
    _no_live_markup(render.question_html(f"why {SCRIPT}?"))
    _no_live_markup(render.error_html(f"boom {IMG}"))


def test_article_text_title_and_file_name_are_escaped():
    passage = Passage("c1", "a1", f"Title {SCRIPT}", f"/up/{IMG}.txt", None, f"Body {IMG} and {SCRIPT}.", 0.5, 0, 9)
    html = render.sources_html(render.SourcesView(1, [passage], [f"Body {IMG} and {SCRIPT}."]))
    _no_live_markup(html)
    assert "Title &lt;script&gt;" in html and "<mark>Body &lt;img" in html
    assert "undated" in html


def test_markers_link_to_the_cards_of_their_turn():
    passages = [_passage(1), _passage(2, title="Raab on Sky News")]
    answer = _answer("Output is 20 tonnes [1]. Raab spoke [2].",
                     [Citation(1, passages[0], True), Citation(2, passages[1], True)], passages)
    html = render.answer_html(answer, turn=3)
    assert html.count('class="nr-cite"') == 2
    assert 'href="#src-3-1"' in html and 'href="#src-3-2"' in html
    panel = render.sources_html(render.SourcesView(3, passages, ["", ""]), answer)
    assert 'id="src-3-1"' in panel and 'id="src-3-2"' in panel


def test_markers_outside_the_passages_stay_plain_text():
    html = render.streaming_html("See [7] and [1]", 1, [_passage(1)])
    assert "[7]" in html and "#src-1-7" not in html and 'href="#src-1-1"' in html


def test_unsupported_citations_are_marked_in_answer_and_panel():
    passages = [_passage(1), _passage(2)]
    answer = _answer("Output is 90 tonnes [1]. Also [2].",
                     [Citation(1, passages[0], False), Citation(2, passages[1], True)], passages)
    html = render.answer_html(answer, turn=1)
    assert html.count("nr-unsupported") == 1 and "may not be supported" in html
    assert re.search(r'class="nr-cite nr-unsupported" href="#src-1-1"', html)
    panel = render.sources_html(render.SourcesView(1, passages, ["", ""]), answer)
    assert panel.count("nr-source-unsupported") == 1 and "not clearly supported" in panel


def test_refusal_is_styled_as_a_refusal_without_citations():
    passages = [_passage(1)]
    html = render.answer_html(_answer("The articles do not say.", [], passages, refused=True), turn=1)
    assert 'class="nr-refusal"' in html and "nr-answer" not in html and "nr-cite" not in html
    assert "Not found in the articles" in html
    panel = render.sources_html(render.SourcesView(1, passages, [""]), _answer("x", [], passages, refused=True))
    assert "No passage answers" in panel and "nr-uncited" in panel


def test_evidence_sentence_is_highlighted():
    text = "First sentence. China uses 4,300 tonnes a year. Last one."
    assert render.highlight(text, "China uses 4,300 tonnes a year.") == (
        "First sentence. <mark>China uses 4,300 tonnes a year.</mark> Last one.")
    assert render.highlight(text, "not there") == text
    assert render.highlight("a < b", "") == "a &lt; b"


def test_panel_lists_cited_passages_first_and_the_rest_folded():
    passages = [_passage(1), _passage(2), _passage(3)]
    answer = _answer("Yes [2].", [Citation(2, passages[1], True)], passages)
    panel = render.sources_html(render.SourcesView(1, passages, ["", "", ""]), answer)
    assert panel.index('id="src-1-2"') < panel.index("<details>") < panel.index('id="src-1-1"')
    assert "Sources cited (1)" in panel and "not cited (2)" in panel


def test_panel_while_streaming_shows_every_retrieved_passage():
    passages = [_passage(1), _passage(2)]
    panel = render.sources_html(render.SourcesView(4, passages, ["", ""]))
    assert "being written" in panel and 'id="src-4-1"' in panel and 'id="src-4-2"' in panel
    assert "00" in panel and "2020-09-12" in panel and "01_news.txt" in panel


def test_panel_after_a_failure_keeps_the_retrieved_passages():
    panel = render.sources_html(render.SourcesView(1, [_passage(1)], [""]), failed=True)
    assert "no answer was written" in panel and 'id="src-1-1"' in panel


def test_empty_panels():
    assert "appear here" in render.sources_html(None)
    assert "No indexed passage" in render.sources_html(render.SourcesView(1, [], []))


def test_upload_summary_escapes_file_names_and_lists_reasons():
    html = render.upload_html(render.UploadSummary(3, 2, 1, [(f"{IMG}.pdf", "unsupported file type")], 1.5))
    _no_live_markup(html)
    assert "2 articles added from 3 files; 1 duplicate skipped" in html and "unsupported file type" in html


def test_confidence_is_shown_in_words_with_the_number_on_hover():
    passages = [_passage(1)]
    answer = _answer("Helium output will reach 20 tonnes [1].", [Citation(1, passages[0], True)], passages)
    html = render.answer_html(answer, turn=1)
    assert "well supported" in html and 'title="confidence 80%"' in html
    assert render.confidence_words(0.6) == "partly supported"
    assert render.confidence_words(0.3).startswith("weak")


def test_a_refusal_that_says_what_the_articles_do_say_links_its_sources():
    passages = [_passage(1)]
    text = "The articles do not say. They say only: output will reach 20 tonnes [1]."
    html = render.answer_html(_answer(text, [Citation(1, passages[0], True)], passages, refused=True), turn=2)
    assert "nr-refusal" in html and "Not found in the articles" in html
    assert 'class="nr-cite" href="#src-2-1"' in html


def test_an_answer_copies_as_markdown_with_its_numbered_sources():
    passages = [_passage(1, "Helium output will reach 20 tonnes.\nOfficials said so.")]
    answer = _answer(f"Output will reach 20 tonnes {SCRIPT} [1].", [Citation(1, passages[0], True)], passages)
    markdown = render.answer_markdown(answer)
    assert markdown.startswith("Output will reach 20 tonnes")
    assert "[1] Helium plant opens (001_news.txt, 2020-09-12)\n> Helium output will reach 20 tonnes.\n" in markdown
    html = render.answer_html(answer, turn=1)
    assert "copy as Markdown" in html and '<pre class="nr-md">' in html
    _no_live_markup(html)  # the Markdown copy is escaped too


def test_a_refusal_and_a_weak_answer_say_which_rule_decided_them():
    from rag.trace import Trace

    trace = Trace(strategy="fact", policy="small")
    trace.record("grounding", "refused", f"no passage supports what the answer claims {SCRIPT}")
    refusal = Answer("q", "The articles do not say.", [], [_passage(1)], True, 0.7, {}, trace=trace)
    html = render.answer_html(refusal, turn=1)
    assert "Why: refused: no passage supports what the answer claims" in html and "(rule: grounding)" in html
    _no_live_markup(html)
    weak = Answer("q", "Oracle [1].", [Citation(1, _passage(1), True)], [_passage(1)], False, 0.3, {}, trace=trace)
    strong = Answer("q", "Oracle [1].", [Citation(1, _passage(1), True)], [_passage(1)], False, 0.9, {}, trace=trace)
    assert "Why:" in render.answer_html(weak, turn=1) and "Why:" not in render.answer_html(strong, turn=1)
    plain = Answer("q", "The articles do not say.", [], [_passage(1)], True, 0.7, {})
    assert "Why:" not in render.answer_html(plain, turn=1)  # nothing decided it: no line


def test_a_timeline_renders_as_dated_entries_and_a_list_as_bullets_with_their_badges():
    passages = [_passage(1), _passage(2)]
    citations = [Citation(1, passages[0], True), Citation(2, passages[1], True)]
    timeline = render.answer_html(_answer(f"- 2 Mar (year not given): Pay deal [2]\n- 6 Aug 2020: Orders signed "
                                          f"{SCRIPT} [1]\n- 15 Sep 2020 (2 articles): Deadline [1] [2]",
                                          citations, passages), turn=3)
    _no_live_markup(timeline)
    dated = re.findall(r'<li class="nr-dated"><span class="nr-date">([^<]+)</span> (.*?)</li>', timeline)
    assert [d for d, _ in dated] == ["2 Mar (year not given)", "6 Aug 2020", "15 Sep 2020 (2 articles)"]
    assert 'href="#src-3-2"' in dated[2][1]  # each entry keeps its citation badges
    listed = render.answer_html(_answer("The companies named:\n\n- Microsoft: a bidder [1]\n- Oracle: a bidder [2]",
                                        citations, passages), turn=4)
    assert re.search(r"<p>The companies named:</p><ul class=\"nr-list\"><li>Microsoft: a bidder <a", listed)
    assert listed.count("<li>") == 2
    assert "- 6 Aug 2020: Orders signed" in render.answer_markdown(_answer("- 6 Aug 2020: Orders signed [1]",
                                                                           citations, passages))


def test_a_comparison_renders_each_side_as_a_heading_over_its_bullets():
    passages = [_passage(1), _passage(2)]
    citations = [Citation(1, passages[0], True), Citation(2, passages[1], True)]
    html = render.answer_html(_answer("**Chinese state media**\n- It called the bid theft [1]\n\n**Trump**\n"
                                      "- He welcomed the bid [2]", citations, passages), turn=5)
    _no_live_markup(html)
    assert re.search(r'<p><strong class="nr-side">Chinese state media</strong></p><ul class="nr-list"><li>It called',
                     html), html
    assert html.count('class="nr-side"') == 2
    assert "**Trump**" in render.answer_markdown(_answer("**Trump**\n- He welcomed the bid [2]", citations, passages))
