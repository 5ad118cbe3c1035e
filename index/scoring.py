"""Scoring candidates: each passage's evidence fused into one score, the sentence an answer marks.

Every candidate gets one score, a weighted sum of its evidence (each about 0..1; the weights are
learned from SQuAD v1.1 train, index.fusion):
- `dense`: cosine of the question to the whole paragraph;
- `coverage`: the share of the question's terms found in the paragraph, each term weighted by its
  inverse document frequency (names and numbers are rare, so they weigh most);
- `sentence`: the best sentence's cosine to the question plus SENTENCE_LEXICAL times that
  sentence's own term coverage (the answer usually sits in one sentence that matches well);
- `type`: whether a sentence names the kind of entity the question asks for (index.entities).
News ages: a passage's article published shortly before the question is asked scores up to
RECENCY_BONUS more, fading over RECENCY_DAYS (tuned on the news set's even weeks, docs/EVAL.md).
Pure CPU work with no I/O (index.search gathers the evidence and runs `rank` in a thread).
"""
from __future__ import annotations

import math
from collections.abc import Sequence, Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

import numpy as np

from . import fusion
from .entities import SentenceEntities, type_match
from .models import Passage
from .text import region_stems, sentence_spans, stemmed_tokens

SENTENCE_LEXICAL = 0.4  # weight of a sentence's term coverage next to its cosine, for ranking passages
HEADLINE_TERMS = 0.5  # credit of a question term found in the article's headline only (docs/EVAL.md)
RECENCY_BONUS = 0.2  # what an article published the day a question is asked adds to its passages' scores
RECENCY_DAYS = 30.0  # ... fading as exp(-age / RECENCY_DAYS); undated or later articles add nothing
TYPE_SENTENCE = 0.15  # bonus of a sentence naming an entity of the kind the question asks for (index.entities)
PICK_LEXICAL = 1.0  # weight of a sentence's term coverage next to its cosine, for the marked sentence
PICK_TYPES = 0.15  # bonus of a sentence naming an entity of the kind the question asks for, for the marked one
HEADLINE_SENTENCE = 0.5  # the same credit inside each sentence's coverage, for the sentence evidence
STEM_CACHE = 16_384  # passages whose sentence stems are kept (keyed by text and spans, so never stale)


@dataclass
class Hit:
    """A retrieved passage: its fused score, the evidence behind it, and per-sentence scores."""

    passage: Passage
    score: float
    dense: float
    lexical: float  # BM25 from FTS5 (0 when BM25 did not nominate it)
    coverage: float = 0.0
    title: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    sentence_cosine: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    sentence_coverage: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    sentence_types: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    """Per sentence, 1.0 where it names an entity of the kind the question asks for (index.entities)."""
    sentence: float = 0.0  # the best sentence's evidence (cosine, term coverage and type), fused into the score
    typed: float = 0.0  # 1.0 when a sentence names the kind of entity the question asks for


def pick_sentence(hit: Hit) -> int:
    """Index of the sentence that best answers (the one an answer marks): cosine to the question
    plus PICK_LEXICAL times its term coverage, plus PICK_TYPES when it names the asked-for kind."""
    if not len(hit.sentence_cosine):
        return 0
    score = hit.sentence_cosine + PICK_LEXICAL * hit.sentence_coverage
    if len(hit.sentence_types) == len(score):
        score = score + PICK_TYPES * hit.sentence_types
    return int(np.argmax(score))


@dataclass(frozen=True)
class TermWeights:
    """The question's stemmed terms with their inverse document frequency."""

    weights: dict[str, float]

    @cached_property
    def total(self) -> float:
        return sum(self.weights.values())

    def coverage(self, present: AbstractSet[str], headline: AbstractSet[str] = frozenset(), credit: float = 0.0) -> float:
        """Share (0..1) of the weighted terms found among `present` stems; a term found only in
        the `headline` stems counts `credit` of its weight."""
        total = self.total
        if not total:
            return 0.0
        found = sum([w if t in present else credit * w for t, w in self.items if t in present or t in headline])
        return found / total

    @cached_property
    def items(self) -> tuple[tuple[str, float], ...]:
        return tuple(self.weights.items())

    def sentence_coverage(self, sentences: Sequence[AbstractSet[str]]) -> list[float]:
        """`coverage` of each of `sentences` (no headline), in one pass over the terms."""
        total, items = self.total, self.items
        if not total:
            return [0.0] * len(sentences)
        return [sum([w for t, w in items if t in s]) / total for s in sentences]


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def sentence_stems(
    text: str, spans: Sequence[tuple[int, int]]
) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """The stems of the whole text and of each sentence span (remembered for STEM_CACHE passages)."""
    return _sentence_stems(text, tuple((int(a), int(b)) for a, b in spans))


@lru_cache(maxsize=STEM_CACHE)
def _sentence_stems(
    text: str, spans: tuple[tuple[int, int], ...]
) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    regions = region_stems(text, [end for _, end in spans[:-1]]) if spans else None
    if regions is not None:  # a word starting before a sentence's end belongs to that sentence
        return frozenset().union(*regions), tuple(frozenset(r) for r in regions)
    per_sentence: list[set[str]] = [set() for _ in spans]
    whole: set[str] = set()
    index = 0
    for start, key in stemmed_tokens(text):
        while index < len(spans) - 1 and start >= spans[index][1]:
            index += 1
        whole.add(key)
        if per_sentence:
            per_sentence[index].add(key)
    return frozenset(whole), tuple(frozenset(s) for s in per_sentence)


@lru_cache(maxsize=STEM_CACHE)
def headline_stems(title: str) -> frozenset[str]:
    """The stems of a headline's words."""
    return frozenset(stem for _, stem in stemmed_tokens(title))


def score_passage(
    passage: Passage, dense: float, lexical: float, qvec: np.ndarray, terms: TermWeights,
    sentences: tuple[list[tuple[int, int]], np.ndarray] | None, title: str = "", types: np.ndarray | None = None,
) -> Hit:
    """Fuse the evidence for one passage (and its article's headline) into a Hit."""
    if sentences is None:
        spans = sentence_spans(passage.text) or [(0, len(passage.text))]
        cosine = np.full(len(spans), dense, np.float32)
    else:
        spans, svecs = sentences
        cosine = (svecs @ qvec.reshape(-1)).astype(np.float32)
    whole, per_sentence = sentence_stems(passage.text, spans)
    headline = headline_stems(title)
    coverage = terms.coverage(whole, headline, HEADLINE_TERMS)
    sentence_coverage = np.array(terms.sentence_coverage(per_sentence), np.float32)
    in_headline = {t: w for t, w in terms.weights.items() if t in headline}
    with_headline = sentence_coverage
    if in_headline and terms.total:  # a term of the headline missing from a sentence still counts a part
        credit = HEADLINE_SENTENCE / terms.total
        with_headline = sentence_coverage + np.array(
            [credit * sum(w for t, w in in_headline.items() if t not in s) for s in per_sentence], np.float32
        )
    typed = types if types is not None and len(types) == len(spans) else None
    best = cosine + SENTENCE_LEXICAL * with_headline + (TYPE_SENTENCE * typed if typed is not None else 0.0)
    best_sentence = float(best.max()) if len(spans) else dense
    kind = float(typed.max()) if typed is not None and len(spans) else 0.0
    score = fusion.weights().score(dense, coverage, best_sentence, kind)
    types = typed if typed is not None else np.zeros(len(spans), np.float32)
    return Hit(passage, score, dense, lexical, coverage, title, list(spans), cosine, sentence_coverage, types,
               best_sentence, kind)


def age_days(published: str, today: date | None) -> int | None:
    """Days from an article's publication (ISO date or datetime) to `today`; None when either is unknown."""
    try:
        return (today - date.fromisoformat(published[:10])).days if today and published else None
    except ValueError:
        return None


def recency(age: int | None) -> float:
    """The score a passage gains for its article's age: RECENCY_BONUS the day it was published,
    fading over RECENCY_DAYS; nothing for undated articles or ones published after the question
    (more than a day later: time zones)."""
    if age is None or age < -1:
        return 0.0
    return RECENCY_BONUS * math.exp(-max(age, 0) / RECENCY_DAYS)


@dataclass(frozen=True)
class Candidate:
    """A passage to score: its dense and BM25 evidence, sentence spans and vectors, headline."""

    passage: Passage
    dense: float
    lexical: float
    sentences: tuple[list[tuple[int, int]], np.ndarray] | None
    title: str = ""
    age: int | None = None  # days from publication to the question (None: undated, or no question day)
    entities: SentenceEntities | None = None


def rank(
    candidates: Sequence[Candidate], qvec: np.ndarray, terms: TermWeights, k: int,
    wanted: frozenset[str] = frozenset(), question: str = "",
) -> list[Hit]:
    """Score candidates and keep the `k` best (CPU-bound: run in a thread); `wanted` are the entity
    labels the question asks for."""
    hits = [
        score_passage(c.passage, c.dense, c.lexical, qvec, terms, c.sentences, c.title,
                      type_match(wanted, c.entities, question, c.passage.text) if c.entities is not None else None)
        for c in candidates
    ]
    for hit, candidate in zip(hits, candidates):
        hit.score += recency(candidate.age)
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[:k]
