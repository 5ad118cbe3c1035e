"""Wire copies: a newly stored article is linked to the stored articles that are the same story
(the same wire text from another outlet), so answers, source lists and exports name every outlet
without comparing articles per question.

- Candidates: the PROBES longest paragraphs' nearest passages in the vector index (PROBE_K each),
  kept at a cosine of PROBE_COSINE or more; at most CANDIDATES articles, closest first.
- Verified over the whole text: the Jaccard overlap of the two articles' 3-word shingles (their
  paragraphs; not the headlines, which outlets rewrite) is COPY_JACCARD or more, each article having
  MIN_SHINGLES at least (docs/EVAL.md: measured on news-2023).
- Scopes: two articles are linked only when one reader can see both, so in the same scope or with
  one of them global (GLOBAL_SCOPE). Every read of the links takes the reader's scopes: a guild never
  learns of another guild's article through a shipped one.
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence

import numpy as np

from .models import GLOBAL_SCOPE, Answer, StoredArticle
from .store import Store
from .text import words
from .vectors import VectorStore

COPY_JACCARD = 0.75  # shingle overlap of two whole articles from which they are one story
MIN_SHINGLES = 20  # an article shorter than this (in 3-word shingles) is never linked: too little to tell
PROBES = 3  # paragraphs of a new article looked up in the vector index, the longest
PROBE_K = 16  # nearest passages asked for each
PROBE_COSINE = 0.9  # a neighbour this close makes its article a candidate
CANDIDATES = 4  # candidate articles verified at most, per new article


def shingles(paragraphs: Sequence[str]) -> frozenset[tuple[str, ...]]:
    """The article's 3-word shingles (lower-cased words, across paragraph ends)."""
    tokens = words("\n".join(paragraphs))
    return frozenset(tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2))


def overlap(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Jaccard of two shingle sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def same_story(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    """Whether two articles' shingles say they are one story: both long enough, and overlapping."""
    return min(len(a), len(b)) >= MIN_SHINGLES and overlap(a, b) >= COPY_JACCARD


def linkable_scopes(scope: str) -> tuple[str, ...] | None:
    """The scopes an article of `scope` may be linked into: a guild's own and the global one; a
    global article, any (None: every guild that reads both sees the link, no other)."""
    return None if scope == GLOBAL_SCOPE else (GLOBAL_SCOPE, scope)


def _neighbours(vectors: VectorStore, probes: np.ndarray) -> list[tuple[int, float]]:
    """(passage id, cosine) of each probe's nearest passages at PROBE_COSINE or more (a thread's work)."""
    return [(i, s) for probe in probes for i, s in vectors.search(probe, PROBE_K) if s >= PROBE_COSINE]


async def find_copies(
    store: Store, vectors: VectorStore, article_id: int, scope: str, paragraphs: Sequence[str], own: np.ndarray,
) -> list[int]:
    """The stored articles (ids) that are the same story as the article just stored: `paragraphs`
    with their vectors `own`, already in `vectors` and the store as `article_id` of `scope`."""
    longest = sorted(range(len(paragraphs)), key=lambda n: len(paragraphs[n]), reverse=True)[:PROBES]
    if not longest:
        return []
    near = await asyncio.to_thread(_neighbours, vectors, own[longest])
    scopes = linkable_scopes(scope)
    found = await store.passages_by_id(list(dict.fromkeys(i for i, _ in near)), scopes)
    best: dict[int, float] = {}
    for passage_id, score in near:
        if (p := found.get(passage_id)) is not None and p.article_id != article_id:
            best[p.article_id] = max(score, best.get(p.article_id, 0.0))
    if not best:
        return []
    mine = shingles(paragraphs)
    linked = []
    for candidate in sorted(best, key=lambda a: -best[a])[:CANDIDATES]:
        theirs = shingles([p.text for p in await store.passages(candidate, scopes)])
        if same_story(mine, theirs):
            linked.append(candidate)
    return linked


async def link_copies(
    store: Store, vectors: VectorStore, article_id: int, scope: str, paragraphs: Sequence[str], own: np.ndarray,
) -> tuple[int, ...]:
    """Find the stored copies of the article just stored (`find_copies`) and link them; their ids."""
    linked = await find_copies(store, vectors, article_id, scope, paragraphs, own)
    if linked:
        await store.put_copies(article_id, linked)
    return tuple(linked)


async def add_to_answer(store: Store, answer: Answer, scopes: Sequence[str] | None) -> None:
    """Add to each quote's `also_in` the linked copies of its article that `scopes` hold and it does
    not list yet: one read of the store for every quoted article."""
    if answer.refused or not answer.quotes:
        return
    copies = await store.copies_of([q.article_id for q in answer.quotes], scopes)
    for quote in answer.quotes:
        listed = {quote.article_id, *(int(t.get("article_id", 0)) for t in quote.also_in)}
        quote.also_in += [a.cited() for a in copies.get(quote.article_id, ()) if a.id not in listed]


def outlets(copies: Sequence[StoredArticle]) -> str:
    """"Reuters, AP": the copies' sources once each (an article's "#id" when it names none)."""
    return ", ".join(dict.fromkeys(a.source or f"#{a.id}" for a in copies))
