"""The question sets themselves: every gold a figure rests on can be found in the articles it names, every
open question has nuggets a complete answer would state, and ids never collide (results are keyed by id)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evals import metrics as m
from evals.cases import Case, read_cases
from evals.suites import multihop, news, seed

INTENTS = {"fact", "yesno", "list", "summary", "timeline", "why", "compare", "latest"}


def _squash(text: str) -> str:
    return m.squash(text.replace("\u00a0", " "))


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every article a question may name as its source, squashed (whitespace, case and quotes folded): the
    sample files by file name, the MultiHop corpus by title."""
    texts = {p.name: _squash(p.read_text("utf-8")) for p in seed.ARTICLES.iterdir()}
    mh = multihop.corpus_file(tmp_path_factory.mktemp("work"))
    for article in map(json.loads, mh.read_text("utf-8").splitlines()):
        texts[article["title"]] = _squash(f"{article['title']}\n{article['body']}")
    return texts


def _sources() -> dict[str, list[str]]:
    """Each question's `sources` (the loader keeps no copy of them)."""
    files = [seed.HERE / name for name, _ in seed.FILES] + [news.HERE / name for name in news.FILES]
    return {row["id"]: row.get("sources") or [] for path in files
            for row in map(json.loads, path.read_text("utf-8").splitlines())}


def _news() -> list[Case]:
    return [c for name in news.FILES for c in read_cases(news.HERE / name, "dev")]


def _seed() -> list[Case]:
    return seed.load(Path("unused")).cases  # reads its files only


def test_ids_are_unique_within_each_suite():
    for cases in (_seed(), _news()):
        ids = [c.id for c in cases]
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_seed_has_a_fresh_test_split_and_keeps_the_seen_one_as_dev2():
    splits = [c.split for c in _seed()]
    assert splits.count("test") >= 60 and splits.count("dev2") == 50 and splits.count("dev") == 65


def test_every_gold_sentence_and_alias_is_in_the_articles_it_names(articles: dict[str, str]):
    sources = _sources()
    for case in _seed() + _news():
        named = sources[case.id]
        assert all(s in articles for s in named), (case.id, [s for s in named if s not in articles])
        text = "\n".join(articles[s] for s in named)

        def holds(alias: str, text: str = text) -> bool:
            return _squash(alias) in text or _squash(alias.replace(",", "")) in text

        for sentence in case.evidence:
            assert _squash(sentence) in text, (case.id, sentence)
        for nugget in case.nuggets:
            assert _squash(nugget.sentence) in text, (case.id, nugget.sentence)
            assert any(holds(a) for a in nugget.aliases), (case.id, nugget.aliases)
        if case.answers and not m.is_yes_no(case.answers):
            assert any(holds(a) for a in case.answers), (case.id, case.answers)


def test_news_questions_are_labelled_and_open_ones_have_nuggets():
    cases = _news()
    assert len(cases) >= 150
    assert {c.intent for c in cases} <= INTENTS and all(c.intent for c in cases)
    opened = [c for c in cases if c.type == "open"]
    assert 0.35 <= len(opened) / len(cases) <= 0.65  # about half open-ended
    for case in opened:
        assert 3 <= len(case.nuggets) <= 6 and not case.answers, case.id
        if case.intent == "timeline":
            assert len({n.date for n in case.nuggets if n.date}) >= 3, case.id
            assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", n.date) for n in case.nuggets if n.date), case.id
    for case in cases:
        assert case.split in ("dev", "test"), case.id
        if case.type == "unanswerable":
            assert not case.answers and not case.evidence and not case.nuggets, case.id
        if case.type == "followup":
            assert case.history, case.id
    by_split = {s: [c for c in cases if c.split == s] for s in ("dev", "test")}
    assert abs(len(by_split["dev"]) - len(by_split["test"])) <= len(cases) // 5


def test_no_question_holds_its_own_gold():
    for case in _seed() + _news():
        if case.answers and not m.is_yes_no(case.answers):
            assert not m.gold_in_question(case.question, case.answers), case.id
        for nugget in case.nuggets:  # an alias the question holds would be "found" by echoing the question
            assert not m.gold_in_question(case.question, nugget.aliases), (case.id, nugget.aliases)


def test_the_news_suite_loads_over_both_corpora(tmp_path: Path):
    suite = news.load(tmp_path)
    assert suite.name == "news" and len(suite.corpus) == 2 and all(p.exists() for p in suite.corpus)
    assert len(suite.cases) == len(_news())
