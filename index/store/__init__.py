"""The library's storage seam: the `Store` Protocol and its backends (SQLite + FTS5 today).

`open_store` picks the backend from the settings; everything else types against `Store`.
"""
from __future__ import annotations

from pathlib import Path

from .protocol import Scopes, Store
from .schema import SchemaTooNew
from .sqlite import SQLiteStore

__all__ = ["SQLiteStore", "SchemaTooNew", "Scopes", "Store", "open_store"]


async def open_store(where: Path | str) -> Store:
    """Open (creating and migrating as needed) the library's database: a postgresql:// url selects
    the PostgreSQL store (asyncpg must be installed: the `postgres` extra), a path SQLite's file."""
    if isinstance(where, str) and where.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return await PostgresStore.open(where)
    return await SQLiteStore.open(Path(where))
