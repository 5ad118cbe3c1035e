"""Quotes of one article that would show the same sentence twice become one quote (index.overlap)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from index.answer import compose
from index.models import Passage, Quote, StoredArticle
from index.scoring import Hit
from index.text import sentence_spans

TALKS = (
    "The ministers met in Geneva on Monday. An adviser said a trade pact could be signed during the visit.",
    "He added that the pact would cut tariffs on grain and steel.",
    "They also discussed shipping routes through the strait.",
    "Officials from both sides called the talks useful.",
)
OTHER = ("Grain prices rose on Tuesday as traders waited for news from Geneva.",)
DIGEST = ("Monday's briefing: An adviser said a trade pact could be signed during the visit.",)


def _article(article_id: int, title: str, count: int) -> StoredArticle:
    return StoredArticle(article_id, title, "Wire", "", "2024-06-18", "", "", count, "", "")


ARTICLES = {1: _article(1, "Ministers meet in Geneva", len(TALKS)), 2: _article(2, "Grain prices rise", 1),
            3: _article(3, "Monday's briefing", 1)}


def _passage(article_id: int, number: int) -> Passage:
    text = {1: TALKS, 2: OTHER, 3: DIGEST}[article_id][number - 1]
    return Passage(article_id * 100 + number, article_id, number, text)


def _hit(article_id: int, number: int, score: float, best: int = 0) -> Hit:
    """A hit whose sentence `best` is the one an answer marks."""
    passage = _passage(article_id, number)
    spans = sentence_spans(passage.text)
    cosine = np.full(len(spans), 0.2, np.float32)
    cosine[best] = 0.9
    return Hit(passage, score, score, 0.0, spans=spans, sentence_cosine=cosine,
               sentence_coverage=np.zeros(len(spans), np.float32))


def _answer(hits: list[Hit]) -> list[Quote]:
    neighbours = {(p.article_id, p.number): p for p in (_passage(1, n) for n in range(1, len(TALKS) + 1))}
    answer = compose("What could be signed during the visit?", hits, ARTICLES, neighbours, 3, 0.0, 2)
    return answer.quotes


def _marked(quote: Quote) -> list[str]:
    return [quote.text[a:b] for a, b in quote.highlights]


def _assert_verbatim(quote: Quote) -> None:
    article = "\n\n".join({1: TALKS, 2: OTHER, 3: DIGEST}[quote.article_id])
    assert quote.text in article
    assert quote.context[quote.offset : quote.offset + len(quote.text)] == quote.text


def test_a_quote_widened_back_into_another_quote_is_one_quote_marking_both() -> None:
    quotes = _answer([_hit(1, 1, 0.9, best=1), _hit(1, 2, 0.85), _hit(2, 1, 0.8)])
    first = quotes[0]
    assert first.text == TALKS[0].split(". ", 1)[1] + "\n\n" + TALKS[1]  # the adviser's sentence once, then "He added"
    assert _marked(first) == ["An adviser said a trade pact could be signed during the visit.", TALKS[1]]
    assert [q.article_id for q in quotes] == [1, 2]
    for quote in quotes:
        _assert_verbatim(quote)


def test_a_merged_quote_leaves_its_place_to_the_next_passage() -> None:
    quotes = _answer([_hit(1, 1, 0.9, best=1), _hit(1, 2, 0.85), _hit(1, 4, 0.84), _hit(2, 1, 0.8)])
    assert [(q.article_id, q.paragraph) for q in quotes] == [(1, 2), (2, 1), (1, 4)]  # three quotes still


def test_no_sentence_is_shown_twice() -> None:
    quotes = _answer([_hit(1, 2, 0.9), _hit(1, 1, 0.88, best=1), _hit(1, 3, 0.86), _hit(2, 1, 0.8)])
    shown = [s for q in quotes for a, b in sentence_spans(q.text) for s in [q.text[a:b]]]
    assert len(shown) == len(set(shown))
    for quote in quotes:
        _assert_verbatim(quote)
        assert all(0 <= a < b <= len(quote.text) for a, b in quote.highlights)


def test_quotes_of_different_paragraphs_that_share_nothing_stay_apart() -> None:
    quotes = _answer([_hit(1, 1, 0.9, best=0), _hit(1, 4, 0.85), _hit(2, 1, 0.8)])
    assert [(q.article_id, q.paragraph) for q in quotes] == [(1, 1), (2, 1), (1, 4)]
    assert quotes[0].text == "The ministers met in Geneva on Monday."


def test_another_article_repeating_the_quoted_words_is_cited_not_quoted_again() -> None:
    quotes = _answer([_hit(1, 1, 0.9, best=1), _hit(3, 1, 0.88), _hit(2, 1, 0.8)])
    assert [q.article_id for q in quotes] == [1, 2]
    assert quotes[0].text == "An adviser said a trade pact could be signed during the visit."
    assert [(t["article_id"], t["title"]) for t in quotes[0].also_in] == [(3, "Monday's briefing")]


SENTENCES = ["The minister arrived on Monday.", "He said the deal was close.", "She added that talks would go on.",
             "Prices rose by 3 per cent.", "They met again in June.", "The team won the final."]


@given(st.lists(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3).map(" ".join), min_size=2, max_size=5),
       st.data())
def test_any_quotes_of_one_article_are_verbatim_and_share_no_text(paragraphs: list[str], data: st.DataObject) -> None:
    passages = [Passage(100 + n, 1, n, text) for n, text in enumerate(paragraphs, start=1)]
    order = data.draw(st.permutations(passages))
    hits = []
    for rank, passage in enumerate(order):
        spans = sentence_spans(passage.text)
        cosine = np.full(len(spans), 0.2, np.float32)
        cosine[data.draw(st.integers(0, len(spans) - 1))] = 0.9
        hits.append(Hit(passage, 0.9 - 0.01 * rank, 0.5, 0.0, spans=spans, sentence_cosine=cosine,
                        sentence_coverage=np.zeros(len(spans), np.float32)))
    article = _article(1, "Talks", len(paragraphs))
    neighbours = {(p.article_id, p.number): p for p in passages}
    quotes = compose("What was said?", hits, {1: article}, neighbours, 3, 0.0, 1).quotes
    whole = "\n\n".join(paragraphs)
    covered: list[tuple[int, int]] = []
    for quote in quotes:
        assert quote.context[quote.offset : quote.offset + len(quote.text)] == quote.text
        assert all(0 <= a < b <= len(quote.text) for a, b in quote.highlights) and quote.highlights
        before = sum(len(p) + 2 for p in paragraphs[: quote.paragraph - 1])  # where its own paragraph starts
        start = before - (len(quote.context) - len(paragraphs[quote.paragraph - 1])) + quote.offset
        assert whole[start : start + len(quote.text)] == quote.text
        covered.append((start, start + len(quote.text)))
    covered.sort()
    assert all(a[1] <= b[0] for a, b in zip(covered, covered[1:])), "two quotes share text"
