"""Dense search filters by scope before ranking: a guild's few passages are scanned exactly, the
large shared scope is searched in the shared index, and no guild sees another's passages."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from index import search
from index.library import Library
from index.models import GLOBAL_SCOPE, Article
from index.when import Window

QUESTION = "Which ferry operator cancelled the island crossings?"
LOUD = "The ferry operator cancelled the island crossings, which ferry operator cancelled them"


class CountingVectors:
    """The library's FAISS store, counting searches (what the shared index was asked)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.searches = inner, 0

    def __len__(self) -> int:
        return len(self.inner)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        self.searches += 1
        return self.inner.search(vector, k)


async def stocked(library: Library) -> None:
    shared = [Article(f"Crossing {n}", (f"{LOUD} ({n}).",), source="Wire") for n in range(40)]
    await library.ingest_articles(shared, GLOBAL_SCOPE)
    await library.ingest_articles([Article("Island news", ("Northwind Ferries cancelled the crossings.",))], "guild:1")
    await library.ingest_articles([Article("Other island", ("Southwind Ferries cancelled the crossings.",))], "guild:2")


async def dense(library: Library, scopes: tuple[str, ...], k: int = 5) -> tuple[dict[int, float], CountingVectors]:
    counting = CountingVectors(library.vectors)
    qvec = await library._embed_query(QUESTION)
    return await search.dense_search(counting, library.store, qvec, scopes, k), counting


async def test_a_small_scope_is_scanned_exactly_without_the_shared_index(library: Library) -> None:
    await stocked(library)
    found, counting = await dense(library, ("guild:1",))
    [own] = await library.articles(("guild:1",))
    assert set(found) == {p.id for p in await library.passages(own.id)}
    assert counting.searches == 0


async def test_a_guild_sees_its_own_and_the_shared_passages_never_another_guilds(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "EXACT_MAX", 10)  # the shared scope (40 passages) counts as large
    await stocked(library)
    found, counting = await dense(library, ("guild:1", GLOBAL_SCOPE), k=45)
    scopes = {a.id: a.scope for a in await library.articles()}
    passages = await library.store.passages_by_id(list(found), None)
    assert {scopes[p.article_id] for p in passages.values()} == {"guild:1", GLOBAL_SCOPE}
    assert len(found) == 41 and counting.searches >= 1
    assert list(found.values()) == sorted(found.values(), reverse=True)


async def test_a_window_holding_no_passage_searches_nothing(library: Library) -> None:
    """An empty date window is known to be empty before ranking: the shared index is not widened
    through the whole library looking for what cannot be there."""
    await stocked(library)
    counting = CountingVectors(library.vectors)
    qvec = await library._embed_query(QUESTION)
    empty = Window("2001-01-01", "2001-01-07")
    assert await search.dense_search(counting, library.store, qvec, None, 5, empty) == {}
    assert counting.searches == 0
