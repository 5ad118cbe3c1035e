"""The PostgreSQL store's vector, sentence and entity rows, and its records (answers, votes, feeds)."""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
import numpy as np

from ..entities import SentenceEntities
from ..errors import RejectedInput
from ..models import FeedItemRecord, Subscription
from .pg_sql import Sql
from .rows import (
    FEED_COLUMNS,
    VOTE_KEYS,
    SentenceRows,
    check_feed_fields,
    entities_of,
    entities_text,
    feed_item,
    sentences_of,
    sentences_row,
    subscription,
)


class VectorRows:
    """Passage vectors (pgvector), sentence spans and vectors, sentence entities."""

    _pool: asyncpg.Pool

    async def vectors_by_id(self, ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        rows = await self._pool.fetch("SELECT id, vector FROM passages WHERE id = ANY($1::bigint[])", list(ids))
        return {int(r[0]): r[1][:dim] for r in rows}

    async def vector_batches(self, dim: int, batch: int = 20000) -> AsyncIterator[tuple[np.ndarray, np.ndarray]]:
        last = 0
        while rows := await self._pool.fetch(
            "SELECT id, vector FROM passages WHERE id > $1 ORDER BY id LIMIT $2", last, batch
        ):
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            yield ids, np.stack([r[1][:dim] for r in rows]).astype(np.float32)
            last = int(ids[-1])

    async def vector_sample(self, dim: int, size: int, seed: int = 0) -> np.ndarray:
        ids = np.array([r[0] for r in await self._pool.fetch("SELECT id FROM passages")], dtype=np.int64)
        picked = np.sort(np.random.default_rng(seed).choice(ids, size=min(size, len(ids)), replace=False))
        found = await self.vectors_by_id([int(i) for i in picked], dim)
        return np.stack([found[int(i)] for i in picked if int(i) in found]) if found else np.empty((0, dim), np.float32)

    async def vector_matrix(self, dim: int, batch: int = 20000) -> tuple[np.ndarray, np.ndarray]:
        parts = [(ids, vectors) async for ids, vectors in self.vector_batches(dim, batch)]
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    async def passage_texts(self, after: int, batch: int) -> list[tuple[int, str]]:
        rows = await self._pool.fetch("SELECT id, text FROM passages WHERE id > $1 ORDER BY id LIMIT $2", after, batch)
        return [(int(r[0]), str(r[1])) for r in rows]

    async def set_vectors(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.executemany("UPDATE passages SET vector = $1 WHERE id = $2",
                                   [(np.asarray(v, dtype=np.float32), int(i)) for i, v in zip(ids, vectors, strict=False)])

    async def sentences_by_id(self, ids: Sequence[int], dim: int) -> SentenceRows:
        rows = await self._pool.fetch(
            "SELECT passage_id, spans, vectors FROM sentences WHERE passage_id = ANY($1::bigint[])", list(ids))
        return sentences_of(rows, dim)

    async def put_sentences(self, rows: Sequence[tuple[int, list[tuple[int, int]], np.ndarray]]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.executemany(
                "INSERT INTO sentences (passage_id, spans, vectors) SELECT $1, $2, $3 "
                "WHERE EXISTS (SELECT 1 FROM passages WHERE id = $1) "
                "ON CONFLICT (passage_id) DO UPDATE SET spans = excluded.spans, vectors = excluded.vectors",
                [(int(pid), *sentences_row(spans, v)) for pid, spans, v in rows])

    async def clear_sentences(self) -> None:
        await self._pool.execute("DELETE FROM sentences")

    async def entities_by_id(self, ids: Sequence[int]) -> dict[int, SentenceEntities]:
        rows = await self._pool.fetch(
            "SELECT passage_id, entities FROM sentence_entities WHERE passage_id = ANY($1::bigint[])",
            [int(i) for i in ids])
        return {int(pid): entities_of(text) for pid, text in rows}

    async def put_entities(self, rows: Sequence[tuple[int, SentenceEntities]]) -> None:
        if not rows:
            return
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.executemany(
                "INSERT INTO sentence_entities (passage_id, entities) SELECT $1, $2 "
                "WHERE EXISTS (SELECT 1 FROM passages WHERE id = $1) "
                "ON CONFLICT (passage_id) DO UPDATE SET entities = excluded.entities",
                [(int(pid), entities_text(entities)) for pid, entities in rows])


class RecordRows:
    """Answers, votes, feed subscriptions and their items."""

    _pool: asyncpg.Pool

    async def keep_answer(self, created: str, scope: str, answer: str, drop_before: str) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM answers WHERE created < $1", drop_before)
            return int(await conn.fetchval(
                "INSERT INTO answers (created, scope, answer) VALUES ($1, $2, $3) RETURNING id", created, scope, answer))

    async def kept_answer(self, answer_id: int, scopes: Sequence[str] | None) -> tuple[str, str] | None:
        sql = Sql()
        where = f"id = {sql.arg(answer_id)}{sql.scopes(scopes, 'scope')}"
        row = await self._pool.fetchrow(f"SELECT answer, scope FROM answers WHERE {where}", *sql.args)
        return (str(row[0]), str(row[1])) if row else None

    async def add_vote(
        self, created: str, scope: str, user_id: str, question: str, vote: int, quotes: str, answer_id: int | None
    ) -> int:
        found = await self._pool.fetchval(
            "INSERT INTO feedback (created, scope, user_id, question, vote, quotes, answer_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (answer_id, user_id) WHERE answer_id IS NOT NULL DO NOTHING RETURNING id",
            created, scope, user_id, question, vote, quotes, answer_id)
        return int(found or 0)

    async def votes(self, limit: int, scopes: Sequence[str] | None) -> list[dict[str, Any]]:
        sql = Sql()
        where = f"true{sql.scopes(scopes, 'scope')}"
        rows = await self._pool.fetch(
            f"SELECT {', '.join(VOTE_KEYS)} FROM feedback WHERE {where} ORDER BY id DESC LIMIT {sql.arg(limit)}",
            *sql.args)
        return [dict(zip(VOTE_KEYS, r, strict=True)) for r in rows]

    async def add_feed(
        self, url: str, scope: str, title: str, added: str, announce_channel: int | None = None
    ) -> Subscription:
        feed_id = await self._pool.fetchval(
            "INSERT INTO feeds (url, scope, title, added, announce_channel) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (scope, url) DO NOTHING RETURNING id", url, scope, title, added, announce_channel)
        if feed_id is None:
            existing = await self._pool.fetchval("SELECT id FROM feeds WHERE scope = $1 AND url = $2", scope, url)
            raise RejectedInput(url, f"already subscribed (feed {existing})")
        return Subscription(int(feed_id), url, scope, title, "", "", added, "", "", announce_channel)

    async def feeds(self, scopes: Sequence[str] | None) -> list[Subscription]:
        sql = Sql()
        rows = await self._pool.fetch(
            f"SELECT {FEED_COLUMNS} FROM feeds WHERE true{sql.scopes(scopes, 'scope')} ORDER BY id", *sql.args)
        return [subscription(r) for r in rows]

    async def remove_feed(self, feed_id: int, scopes: Sequence[str] | None) -> bool:
        sql = Sql()
        status = await self._pool.execute(
            f"DELETE FROM feeds WHERE id = {sql.arg(feed_id)}{sql.scopes(scopes, 'scope')}", *sql.args)
        return bool(status) and not status.endswith(" 0")

    async def update_feed(self, feed_id: int, values: dict[str, str]) -> None:
        check_feed_fields(values)
        sql = Sql()
        assignments = ", ".join(f"{key} = {sql.arg(value)}" for key, value in values.items())
        await self._pool.execute(f"UPDATE feeds SET {assignments} WHERE id = {sql.arg(feed_id)}", *sql.args)

    async def set_feed_announce(self, feed_id: int, channel_id: int | None, scopes: Sequence[str] | None) -> bool:
        sql = Sql()
        status = await self._pool.execute(
            f"UPDATE feeds SET announce_channel = {sql.arg(channel_id)} "
            f"WHERE id = {sql.arg(feed_id)}{sql.scopes(scopes, 'scope')}", *sql.args)
        return bool(status) and not status.endswith(" 0")

    async def claim_feed(self, feed_id: int, owner: str, now: str, until: str) -> bool:
        # The feed's row is locked with SKIP LOCKED: a second claimer at the same moment does not wait
        # for the first, it skips the row and polls nothing. The lease's expiry outlives the
        # transaction, so a process that dies while polling frees the feed once it runs out.
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT leased_by, lease_until FROM feeds WHERE id = $1 FOR UPDATE SKIP LOCKED", feed_id)
            if row is None:  # no such feed, or another process is claiming it right now
                return False
            holder, expires = str(row[0]), str(row[1])
            if holder not in ("", owner) and expires >= now:
                return False  # another process's lease still runs
            await conn.execute(
                "UPDATE feeds SET leased_by = $1, lease_until = $2 WHERE id = $3", owner, until, feed_id)
            return True

    async def release_feed(self, feed_id: int, owner: str) -> None:
        await self._pool.execute(
            "UPDATE feeds SET leased_by = '', lease_until = '' WHERE id = $1 AND leased_by = $2", feed_id, owner)

    async def feed_items(self, feed_id: int) -> list[FeedItemRecord]:
        rows = await self._pool.fetch(
            "SELECT guid, url, article_id, status, reason, tries, seen FROM feed_items WHERE feed_id = $1", feed_id)
        return [feed_item(r) for r in rows]

    async def record_feed_item(self, feed_id: int, item: FeedItemRecord, seen: str) -> None:
        await self._pool.execute(
            "INSERT INTO feed_items (feed_id, guid, url, article_id, status, reason, tries, seen) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (feed_id, guid) DO UPDATE SET url = excluded.url, "
            "article_id = excluded.article_id, status = excluded.status, reason = excluded.reason, "
            "tries = excluded.tries, seen = excluded.seen",
            feed_id, item.guid, item.url, item.article_id or None, item.status, item.reason, item.tries, seen)
