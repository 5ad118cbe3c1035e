"""Hybrid retrieval: dense (FAISS) and BM25 (SQLite FTS5) find candidates, filtered by scope and date
window before anything is ranked; index.scoring fuses their evidence into one score each.

BM25 only nominates candidates (over the question's rarest terms, at most POSTINGS_BUDGET postings).
The passages, their vectors, sentences, headlines and entities are read together, then ranked in a
thread.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

import numpy as np

from .entities import SentenceEntities, answer_types
from .models import Passage
from .scoring import Candidate, Hit, TermWeights, age_days, idf, rank
from .store import Store
from .text import content_terms, query_terms, stem
from .vectors import VectorStore
from .when import Window, without_dates

CANDIDATES = 30  # from each of dense and BM25 (50 measured no better: docs/BENCHMARKS.md 2c)
POSTINGS_BUDGET = 5_000  # passages the BM25 MATCH may read: FTS5 scores each one (~1 us), rarest terms first

SentenceVectors = dict[int, tuple[list[tuple[int, int]], np.ndarray]]
SentenceSource = Callable[[Sequence[Passage]], Awaitable[SentenceVectors]]
QueryEmbedder = Callable[[str], Awaitable[np.ndarray]]
EntitySource = Callable[[Sequence[Passage]], Awaitable[dict[int, SentenceEntities]]]


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


