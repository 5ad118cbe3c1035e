"""Compose an answer from retrieved passages: the answering sentence(s), quoted verbatim.

- Confidence is the best hit's fused score (index.search); below `min_score` the answer is a
  refusal that suggests the closest article titles.
- Each quote is the best passage of one article (up to `max_quotes` articles); a passage that is a
  near-duplicate of one already quoted (the same wire story stored twice) adds its source to that
  quote's `also_in` instead of a quote of its own.
- The marked sentence is the one with the best cosine plus PICK_LEXICAL times its term coverage. When
  it leans on a pronoun or a bare speech verb ("he said"), the quote widens back to the sentence
  that names who is meant, across into the previous paragraph when needed.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from .models import Answer, Passage, Quote, StoredArticle
from .search import Hit
from .text import sentence_spans, words

NOT_FOUND = "not found in the stored articles"
PICK_LEXICAL = 1.0  # weight of a sentence's term coverage next to its cosine, for the marked sentence
DUPLICATE_JACCARD = 0.8  # word-shingle overlap above which two passages are the same text
_LEANING = re.compile(
    r"^[\"'“‘(]*(?:he|she|they|it|this|that|these|those|his|her|their|its)\b"
    r"|,?[\"'”’]?\s*(?:he|she|they)\s+(?:said|added|noted|told|wrote|explained|stated|says|adds)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(
    r"^[\"'“‘(]*(?:he|she|they|his|her|their)\b"
    r"|[,\"'”’]\s*(?:he|she|they)\s+(?:said|added|noted|told|wrote|explained|stated|says|adds)\b",
    re.IGNORECASE,
)

_ATTRIBUTION = re.compile(
    r"^[\"'“‘]?[^\"'“‘]*[\"'”’]\s*,?\s*(?:he|she|they)\s+(?:said|added|noted|told \w+|wrote|explained|stated|says|adds)\b[^.]{0,40}\.?$",
    re.IGNORECASE,
)

Neighbours = Mapping[tuple[int, int], Passage]  # (article id, paragraph number) -> passage


def confidence(hits: Sequence[Hit]) -> float:
    """How sure the library is that the stored articles answer: the best fused score."""
    return hits[0].score if hits else 0.0


def refusal(
    question: str, hits: Sequence[Hit], articles: dict[int, StoredArticle], searched: int, score: float = 0.0,
) -> Answer:
    """The plain "not found" answer, suggesting the titles of the closest articles."""
    titles = list(dict.fromkeys(articles[h.passage.article_id].title for h in hits if h.passage.article_id in articles))
    return Answer(question, refused=True, suggestions=titles[:3], searched=searched, reason=NOT_FOUND,
                  confidence=score)


@lru_cache(maxsize=4096)
def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    tokens = words(text)
    return frozenset(tuple(tokens[i : i + 3]) for i in range(max(len(tokens) - 2, 1)))


def near_duplicate(a: str, b: str) -> bool:
    """Whether two passages are the same text give or take a few words (Jaccard of 3-word shingles)."""
    if a == b:
        return True
    sa, sb = _shingles(a), _shingles(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= DUPLICATE_JACCARD


def best_per_article(hits: Sequence[Hit], limit: int, min_score: float) -> list[tuple[Hit, list[Hit]]]:
    """The best hit of each article, best first, up to `limit`, each with its near-duplicates.

    Hits after the first must reach `min_score` too; a near-duplicate of a chosen hit (from
    another article) joins that hit instead of taking a place.
    """
    chosen: list[tuple[Hit, list[Hit]]] = []
    articles: set[int] = set()
    for hit in hits:
        if hit.passage.article_id in articles or (chosen and hit.score < min_score):
            continue
        twin = next((c for c in chosen if near_duplicate(c[0].passage.text, hit.passage.text)), None)
        if twin is not None:
            twin[1].append(hit)
        elif len(chosen) < limit:
            chosen.append((hit, []))
        else:
            continue
        articles.add(hit.passage.article_id)
    return chosen


def pick_sentence(hit: Hit) -> int:
    """Index of the sentence that best answers: cosine to the question plus weighted term coverage."""
    if not len(hit.sentence_cosine):
        return 0
    return int(np.argmax(hit.sentence_cosine + PICK_LEXICAL * hit.sentence_coverage))


def widen(text: str, spans: list[tuple[int, int]], index: int) -> int:
    """First sentence to quote: step back while the sentence leans on a pronoun or "he said"."""
    first = index
    while first > 0 and _LEANING.search(text[spans[first][0] : spans[first][1]]):
        first -= 1
    return first


def through_attribution(text: str, spans: list[tuple[int, int]], index: int) -> int:
    """Last sentence to quote: the next one too when it ends a quotation with a bare "he said"."""
    last = index
    while last + 1 < len(spans) and last - index < 2 and _ATTRIBUTION.search(text[spans[last + 1][0] : spans[last + 1][1]]):
        last += 1
    return last


def leans_on_person(sentence: str) -> bool:
    """Whether a sentence needs an earlier one to say who "he"/"she"/"they" is."""
    return bool(_PERSONAL.search(sentence))


def build_quote(hit: Hit, article: StoredArticle, previous: Passage | None) -> Quote:
    """Quote the marked sentence of `hit`, widened back to name who speaks (see the module doc)."""
    paragraph = hit.passage.text
    spans = hit.spans or [(0, len(paragraph))]
    best = pick_sentence(hit)
    first = widen(paragraph, spans, best)
    last = through_attribution(paragraph, spans, best)
    context, offset, shift = paragraph, spans[first][0], 0
    if previous is not None and first == 0 and leans_on_person(paragraph[: spans[last][1]]):
        before = sentence_spans(previous.text) or [(0, len(previous.text))]
        back = widen(previous.text, before, len(before) - 1)
        context = previous.text + "\n\n" + paragraph
        shift = len(previous.text) + 2
        offset = before[back][0]
    end = shift + spans[last][1]
    marked = (shift + spans[best][0] - offset, shift + spans[best][1] - offset)
    return Quote(
        text=context[offset:end],
        article_id=article.id,
        title=article.title,
        source=article.source,
        url=article.url,
        published=article.published,
        paragraph=hit.passage.number,
        score=hit.score,
        passage_id=hit.passage.id,
        offset=offset,
        highlights=[marked],
        context=context,
    )


def _twin(hit: Hit, article: StoredArticle) -> dict[str, object]:
    return {"article_id": article.id, "title": article.title, "source": article.source, "url": article.url,
            "published": article.published, "paragraph": hit.passage.number}


def compose(
    question: str, hits: Sequence[Hit], articles: dict[int, StoredArticle], neighbours: Neighbours,
    max_quotes: int, min_score: float, searched: int,
) -> Answer:
    """Quotes for the best passages, or a refusal when the confidence is below `min_score`."""
    score = confidence(hits)
    if not hits or score < min_score:
        return refusal(question, hits, articles, searched, score)
    quotes = []
    for hit, twins in best_per_article(hits, max_quotes, min_score):
        previous = neighbours.get((hit.passage.article_id, hit.passage.number - 1))
        quote = build_quote(hit, articles[hit.passage.article_id], previous)
        quote.also_in = [_twin(t, articles[t.passage.article_id]) for t in twins if t.passage.article_id in articles]
        quotes.append(quote)
    return Answer(question, refused=False, quotes=quotes, searched=searched, confidence=score)
