"""Context chosen for evidence under a token budget (after RECOMP's and EXIT's extractive selection, built
from what ships here: sentence-level embedder similarity and lexical evidence, no trained compressor).

Candidate sentences come from every retrieved chunk and from their neighbours in the article (the answer is
often the sentence after the best-matching one); for an open answer, from the best articles whole. They are
picked greedily for relevance to the question, for covering words of the question (each part of a multi-part
question) not yet covered, for a new article, for holding the kind of answer the question expects (a number,
a date, a name), and for sitting next to a sentence already picked; then grouped into contiguous runs per
article, one numbered passage per run.
Nothing relevant enough selected means nothing to show: the chain then refuses without the LLM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.answering.injection import instruction_like
from rag.answering.outlets import outlet_of
from rag.answering.question import has_type
from rag.retrieve import Scored, lexical_overlap
from rag.store.article import ArticleText
from rag.text import content_words, refers_back
from rag.tuning import SELECTION as T
from rag.types import Passage

LONGEST_NEIGHBOUR = 1_000  # characters; chunks are capped, a neighbour read from the article is not
SentenceSims = Callable[[list[str]], list[float]]  # the question's similarity to each text


@dataclass(slots=True)
class Sentence:
    article_id: str
    index: int  # position in the article's sentences
    start: int  # offsets into the cleaned article
    end: int
    text: str
    relevance: float
    info: Passage  # a chunk of its article: title, source, date


def tokens(text: str) -> int:
    """Prompt tokens of `text`, estimated (~4 characters a token for English news with this tokenizer)."""
    return len(text) // 4 + 1


def select(
    scored: list[Scored],
    articles: Callable[[str], ArticleText | None],
    sims: SentenceSims,
    weights: list[dict[str, float]],
    kind: str | None,
    budget: int,
    most: int,
    outlets: Sequence[str] = (),
    whole: int = 0,
    min_gain: float = T["min_gain"],
    part_sims: Sequence[SentenceSims] = (),
    antecedents: Callable[[int], bool] | None = None,
) -> list[tuple[Passage, str]]:
    """Numbered passages (contiguous runs of chosen sentences, grouped per article), each with its best
    sentence, at most `budget` estimated tokens including their headers and at most `most` of them. `weights`
    holds the IDF weights of each question part's words; `kind` is the answer type the question expects;
    `outlets` are the outlets the question names. Every sentence of the `whole` best articles is a candidate
    too, and a sentence gaining less than `min_gain` ends the choosing. With `part_sims` (each part's
    similarity, aligned with `weights`), each part's best sentence is chosen first: its own evidence. With
    `antecedents`, told how many chosen sentences open by pointing back at a sentence not chosen ("He also
    urged …"), that sentence is added before each when it answers True (outside the budget: one sentence)."""
    pool = candidates(scored, articles, sims, weights)
    if whole:
        _add_articles(pool, scored, whole, articles, sims, weights)
    chosen: list[Sentence] = []
    spent = 0

    def value(s: Sentence) -> float:
        return gain(s, chosen, weights, kind, outlets)

    def take(best: Sentence) -> bool:
        """Choose `best` if it fits; False once the passages are as many as allowed."""
        nonlocal spent
        cost = tokens(best.text) + (0 if any(c.article_id == best.article_id for c in chosen) else
                                    tokens(best.info.title) + 4)
        del pool[(best.article_id, best.start)]
        if spent + cost > budget and chosen:
            return True
        chosen.append(best)
        spent += cost
        if len(runs(chosen)) > most:
            chosen.pop()
            return False
        return True

    for best in _part_bests(pool, part_sims, weights):
        take(best)
    while pool:
        best = max(pool.values(), key=value)
        if chosen and value(best) < min_gain:
            break
        if not take(best):
            break
    if antecedents and (before := _antecedents(chosen, articles)) and antecedents(len(before)):
        chosen += before
    return [(passage(run, articles(run[0].article_id)), max(run, key=lambda s: s.relevance).text)
            for run in runs(chosen)]


def pointed_at(sentence: str, before: Sequence[str], most: int = 2) -> int:
    """How many of the sentences `before` `sentence` (nearest last) it points back at ("He", "Its", "But
    they"): the one before it, and the one before that too when that one also points back, up to `most`;
    never past one that reads as an instruction."""
    taken, text = 0, sentence
    while taken < min(most, len(before)) and refers_back(text):
        text = before[-1 - taken]
        if instruction_like(text):
            break
        taken += 1
    return taken


def _antecedents(chosen: list[Sentence], articles: Callable[[str], ArticleText | None]) -> list[Sentence]:
    """The sentences before the chosen ones that they point back at (`pointed_at`), when not chosen."""
    have = {(c.article_id, c.index) for c in chosen}
    found: list[Sentence] = []
    for c in chosen:
        article = articles(c.article_id)
        if article is None or c.index < 1:
            continue
        spans = article.spans[max(0, c.index - 2): c.index]
        for i in range(c.index - pointed_at(c.text, [article.text[a:b] for a, b in spans]), c.index):
            if (c.article_id, i) not in have:
                a, b = article.spans[i]
                found.append(Sentence(c.article_id, i, a, b, article.text[a:b], 0.0, c.info))
                have.add((c.article_id, i))
    return found


def candidates(scored: list[Scored], articles: Callable[[str], ArticleText | None], sims: SentenceSims,
               weights: list[dict[str, float]]) -> dict[tuple[str, int], Sentence]:
    """Every sentence of the retrieved chunks (scored by the chunk's rescoring, plus a share of the chunk's own
    score), and the two neighbours of the best ones, scored here."""
    pool: dict[tuple[str, int], Sentence] = {}
    for s in scored:
        article = articles(s.info.article_id)
        for (a, b), evidence in zip(s.spans, s.evidence, strict=True):
            if instruction_like(s.info.text[a:b]):
                continue  # an article's words are never instructions to the model: left out of the prompt
            start = s.info.start + a
            index = article.index_at(start) if article else None
            sentence = Sentence(s.info.article_id, index if index is not None else -1, start, s.info.start + b,
                                s.info.text[a:b], evidence + T["chunk_prior"] * s.score, s.info)
            key = (sentence.article_id, start)
            if key not in pool or pool[key].relevance < sentence.relevance:
                pool[key] = sentence
    top = sorted(pool.values(), key=lambda s: -s.relevance)[: int(T["neighbours_of"])]
    _add_neighbours(pool, top, articles, sims, weights)
    return pool


def _add_neighbours(pool: dict[tuple[str, int], Sentence], top: list[Sentence],
                    articles: Callable[[str], ArticleText | None], sims: SentenceSims,
                    weights: list[dict[str, float]]) -> None:
    new: list[Sentence] = []
    for s in top:
        article = articles(s.article_id)
        if article is None or s.index < 0:
            continue
        new += _unread(pool, s.article_id, article, (s.index - 1, s.index + 1), s.info)
    _score(new, sims, weights)


def _add_articles(pool: dict[tuple[str, int], Sentence], scored: list[Scored], most: int,
                  articles: Callable[[str], ArticleText | None], sims: SentenceSims,
                  weights: list[dict[str, float]]) -> None:
    """Every sentence of the `most` best retrieved articles: an open answer's points are spread over the
    article, in sentences that need not resemble the question, and reading them costs no generation."""
    best: dict[str, Passage] = {}  # each article's best chunk, best article first
    for s in scored:
        best.setdefault(s.info.article_id, s.info)
    new: list[Sentence] = []
    for article_id, info in list(best.items())[:most]:
        if (article := articles(article_id)) is not None:
            new += _unread(pool, article_id, article, range(len(article.spans)), info)
    _score(new, sims, weights)


def _unread(pool: dict[tuple[str, int], Sentence], article_id: str, article: ArticleText, indices: Iterable[int],
            info: Passage) -> list[Sentence]:
    """The sentences at `indices` of the article not yet in the pool, added to it (unscored)."""
    new = []
    for i in indices:
        if 0 <= i < len(article.spans) and (article_id, article.spans[i][0]) not in pool:
            a, b = article.spans[i]
            if b - a > LONGEST_NEIGHBOUR or instruction_like(article.text[a:b]):
                continue
            new.append(Sentence(article_id, i, a, b, article.text[a:b], 0.0, info))
            pool[(article_id, a)] = new[-1]
    return new


def _score(new: list[Sentence], sims: SentenceSims, weights: list[dict[str, float]]) -> None:
    """A sentence read from the article is scored as a chunk's: similarity plus half its lexical evidence."""
    if new:
        for sentence, relevance in zip(new, _relevance(new, sims, merge_weights(weights)), strict=True):
            sentence.relevance = relevance


def _part_bests(pool: dict[tuple[str, int], Sentence], part_sims: Sequence[SentenceSims],
                weights: list[dict[str, float]]) -> list[Sentence]:
    """For a question in several parts, each part's most relevant sentence (its similarity to that part plus
    half its share of that part's words): a sentence that matches the whole question best can answer one
    part only ("Who was quoted from X, and who from Y?")."""
    if len(part_sims) < 2:
        return []
    texts = list(pool.values())
    bests: list[Sentence] = []
    for part_sim, part in zip(part_sims, weights, strict=True):
        scores = _relevance(texts, part_sim, part)
        best = max(range(len(texts)), key=scores.__getitem__, default=None)
        if best is not None and texts[best] not in bests:
            bests.append(texts[best])
    return bests


def _relevance(sentences: list[Sentence], sims: SentenceSims, weights: dict[str, float]) -> list[float]:
    """Each sentence's similarity plus half its share of `weights` (the IDF weights of the words asked)."""
    return [sim + 0.5 * lexical_overlap(weights, s.text)
            for s, sim in zip(sentences, sims([s.text for s in sentences]), strict=True)]


def merge_weights(weights: list[dict[str, float]]) -> dict[str, float]:
    """The IDF weights of every part of a question, as one table."""
    merged: dict[str, float] = {}
    for part in weights:
        merged.update(part)
    return merged


def gain(s: Sentence, chosen: list[Sentence], weights: list[dict[str, float]], kind: str | None,
         outlets: Sequence[str] = ()) -> float:
    """What adding `s` brings: its relevance, the question words (per part) it covers that nothing chosen
    covers, an outlet the question names that nothing chosen is from, a new article, the expected kind of
    answer, and adjacency to a chosen sentence."""
    value = s.relevance + T["cover"] * _new_coverage(s, chosen, weights)
    outlet = outlet_of(s.info.title)
    if outlet in outlets and all(outlet_of(c.info.title) != outlet for c in chosen):
        value += T["named_outlet"]
    if chosen and all(c.article_id != s.article_id for c in chosen):
        value += T["new_article"]
    if kind and has_type(s.text, kind):
        value += T["answer_type"]
    if any(c.article_id == s.article_id and abs(c.index - s.index) == 1 and s.index >= 0 for c in chosen):
        value += T["adjacent"]
    return value


def _new_coverage(s: Sentence, chosen: list[Sentence], weights: list[dict[str, float]]) -> float:
    """Per part, the share of its IDF weight that `s` covers and the chosen sentences do not; best part."""
    have = set().union(*(_words(c.info.title, c.text) for c in chosen))
    words = _words(s.info.title, s.text) - have
    best = 0.0
    for part in weights:
        total = sum(part.values())
        if total:
            best = max(best, sum(w for word, w in part.items() if word in words) / total)
    return best


@lru_cache(maxsize=8192)
def _words(title: str, text: str) -> frozenset[str]:
    """A sentence's content words with its title's: asked for again for every sentence weighed after it."""
    return frozenset(content_words(title + " " + text))


def runs(chosen: list[Sentence]) -> list[list[Sentence]]:
    """Chosen sentences grouped per article (articles in the order first chosen), split where not adjacent."""
    order = list(dict.fromkeys(c.article_id for c in chosen))
    out: list[list[Sentence]] = []
    for aid in order:
        mine = sorted((c for c in chosen if c.article_id == aid), key=lambda c: c.start)
        for sentence in mine:
            last = out[-1][-1] if out and out[-1][-1].article_id == aid else None
            if last is not None and ((sentence.index == last.index + 1 and sentence.index >= 0)
                                     or sentence.start <= last.end):
                out[-1].append(sentence)
            else:
                out.append([sentence])
    return out


def passage(run: list[Sentence], article: ArticleText | None) -> Passage:
    """A contiguous run as a passage: its text is the run of the article (offsets into the cleaned article)."""
    first, end = run[0], max(s.end for s in run)
    text = article.text[first.start:end] if article else " ".join(dict.fromkeys(s.text for s in run))
    score = max(s.relevance for s in run)
    return Passage(first.info.chunk_id, first.article_id, first.info.title, first.info.source,
                   first.info.published, text, score, first.start, end)
