"""The store's entity rows: each passage's named entities, grouped by sentence, as JSON."""
from __future__ import annotations

from collections.abc import Sequence

from ..entities import SentenceEntities
from .rows import entities_of, entities_text
from .sql import placeholders
from .sqlite_base import Connections


class EntityRows(Connections):
    """The store's named entities of each passage's sentences."""

    async def entities_by_id(self, ids: Sequence[int]) -> dict[int, SentenceEntities]:
        """Stored sentence entities of the given passages (those that have them)."""
        found: dict[int, SentenceEntities] = {}
        ids = list(dict.fromkeys(int(i) for i in ids))
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            rows = await self._db.execute_fetchall(
                f"SELECT passage_id, entities FROM sentence_entities WHERE passage_id IN ({placeholders(chunk)})",
                tuple(chunk),
            )
            for pid, text in rows:
                found[int(pid)] = entities_of(text)
        return found

    async def put_entities(self, rows: Sequence[tuple[int, SentenceEntities]]) -> None:
        """Store (passage id, sentence entities) rows, replacing older ones; rows of passages gone meanwhile are dropped."""
        if not rows:
            return
        async with self._lock:
            await self._db.executemany(
                "INSERT OR REPLACE INTO sentence_entities (passage_id, entities) "
                "SELECT ?, ? WHERE EXISTS (SELECT 1 FROM passages WHERE id = ?)",
                [(int(pid), entities_text(entities), int(pid)) for pid, entities in rows],
            )
            await self._commit()
