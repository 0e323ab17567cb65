import datetime as dt
import re
from pathlib import Path

from index.clean import clean_lines
from index.load import RawDoc
from index.split import parse_document
from rag.types import Article
from tests.conftest import SEED

# Every boilerplate form in the sample corpus; these lines must be gone from every article.
BOILERPLATE = re.compile(
    r"READ MORE|JUST IN|DON.T MISS|\(Image:|Share this Article|Leave a (comment|Reply)|"
    r"Your email address will not be published|Akismet|More to follow|Please enter your|"
    r"\[(INSIGHT|REVEAL|OPINION)\]|Min Read|See Also:|Related Topics|is a news writer for|Eric Thayer/Reuters"
)


def _seed_articles() -> list[tuple[Path, Article]]:
    return [
        (path, article)
        for path in sorted(SEED.iterdir())
        for article in parse_document(RawDoc(str(path), path.read_text("utf-8"))).articles
    ]


def test_seed_files_split_into_articles_with_titles():
    articles = _seed_articles()
    assert len(articles) == 14  # 001 holds ten, two of them repeated verbatim
    assert len({a.article_id for _, a in articles}) == 12
    titles = [a.title for p, a in articles if p.name.startswith("001")]
    assert titles[0] == "TikTok warning: China threatens retaliation after Microsoft 'theft' of video service"
    assert titles[-1].startswith("World War 3: China face Indian retaliation")


def test_leading_date_line_becomes_published():
    (article,) = [a for p, a in _seed_articles() if p.name.startswith("000")]
    assert article.published == dt.date(2020, 9, 12)
    assert not article.text.startswith("date") and article.text.startswith("In a growing diplomatic spat")


def test_repeated_headline_and_site_suffix_are_removed():
    by_file = {p.name[:3]: a for p, a in _seed_articles()}
    assert by_file["004"].title == "China wants to discuss TikTok and WeChat in US trade talks: report"
    assert "Washington Restricts US Exports" not in by_file["002"].text


def test_no_boilerplate_survives_cleaning():
    for _, article in _seed_articles():
        for line in article.text.split("\n"):
            assert not BOILERPLATE.search(line), line


def test_no_body_sentence_is_dropped():
    """Every line of the raw files that reads as a sentence is kept, unless it is listed boilerplate."""
    kept = "\n".join(f"{a.title}\n{a.text}" for _, a in _seed_articles())
    checked = 0
    for path in sorted(SEED.iterdir()):
        for line in path.read_text("utf-8").splitlines():
            line = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", line).strip()
            if len(line.split()) >= 6 and re.search(r"[.!?][\"'”’]?$", line) and not BOILERPLATE.search(line):
                checked += 1
                assert line in kept, f"{path.name}: dropped body sentence {line!r}"
    assert checked > 150


def test_image_alt_text_goes_with_its_caption_but_body_stays():
    text = (
        "Donald Trump\nDonald Trump’s law threatens China (Image: getty)\n"
        "He said the US would act.\nChina\nTroops at the border (Image: Planet Labs)\n"
    )
    cleaned = clean_lines(text)
    assert [line for line in cleaned.lines if line] == ["He said the US would act."]
    assert cleaned.removed == 4


def test_author_box_is_removed_but_last_paragraph_kept():
    text = (
        "Jane Doe\nUpdated:\n\nThe vote passed on Monday.\nThe AP contributed to this report.\n"
        "Jane Doe\nJane Doe\nAuthor\nJane Doe is a reporter covering trade.\nRelated Topics\n"
    )
    kept = [line for line in clean_lines(text).lines if line]
    assert kept == ["The vote passed on Monday.", "The AP contributed to this report."]


def test_records_with_titles_are_not_split(tmp_path: Path):
    body = "First paragraph here about the news.\n\n\n\nAnother Headline Like Line Here\n" + "x " * 200
    parsed = parse_document(RawDoc("f.json", body, title="Given title", published=dt.date(2021, 1, 2)))
    assert len(parsed.articles) == 1
    assert parsed.articles[0].title == "Given title" and parsed.articles[0].published == dt.date(2021, 1, 2)


def test_cleaning_is_idempotent():
    for path in sorted(SEED.iterdir()):
        once = clean_lines(path.read_text("utf-8"))
        twice = clean_lines("\n".join(once.lines))
        assert [x for x in twice.lines if x] == [x for x in once.lines if x] and twice.removed == 0
