"""Hybrid retrieval: dense (FAISS) and lexical (SQLite FTS5 BM25) results, fused."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .models import Passage
from .store import Store
from .text import fts_query
from .vectors import VectorStore

DENSE_WEIGHT = 0.6
CANDIDATES = 50


@dataclass
class Hit:
    """A retrieved passage with its fused score and the two scores it came from."""

    passage: Passage
    score: float
    dense: float
    lexical: float


async def dense_search(
    vectors: VectorStore, store: Store, qvec: np.ndarray, scopes: Sequence[str] | None, k: int
) -> dict[int, float]:
    """Top passages by cosine within `scopes`, widening the FAISS search until enough are in scope."""
    total = len(vectors)
    fetch = k
    while True:
        found = await asyncio.to_thread(vectors.search, qvec, fetch)
        if scopes is None:
            return dict(found[:k])
        allowed = await store.passages_by_id([i for i, _ in found], scopes)
        kept = {i: s for i, s in found if i in allowed}
        if len(kept) >= k or fetch >= total:
            return dict(list(kept.items())[:k])
        fetch = min(total, fetch * 8)


async def retrieve(
    store: Store, vectors: VectorStore, qvec: np.ndarray, query: str,
    scopes: Sequence[str] | None, k: int = 10,
) -> list[Hit]:
    """The `k` best passages for a question, by fused dense and BM25 scores."""
    dense = await dense_search(vectors, store, qvec, scopes, CANDIDATES)
    match = fts_query(query)
    lexical = dict(await store.fulltext(match, scopes, CANDIDATES)) if match else {}
    top_lexical = max(lexical.values(), default=0.0) or 1.0
    ids = list(dict.fromkeys([*dense, *lexical]))
    passages = await store.passages_by_id(ids, scopes)
    missing = [pid for pid in lexical if pid not in dense and pid in passages]
    for pid, vector in (await store.vectors_by_id(missing, qvec.shape[-1])).items():
        dense[pid] = float(np.dot(vector, qvec.reshape(-1)))
    hits = []
    for pid in ids:
        if pid not in passages:
            continue
        d = dense.get(pid, 0.0)
        lex = lexical.get(pid, 0.0) / top_lexical
        hits.append(Hit(passages[pid], DENSE_WEIGHT * d + (1 - DENSE_WEIGHT) * lex, d, lex))
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[:k]
