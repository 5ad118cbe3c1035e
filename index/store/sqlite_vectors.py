"""The store's vector rows: passage vectors and sentence vectors, read in batches or by id, written in one transaction."""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import numpy as np

from .rows import sentences_of, sentences_row, vector_blob, vector_matrix, vector_of
from .sql import placeholders
from .sqlite_base import Connections


class VectorRows(Connections):
    """The store's passage and sentence vectors (every scope: they are read by passage id or in bulk)."""

    async def vectors_by_id(self, ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        """Stored vectors of the given passages, in one query."""
        if not ids:
            return {}
        rows = await self._reader.execute_fetchall(
            f"SELECT id, vector FROM passages WHERE id IN ({placeholders(ids)})", tuple(ids)
        )
        return {int(r[0]): vector_of(r[1], dim) for r in rows}

    async def vector_batches(self, dim: int, batch: int = 20000) -> AsyncIterator[tuple[np.ndarray, np.ndarray]]:
        """Every stored (ids, vectors), `batch` passages at a time in id order (never all in memory)."""
        last = 0
        while rows := list(await self._db.execute_fetchall(
            "SELECT id, vector FROM passages WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        )):
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            yield ids, vector_matrix([r[1] for r in rows], dim)
            last = int(ids[-1])

    async def vector_sample(self, dim: int, size: int, seed: int = 0) -> np.ndarray:
        """The vectors of `size` passages picked at random (all of them when there are fewer)."""
        ids = np.array([r[0] for r in await self._db.execute_fetchall("SELECT id FROM passages")], dtype=np.int64)
        picked = np.sort(np.random.default_rng(seed).choice(ids, size=min(size, len(ids)), replace=False))
        out = np.empty((len(picked), dim), dtype=np.float32)
        row = 0
        for start in range(0, len(picked), 900):
            chunk = [int(i) for i in picked[start : start + 900]]
            for (blob,) in await self._db.execute_fetchall(
                f"SELECT vector FROM passages WHERE id IN ({placeholders(chunk)})", tuple(chunk)
            ):
                out[row] = vector_of(blob, dim)
                row += 1
        return out[:row]

    async def vector_matrix(self, dim: int, batch: int = 20000) -> tuple[np.ndarray, np.ndarray]:
        """Every stored passage's (ids, vectors) as two arrays filled batch by batch (one copy in memory)."""
        row = await (await self._db.execute("SELECT COUNT(*) FROM passages")).fetchone()
        n = int(row[0]) if row else 0
        ids = np.empty(n, dtype=np.int64)
        vectors = np.empty((n, dim), dtype=np.float32)
        filled = 0
        async for batch_ids, batch_vectors in self.vector_batches(dim, batch):
            take = min(len(batch_ids), n - filled)  # passages added meanwhile wait for the next build
            ids[filled : filled + take], vectors[filled : filled + take] = batch_ids[:take], batch_vectors[:take]
            filled += take
            if filled == n:
                break
        return ids[:filled], vectors[:filled]

    async def passage_texts(self, after: int, batch: int) -> list[tuple[int, str]]:
        rows = await self._db.execute_fetchall(
            "SELECT id, text FROM passages WHERE id > ? ORDER BY id LIMIT ?", (after, batch)
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    async def set_vectors(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        async with self._lock:
            await self._db.executemany(
                "UPDATE passages SET vector = ? WHERE id = ?",
                [(vector_blob(v), int(i)) for i, v in zip(ids, vectors)],
            )
            await self._commit()

    async def sentences_by_id(self, ids: Sequence[int], dim: int) -> dict[int, tuple[list[tuple[int, int]], np.ndarray]]:
        """Stored sentence spans and vectors of the given passages (those that have them)."""
        if not ids:
            return {}
        rows = await self._db.execute_fetchall(
            f"SELECT passage_id, spans, vectors FROM sentences WHERE passage_id IN ({placeholders(ids)})", tuple(ids)
        )
        return sentences_of(rows, dim)

    async def put_sentences(self, rows: Sequence[tuple[int, list[tuple[int, int]], np.ndarray]]) -> None:
        """Store (passage id, sentence spans, sentence vectors) rows, replacing older ones."""
        async with self._lock:
            await self._db.executemany(
                "INSERT OR REPLACE INTO sentences (passage_id, spans, vectors) "
                "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM passages WHERE id = ?)",
                [(int(pid), *sentences_row(spans, v), int(pid)) for pid, spans, v in rows],
            )
            await self._commit()

    async def clear_sentences(self) -> None:
        """Forget every sentence vector (the embedder changed); they are made again when needed."""
        async with self._lock:
            await self._db.execute("DELETE FROM sentences")
            await self._commit()
