import itertools

from index.chunk import chunk_article
from index.dedup import Deduplicator, signature
from index.split import content_id
from rag.text import sentence_spans
from rag.types import Article
from tests.test_clean_split import _seed_articles


def _article(text: str) -> Article:
    return Article(content_id(text), "T", text, "s.txt")


def test_exact_copy_and_near_copy_are_flagged_unrelated_is_not():
    articles = {a.article_id: a for _, a in _seed_articles()}
    original = next(a for a in articles.values() if a.title.startswith("China retaliation"))
    lines = original.text.split("\n")
    near = "\n".join(["Syndicated by Example Wire.", *lines[:-1], "Additional reporting by staff."])
    dedup = Deduplicator(threshold=0.8)
    for aid, article in articles.items():
        if aid != original.article_id:
            assert dedup.check(aid, signature(article.text)) is None
            dedup.add(aid, signature(article.text))
    dedup.add(original.article_id, signature(original.text))
    exact = dedup.check(original.article_id, signature(original.text))
    assert exact is not None and exact.exact
    found = dedup.check(content_id(near), signature(near))
    assert found is not None and found.duplicate_of == original.article_id and not found.exact


def test_dedup_is_idempotent():
    dedup = Deduplicator(threshold=0.8)
    text = "one two three four five six seven eight nine ten"
    dedup.add("a", signature(text))
    dedup.add("a", signature(text))
    assert dedup.check("b", signature(text)) is not None


def test_chunks_cover_the_article_with_valid_offsets():
    for _, article in _seed_articles():
        chunks = chunk_article(article, size=600, overlap=1)
        covered: set[int] = set()
        for chunk in chunks:
            assert article.text[chunk.start:chunk.end] == chunk.text
            covered.update(range(chunk.start, chunk.end))
        for start, end in sentence_spans(article.text):
            assert set(range(start, end)) <= covered
        assert [c.chunk_id for c in chunks] == [f"{article.article_id}:{i}" for i in range(len(chunks))]


def test_chunks_respect_size_and_overlap_one_sentence():
    text = " ".join(f"Sentence number {i} is about twenty chars." for i in range(40))
    chunks = chunk_article(_article(text), size=200, overlap=1)
    assert all(len(c.text) <= 200 for c in chunks)
    for a, b in itertools.pairwise(chunks):
        last_sentence = a.text.rsplit(". ", 1)[-1]
        assert b.text.startswith(last_sentence.rstrip("."))


def test_an_overlong_sentence_is_cut_at_spaces_into_chunks_of_at_most_size():
    long = "Word " + "word " * 300 + "end."
    text = f"Short one. {long} Short two."
    chunks = chunk_article(_article(text), size=100, overlap=0)
    assert chunks[0].text == "Short one." and chunks[-1].text.endswith("end. Short two.")
    for c in chunks:
        assert len(c.text) <= 100 and text[c.start:c.end] == c.text
        assert (c.start == 0 or text[c.start - 1] == " ") and (c.end == len(text) or text[c.end] == " ")


def test_a_5_mb_line_without_punctuation_never_makes_a_chunk_over_size():
    """Whole words where they fit, characters where one "word" is longer than the size."""
    unit = "the harbour council said no " * 40 + "x" * 1500 + " "
    text = "Endless\n" + (unit * (5_000_000 // len(unit) + 1))[:5_000_000]
    chunks = chunk_article(_article(text), size=600, overlap=1)
    assert max(len(c.text) for c in chunks) <= 600 and len(chunks) > 5_000_000 // 600
    assert all(text[c.start:c.end] == c.text for c in chunks)
    for a, b in itertools.pairwise(chunks):  # in order, and no text between two chunks is skipped
        assert a.start < b.start and not text[a.end:b.start].strip()
    assert chunks[0].start == 0 and chunks[-1].end == len(text.rstrip())
