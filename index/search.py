"""Hybrid retrieval: dense (FAISS) and BM25 (SQLite FTS5) find candidates; sentence evidence ranks them.

Every candidate gets one score, a weighted sum of its evidence (each about 0..1; the weights are
learned from SQuAD v1.1 train, index.fusion):
- `dense`: cosine of the question to the whole paragraph;
- `coverage`: the share of the question's terms found in the paragraph, each term weighted by its
  inverse document frequency (names and numbers are rare, so they weigh most);
- `sentence`: the best sentence's cosine to the question plus SENTENCE_LEXICAL times that
  sentence's own term coverage (the answer usually sits in one sentence that matches well);
- `type`: whether a sentence names the kind of entity the question asks for (index.entities).
BM25 only nominates candidates.
News ages: a passage's article published shortly before the question is asked scores up to
RECENCY_BONUS more, fading over RECENCY_DAYS (tuned on the news set's even weeks, docs/EVAL.md).
"""
from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Sequence, Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from . import fusion
from .entities import SentenceEntities, answer_types, type_match
from .models import Passage
from .store import Store
from .text import content_terms, query_terms, region_stems, sentence_spans, stem, stemmed_tokens
from .vectors import VectorStore
from .when import Window, without_dates

CANDIDATES = 30  # from each of dense and BM25 (50 measured no better: docs/BENCHMARKS.md 2c)
POSTINGS_BUDGET = 5_000  # passages the BM25 MATCH may read: FTS5 scores each one (~1 us), rarest terms first
SENTENCE_LEXICAL = 0.4  # weight of a sentence's term coverage next to its cosine, for ranking passages
HEADLINE_TERMS = 0.5  # credit of a question term found in the article's headline only (docs/EVAL.md)
RECENCY_BONUS = 0.2  # what an article published the day a question is asked adds to its passages' scores
RECENCY_DAYS = 30.0  # ... fading as exp(-age / RECENCY_DAYS); undated or later articles add nothing
TYPE_SENTENCE = 0.15  # bonus of a sentence naming an entity of the kind the question asks for (index.entities)
PICK_LEXICAL = 1.0  # weight of a sentence's term coverage next to its cosine, for the marked sentence
PICK_TYPES = 0.15  # bonus of a sentence naming an entity of the kind the question asks for, for the marked one
HEADLINE_SENTENCE = 0.5  # the same credit inside each sentence's coverage, for the sentence evidence
STEM_CACHE = 16_384  # passages whose sentence stems are kept (keyed by text and spans, so never stale)

SentenceVectors = dict[int, tuple[list[tuple[int, int]], np.ndarray]]
SentenceSource = Callable[[Sequence[Passage]], Awaitable[SentenceVectors]]
QueryEmbedder = Callable[[str], Awaitable[np.ndarray]]
EntitySource = Callable[[Sequence[Passage]], Awaitable[dict[int, SentenceEntities]]]


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
        found = sum(w if t in present else credit * w for t, w in self.weights.items() if t in present or t in headline)
        return found / total


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


async def term_weights(store: Store, query: str, counts: dict[str, int]) -> TermWeights:
    """IDF of each content term of the question, from its document `counts` in the full-text index."""
    terms = content_terms(query)[:32]
    n = await store.passage_count()
    weights: dict[str, float] = {}
    for term in terms:
        key = stem(term)
        weights[key] = max(weights.get(key, 0.0), idf(counts.get(term, 0), n))
    return TermWeights(weights)


EXACT_MAX = 5_000  # passages in a date window up to which the dense side scans their vectors exactly
ALLOWED_BATCH = 10_000  # passage ids per SQLite query when checking scope and window


async def dense_search(
    vectors: VectorStore, store: Store, qvec: np.ndarray, scopes: Sequence[str] | None, k: int,
    window: Window | None = None,
) -> dict[int, float]:
    """Top passages by cosine within `scopes` and published in `window`, filtered before ranking.

    Each scope (with the window) holding at most EXACT_MAX passages is scanned exactly over their
    stored vectors; the larger scopes are searched in the shared FAISS index, widening until enough
    of its results are in them (and the window). A guild's own articles thus never depend on
    widening past a large shared library.
    """
    if scopes is None and window is None:
        return dict((await asyncio.to_thread(vectors.search, qvec, k))[:k])
    small: list[int] = []
    large: list[Sequence[str] | None] = []  # scopes too large to scan (None: every scope)
    for part in ([None] if scopes is None else [[scope] for scope in scopes]):
        inside = await store.passages_in(window, part, EXACT_MAX)
        if inside is None:
            large.append(part)
        else:
            small += inside  # none at all (an empty window) ends here: nothing to widen for
    found = await exact_search(store, qvec, small, k) if small else {}
    if large:
        shared = None if None in large else [scope for part in large for scope in part or ()]
        found.update(await _shared_search(vectors, store, qvec, shared, k, window))
    return dict(sorted(found.items(), key=lambda pair: pair[1], reverse=True)[:k])


async def _shared_search(
    vectors: VectorStore, store: Store, qvec: np.ndarray, scopes: Sequence[str] | None, k: int, window: Window | None,
) -> dict[int, float]:
    """The FAISS search over every passage, widened until `k` of its results are in `scopes` and `window`."""
    total = len(vectors)
    fetch = k
    while True:
        found = await asyncio.to_thread(vectors.search, qvec, fetch)
        if scopes is None and window is None:
            return dict(found[:k])
        allowed: set[int] = set()
        for start in range(0, len(found), ALLOWED_BATCH):  # SQLite takes at most 32,766 parameters
            batch = [i for i, _ in found[start : start + ALLOWED_BATCH]]
            allowed |= set(await store.passages_by_id(batch, scopes, window))
        kept = {i: s for i, s in found if i in allowed}
        if len(kept) >= k or fetch >= total:
            return dict(list(kept.items())[:k])
        fetch = min(total, fetch * 8)


async def exact_search(store: Store, qvec: np.ndarray, ids: Sequence[int], k: int) -> dict[int, float]:
    """The `k` best of `ids` by cosine of their stored vectors (for a window of few passages)."""
    query = qvec.reshape(-1)
    scored: list[tuple[int, float]] = []
    for start in range(0, len(ids), ALLOWED_BATCH):
        found = await store.vectors_by_id(ids[start : start + ALLOWED_BATCH], query.shape[0])
        if found:
            keys = list(found)
            cosines = np.stack([found[i] for i in keys]) @ query
            scored += zip(keys, (float(c) for c in cosines))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return dict(scored[:k])


async def narrowed(store: Store, scopes: Sequence[str] | None) -> Sequence[str] | None:
    """None (no scope check needed) when `scopes` cover every scope the library holds, else `scopes`."""
    if scopes is None or await store.scope_names() <= set(scopes):
        return None
    return scopes


def bm25_terms(counts: dict[str, int], budget: int | None = None) -> list[str]:
    """The terms BM25 searches: the rarest first while their passages add up to the budget.

    A term in more passages than that on its own (at 1M passages a common word's postings cost
    100+ ms) nominates nothing useful: the dense search and the term coverage still see it.
    """
    budget = POSTINGS_BUDGET if budget is None else budget
    chosen, total = [], 0
    for term in sorted(counts, key=lambda t: (counts[t], t)):
        if total + counts[term] > budget:
            break
        chosen.append(term)
        total += counts[term]
    return chosen


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
    sentence_coverage = np.array([terms.coverage(s) for s in per_sentence], np.float32)
    in_headline = {t: w for t, w in terms.weights.items() if t in headline}
    with_headline = sentence_coverage
    if in_headline and terms.total:  # a term of the headline missing from a sentence still counts a part
        credit = HEADLINE_SENTENCE / terms.total
        with_headline = sentence_coverage + np.array(
            [credit * sum(w for t, w in in_headline.items() if t not in s) for s in per_sentence], np.float32
        )
    typed = types if types is not None and len(types) == len(spans) else None
    best = cosine + SENTENCE_LEXICAL * with_headline + (TYPE_SENTENCE * typed if typed is not None else 0.0)
    best_sentence = float(np.max(best)) if len(spans) else dense
    kind = float(typed.max()) if typed is not None and len(spans) else 0.0
    score = fusion.weights().score(dense, coverage, best_sentence, kind)
    types = typed if typed is not None else np.zeros(len(spans), np.float32)
    return Hit(passage, score, dense, lexical, coverage, title, list(spans), cosine, sentence_coverage, types,
               best_sentence, kind)


async def lexical_search(
    store: Store, query: str, scopes: Sequence[str] | None, k: int, window: Window | None = None
) -> tuple[dict[str, int], dict[int, float]]:
    """The question terms' document counts, and the top `k` passages (published in `window`) by BM25
    over its rarest terms."""
    counts = await store.document_counts(query_terms(query))
    terms = bm25_terms(counts)
    return counts, (dict(await store.fulltext(terms, scopes, k, window)) if terms else {})


async def retrieve(
    store: Store, vectors: VectorStore, embed_query: QueryEmbedder, query: str,
    scopes: Sequence[str] | None, k: int = 10, sentences: SentenceSource | None = None,
    window: Window | None = None, entities: EntitySource | None = None, today: date | None = None,
    pool: int = CANDIDATES,
) -> list[Hit]:
    """The `k` best passages for a question asked on `today`: dense and BM25 candidates (`pool`
    from each), ranked by fused evidence, recent articles preferred (RECENCY_BONUS; none without `today`).

    With a `window`, both candidate sources keep only passages published in it before anything is
    ranked (a soft window also keeps undated articles); a soft window also searches everything
    published up to its end. Date words are left out of the matched terms. The BM25 search runs
    in SQLite's thread while the question is embedded and FAISS searched.
    """
    scopes = await narrowed(store, scopes)
    windows = [window, *([Window("", window.until, soft=True)] if window is not None and window.soft else [])]
    matched = without_dates(query)
    embedded = asyncio.ensure_future(embed_query(query))

    async def dense_side(within: Window | None) -> dict[int, float]:
        return await dense_search(vectors, store, await embedded, scopes, pool, within)

    dense_sides, lexical_sides = await asyncio.gather(
        asyncio.gather(*(dense_side(w) for w in windows)),
        asyncio.gather(*(lexical_search(store, matched, scopes, pool, w) for w in windows)),
    )
    qvec = await embedded
    dense: dict[int, float] = {}
    lexical: dict[int, float] = {}
    for side in dense_sides:
        dense.update(side)
    for _, top in lexical_sides:
        lexical.update(top)
    counts = lexical_sides[0][0]
    ids = list(dict.fromkeys([*dense, *lexical]))
    passages, scored = await asyncio.gather(  # queued together: one wait, not two
        store.passages_by_id(ids, scopes), store.vectors_by_id([pid for pid in lexical if pid not in dense], qvec.shape[-1])
    )
    for pid, vector in scored.items():
        dense[pid] = float(np.dot(vector, qvec.reshape(-1)))
    kept = [passages[i] for i in ids if i in passages]
    wanted = answer_types(query)
    terms, found, heads, named = await asyncio.gather(  # sentences and entities are read beside the rest
        term_weights(store, matched, counts),
        sentences(kept) if sentences else _nothing(),
        store.headlines_by_id(list({p.article_id for p in kept}), scopes),
        entities(kept) if entities and wanted else _nothing(),
    )
    candidates = []
    for pid in ids:
        if pid in passages:
            title, published = heads.get(passages[pid].article_id, ("", ""))
            age = 0 if not published and window is not None and window.soft else age_days(published, today)
            candidates.append(Candidate(  # an undated article counts as inside a soft window, so as new
                passages[pid], dense.get(pid, 0.0), lexical.get(pid, 0.0), found.get(pid), title, age, named.get(pid)
            ))
    return await asyncio.to_thread(rank, candidates, qvec, terms, k, wanted, query)


async def _nothing() -> dict[int, Any]:
    return {}


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
