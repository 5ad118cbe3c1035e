"""What the SQLite store's parts share: the writer and reader connections, the write lock, commits."""
from __future__ import annotations

import asyncio

import aiosqlite


class Connections:
    """Writes go through `_db`, one transaction at a time under `_lock`; what users see is read through
    `_reader`, a second connection, so a reader never sees an article whose transaction is still open."""

    def __init__(self, db: aiosqlite.Connection, reader: aiosqlite.Connection | None = None) -> None:
        self._db = db
        self._reader = reader or db
        self._lock = asyncio.Lock()
        """Held from a write's first statement to its commit: no other write's commit lands inside."""
        self.writes = 0
        """Own commits so far; with the reader's `PRAGMA data_version` it keys the cached counts."""

    async def _commit(self) -> None:
        await self._db.commit()
        self.writes += 1
