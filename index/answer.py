"""Compose an answer from retrieved passages: the answering sentence(s), quoted verbatim."""
from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from .models import Answer, Quote, StoredArticle
from .search import Hit
from .text import content_terms, sentence_spans, words

NOT_FOUND = "not found in the stored articles"
_LEANING = re.compile(
    r"^[\"'“‘(]*(?:he|she|they|it|this|that|these|those|his|her|their|its)\b"
    r"|,?[\"'”’]?\s*(?:he|she|they)\s+(?:said|added|noted|told|wrote|explained|stated)\b",
    re.IGNORECASE,
)

Embed = Callable[[Sequence[str]], np.ndarray]


def refusal(question: str, hits: Sequence[Hit], articles: dict[int, StoredArticle], searched: int) -> Answer:
    """The plain "not found" answer, suggesting the titles of the closest articles."""
    titles = list(dict.fromkeys(articles[h.passage.article_id].title for h in hits if h.passage.article_id in articles))
    return Answer(question, refused=True, suggestions=titles[:3], searched=searched, reason=NOT_FOUND)


def best_per_article(hits: Sequence[Hit], limit: int, min_score: float) -> list[Hit]:
    """The best hit of each article, best first, up to `limit`; later ones must be confident too."""
    chosen: dict[int, Hit] = {}
    for hit in hits:
        if hit.passage.article_id not in chosen and (not chosen or hit.dense >= min_score):
            chosen[hit.passage.article_id] = hit
        if len(chosen) == limit:
            break
    return list(chosen.values())


def _overlap(question_terms: set[str], sentence: str) -> float:
    if not question_terms:
        return 0.0
    return len(question_terms & set(words(sentence))) / len(question_terms)


def pick_sentence(question: str, qvec: np.ndarray, text: str, spans: list[tuple[int, int]], svecs: np.ndarray) -> int:
    """Index of the sentence that best answers: cosine to the question plus shared words."""
    terms = set(content_terms(question))
    scores = [float(np.dot(svecs[i], qvec)) + 0.3 * _overlap(terms, text[s:e]) for i, (s, e) in enumerate(spans)]
    return int(np.argmax(scores))


def widen(text: str, spans: list[tuple[int, int]], index: int) -> int:
    """First sentence to quote: step back while the sentence leans on a pronoun or "he said"."""
    first = index
    while first > 0 and _LEANING.search(text[spans[first][0] : spans[first][1]]):
        first -= 1
    return first


def build_quote(hit: Hit, article: StoredArticle, start: int, end: int, marked: tuple[int, int]) -> Quote:
    """A quote of text[start:end] of the hit's paragraph, with `marked` (paragraph offsets) highlighted."""
    paragraph = hit.passage.text
    return Quote(
        text=paragraph[start:end],
        article_id=article.id,
        title=article.title,
        source=article.source,
        url=article.url,
        published=article.published,
        paragraph=hit.passage.number,
        score=hit.score,
        passage_id=hit.passage.id,
        offset=start,
        highlights=[(marked[0] - start, marked[1] - start)],
        context=paragraph,
    )


def compose(
    question: str, query: str, qvec: np.ndarray, hits: Sequence[Hit],
    articles: dict[int, StoredArticle], embed: Embed, max_quotes: int, min_score: float, searched: int,
) -> Answer:
    """Quotes for the best passages, or a refusal when the best is below `min_score`."""
    if not hits or hits[0].dense < min_score:
        return refusal(question, hits, articles, searched)
    chosen = best_per_article(hits, max_quotes, min_score)
    spans = [sentence_spans(h.passage.text) or [(0, len(h.passage.text))] for h in chosen]
    texts = [h.passage.text[s:e] for h, ss in zip(chosen, spans) for s, e in ss]
    svecs = embed(texts)
    quotes, row = [], 0
    for hit, ss in zip(chosen, spans):
        best = pick_sentence(query, qvec, hit.passage.text, ss, svecs[row : row + len(ss)])
        row += len(ss)
        first = widen(hit.passage.text, ss, best)
        quotes.append(build_quote(hit, articles[hit.passage.article_id], ss[first][0], ss[best][1], ss[best]))
    return Answer(question, refused=False, quotes=quotes, searched=searched)
