"""Compose an answer from retrieved passages: the answering sentence(s), quoted verbatim.

- Confidence is the learned probability that the first quote answers (index.confidence, from the
  ranked hits' evidence); below `min_score` the answer is a refusal that suggests the closest
  article titles.
- Each quote is the best passage of one article (up to `max_quotes` articles); a passage that is a
  near-duplicate of one already quoted (the same wire story stored twice) adds its source to that
  quote's `also_in` instead of a quote of its own.
- The marked sentence is the one with the best cosine plus PICK_LEXICAL times its term coverage. When
  it leans on a pronoun or a bare speech verb ("he said"), the quote widens back to the sentence
  that names who is meant, across into the previous paragraph when needed; quotes of one article
  that then share text are merged into one (index.overlap).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from .confidence import confidence as learned_confidence
from .models import Answer, Passage, Quote, StoredArticle
from .overlap import Placed, merge_overlapping
from .scoring import PICK_LEXICAL, Hit, pick_sentence  # noqa: F401 (PICK_LEXICAL re-exported)
from .text import sentence_spans, words

NOT_FOUND = "not found in the stored articles"
DUPLICATE_JACCARD = 0.8  # word-shingle overlap above which two passages are the same text
SAME_ARTICLE_PENALTY = 0.1  # score a second passage of an already quoted article gives up (docs/EVAL.md)
DROP_MARGIN = 0.2  # a passage this far below the first is not quoted
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

_GENERIC_NOUNS = (
    "show|series|film|movie|book|song|album|band|team|club|side|squad|company|firm|group|agency|"
    "department|ministry|government|administration|court|judge|jury|committee|panel|board|bill|law|"
    "measure|proposal|plan|deal|agreement|report|study|survey|storm|hurricane|fire|virus|disease|"
    "vaccine|drug|airline|carrier|network|channel|platform|app|device|network|station|singer|actor|"
    "actress|star|player|coach|president|leader|official|spokesperson|spokesman|spokeswoman|"
    "suspect|victim|man|woman|boy|girl|couple|family|city|state|country|nation|island|town|event|"
    "festival|tournament|game|match|race|ship|spacecraft|rocket|mission|project|organization|"
    "retailer|brand|chain|restaurant|museum|school|university|hospital|officer|driver|pilot"
)
_GENERIC_SUBJECT = re.compile(
    rf"^[\"'“‘(]*(?:the|this|that)\s+(?:(?:new|former|\d+-year-old|[a-z]+-based)\s+)?(?:{_GENERIC_NOUNS})s?\b",
    re.IGNORECASE,
)
"""A sentence whose subject is a bare "the show", "the team": the one before it names what is meant."""

_ATTRIBUTION = re.compile(
    r"^[\"'“‘]?[^\"'“‘]*[\"'”’]\s*,?\s*(?:he|she|they)\s+(?:said|added|noted|told \w+|wrote|explained|stated|says|adds)\b[^.]{0,40}\.?$",
    re.IGNORECASE,
)

Neighbours = Mapping[tuple[int, int], Passage]  # (article id, paragraph number) -> passage


def confidence(question: str, hits: Sequence[Hit]) -> float:
    """How sure the library is that the stored articles answer (0..1): index.confidence's model."""
    return learned_confidence(question, hits)


def refusal(
    question: str, hits: Sequence[Hit], articles: dict[int, StoredArticle], searched: int, score: float = 0.0,
    reason: str = NOT_FOUND,
) -> Answer:
    """The "not found" answer saying `reason`, suggesting the titles of the closest articles."""
    titles = list(dict.fromkeys(articles[h.passage.article_id].title for h in hits if h.passage.article_id in articles))
    return Answer(question, refused=True, suggestions=titles[:3], searched=searched, reason=reason,
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


def choose_quotes(hits: Sequence[Hit], limit: int) -> list[tuple[Hit, list[Hit]]]:
    """The passages to quote, best first, up to `limit`, each with its near-duplicates.

    Greedy by score, where a passage of an article already quoted counts SAME_ARTICLE_PENALTY
    less: a second passage of the best article beats a far weaker article, not a close one.
    A passage more than DROP_MARGIN below the first is not quoted; a near-duplicate of a chosen
    passage (the same story stored twice) joins that quote instead of taking a place.
    """
    if not hits:
        return []
    floor = hits[0].score - DROP_MARGIN
    chosen: list[tuple[Hit, list[Hit]]] = []
    quoted: set[int] = set()
    left = [h for h in hits if h.score >= floor]
    while left and len(chosen) < limit:
        best = max(left, key=lambda h: h.score - (SAME_ARTICLE_PENALTY if h.passage.article_id in quoted else 0.0))
        left.remove(best)
        twin = next((c for c in chosen if near_duplicate(c[0].passage.text, best.passage.text)), None)
        if twin is not None:
            if best.passage.article_id not in quoted and all(t.passage.article_id != best.passage.article_id for t in twin[1]):
                twin[1].append(best)
            continue
        chosen.append((best, []))
        quoted.add(best.passage.article_id)
    return chosen


def leans_back(sentence: str) -> bool:
    """Whether a sentence names its subject only as a pronoun, "he said" or a bare "the team"."""
    return bool(_LEANING.search(sentence) or _GENERIC_SUBJECT.search(sentence))


def widen(text: str, spans: list[tuple[int, int]], index: int) -> int:
    """First sentence to quote: step back while the sentence leans on a pronoun, "he said" or "the show"."""
    first = index
    while first > 0 and leans_back(text[spans[first][0] : spans[first][1]]):
        first -= 1
    return first


def answer_neighbour(hit: Hit, best: int) -> int:
    """The sentence that completes the marked one: the one right after (else before) it when the
    marked sentence lacks an entity of the kind the question asks for and that one has it."""
    types = hit.sentence_types
    if len(types) != len(hit.spans) or types[best] > 0:
        return best
    if best + 1 < len(types) and types[best + 1] > 0:
        return best + 1
    if best > 0 and types[best - 1] > 0:
        return best - 1
    return best


def through_attribution(text: str, spans: list[tuple[int, int]], index: int) -> int:
    """Last sentence to quote: the next one too when it ends a quotation with a bare "he said"."""
    last = index
    while last + 1 < len(spans) and last - index < 2 and _ATTRIBUTION.search(text[spans[last + 1][0] : spans[last + 1][1]]):
        last += 1
    return last


def leans_on_person(sentence: str) -> bool:
    """Whether a sentence needs an earlier one to say who "he"/"she"/"they" or "the team" is."""
    return bool(_PERSONAL.search(sentence) or _GENERIC_SUBJECT.search(sentence))


def build_quote(hit: Hit, article: StoredArticle, previous: Passage | None) -> Quote:
    """Quote the marked sentence of `hit`, widened back to name who speaks (see the module doc)."""
    paragraph = hit.passage.text
    spans = hit.spans or [(0, len(paragraph))]
    best = pick_sentence(hit)
    low, high = sorted((best, answer_neighbour(hit, best)))
    first = widen(paragraph, spans, low)
    last = through_attribution(paragraph, spans, high)
    context, offset, shift = paragraph, spans[first][0], 0
    if previous is not None and first == 0 and leans_on_person(paragraph[: spans[last][1]]):
        before = sentence_spans(previous.text) or [(0, len(previous.text))]
        back = widen(previous.text, before, len(before) - 1)
        context = previous.text + "\n\n" + paragraph
        shift = len(previous.text) + 2
        offset = before[back][0]
    end = shift + spans[last][1]
    marked = (shift + spans[low][0] - offset, shift + spans[high][1] - offset)
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
        from_feed=article.from_feed,
    )


def compose(
    question: str, hits: Sequence[Hit], articles: dict[int, StoredArticle], neighbours: Neighbours,
    max_quotes: int, min_score: float, searched: int,
) -> Answer:
    """Quotes for the best passages, or a refusal when the confidence is below `min_score`."""
    score = confidence(question, hits)
    if not hits or score < min_score:
        return refusal(question, hits, articles, searched, score)
    quotes = []
    for hit, twins in choose_quotes(hits, 2 * max_quotes):  # the spares stand in for quotes merged (index.overlap)
        previous = neighbours.get((hit.passage.article_id, hit.passage.number - 1))
        article = articles[hit.passage.article_id]
        quote = build_quote(hit, article, previous)
        quote.also_in = [articles[t.passage.article_id].cited(t.passage.number) for t in twins if t.passage.article_id in articles]
        quotes.append(Placed(quote, hit.passage.text, article))
    return Answer(question, refused=False, quotes=merge_overlapping(quotes, max_quotes), searched=searched, confidence=score)
