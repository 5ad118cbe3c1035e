"""The `Store` contract run against the SQLite store on tmp_path (the PostgreSQL store joins here)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from index.store import SQLiteStore, Store, open_store
from tests.store.store_contract import StoreContract


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[Store]:
        store = await open_store(tmp_path / "library.sqlite3")
        assert isinstance(store, SQLiteStore) and isinstance(store, Store)
        yield store
        await store.close()

    @pytest.fixture
    def reopen(self, tmp_path: Path):  # type: ignore[no-untyped-def]
        async def again() -> Store:
            return await open_store(tmp_path / "library.sqlite3")
        return again
