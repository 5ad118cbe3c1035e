"""The store's records beside the articles: answers posted, votes on them, feeds and their items."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import RejectedInput
from ..models import FeedItemRecord, Subscription
from .rows import FEED_COLUMNS, VOTE_KEYS, check_feed_fields, feed_item, subscription
from .sql import scope_clause
from .sqlite_base import Connections


class RecordRows(Connections):
    """Answers (kept `keep_days`), votes (one per person per answer), feed subscriptions and items."""

    async def keep_answer(self, created: str, scope: str, answer: str, drop_before: str) -> int:
        """Store an answer's JSON, dropping those created before `drop_before`; returns its id."""
        async with self._lock:
            await self._db.execute("DELETE FROM answers WHERE created < ?", (drop_before,))
            cursor = await self._db.execute(
                "INSERT INTO answers (created, scope, answer) VALUES (?, ?, ?)", (created, scope, answer)
            )
            await self._commit()
        return int(cursor.lastrowid or 0)

    async def kept_answer(self, answer_id: int, scopes: Sequence[str] | None) -> tuple[str, str] | None:
        """(answer JSON, scope) of a kept answer in `scopes` (None: every scope); None when gone."""
        where, params = scope_clause(scopes)
        rows = list(await self._reader.execute_fetchall(
            f"SELECT answer, scope FROM answers WHERE id = ?{where}", (answer_id, *params)
        ))
        return (str(rows[0][0]), str(rows[0][1])) if rows else None

    async def add_vote(
        self, created: str, scope: str, user_id: str, question: str, vote: int, quotes: str, answer_id: int | None
    ) -> int:
        """Store a vote; 0 when this person already voted on `answer_id`."""
        async with self._lock:
            cursor = await self._db.execute(
                "INSERT INTO feedback (created, scope, user_id, question, vote, quotes, answer_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (answer_id, user_id) WHERE answer_id IS NOT NULL DO NOTHING",
                (created, scope, user_id, question, vote, quotes, answer_id),
            )
            await self._commit()
        return int(cursor.lastrowid or 0) if cursor.rowcount else 0

    async def votes(self, limit: int, scopes: Sequence[str] | None) -> list[dict[str, Any]]:
        """The latest votes of `scopes` (None: every scope), newest first, quotes as stored JSON text."""
        where, params = scope_clause(scopes)
        sql = f"SELECT {', '.join(VOTE_KEYS)} FROM feedback WHERE 1{where} ORDER BY id DESC LIMIT ?"
        rows = await self._reader.execute_fetchall(sql, (*params, limit))
        return [dict(zip(VOTE_KEYS, r)) for r in rows]

    async def add_feed(
        self, url: str, scope: str, title: str, added: str, announce_channel: int | None = None
    ) -> Subscription:
        """Subscribe `scope` to `url`; RejectedInput when it already is."""
        async with self._lock:
            row = await (await self._db.execute(
                "SELECT id FROM feeds WHERE scope = ? AND url = ?", (scope, url)
            )).fetchone()
            if row:
                raise RejectedInput(url, f"already subscribed (feed {row[0]})")
            cursor = await self._db.execute(
                "INSERT INTO feeds (url, scope, title, added, announce_channel) VALUES (?, ?, ?, ?, ?)",
                (url, scope, title, added, announce_channel),
            )
            await self._commit()
        return Subscription(int(cursor.lastrowid or 0), url, scope, title, "", "", added, "", "", announce_channel)

    async def feeds(self, scopes: Sequence[str] | None) -> list[Subscription]:
        """Subscriptions of `scopes` (None: every scope), oldest first."""
        where, params = scope_clause(scopes)
        rows = await self._db.execute_fetchall(f"SELECT {FEED_COLUMNS} FROM feeds WHERE 1{where} ORDER BY id", params)
        return [subscription(row) for row in rows]

    async def remove_feed(self, feed_id: int, scopes: Sequence[str] | None) -> bool:
        """Unsubscribe; False when no such feed is in `scopes` (None: every scope)."""
        where, params = scope_clause(scopes)
        async with self._lock:
            cursor = await self._db.execute(f"DELETE FROM feeds WHERE id = ?{where}", (feed_id, *params))
            await self._commit()
        return bool(cursor.rowcount)

    async def update_feed(self, feed_id: int, values: dict[str, str]) -> None:
        """Set a feed's title, etag, last_modified, last_polled or last_error (ValueError naming any other)."""
        check_feed_fields(values)
        assignments = ", ".join(f"{key} = ?" for key in values)
        async with self._lock:
            await self._db.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", (*values.values(), feed_id))
            await self._commit()

    async def set_feed_announce(self, feed_id: int, channel_id: int | None, scopes: Sequence[str] | None) -> bool:
        """Choose the channel the feed's new articles are announced in (None: none); False when no
        such feed is in `scopes` (None: every scope)."""
        where, params = scope_clause(scopes)
        async with self._lock:
            cursor = await self._db.execute(
                f"UPDATE feeds SET announce_channel = ? WHERE id = ?{where}", (channel_id, feed_id, *params))
            await self._commit()
        return cursor.rowcount > 0

    async def claim_feed(self, feed_id: int, owner: str, now: str, until: str) -> bool:
        """Take the feed's polling lease for `owner` until `until`; False while another's runs."""
        async with self._lock:
            cursor = await self._db.execute(
                "UPDATE feeds SET leased_by = ?, lease_until = ? WHERE id = ? "
                "AND (leased_by = '' OR leased_by = ? OR lease_until < ?)", (owner, until, feed_id, owner, now))
            await self._commit()
        return bool(cursor.rowcount)

    async def release_feed(self, feed_id: int, owner: str) -> None:
        """Give the lease back (only `owner`'s own)."""
        async with self._lock:
            await self._db.execute(
                "UPDATE feeds SET leased_by = '', lease_until = '' WHERE id = ? AND leased_by = ?", (feed_id, owner))
            await self._commit()

    async def feed_items(self, feed_id: int) -> list[FeedItemRecord]:
        """What is recorded of a feed's items (a feed is reached through `feeds`, which is scoped)."""
        rows = await self._db.execute_fetchall(
            "SELECT guid, url, article_id, status, reason, tries, seen FROM feed_items WHERE feed_id = ?", (feed_id,)
        )
        return [feed_item(r) for r in rows]

    async def record_feed_item(self, feed_id: int, item: FeedItemRecord, seen: str) -> None:
        """Record (or replace) what became of one feed item."""
        async with self._lock:
            await self._db.execute(
                "INSERT OR REPLACE INTO feed_items (feed_id, guid, url, article_id, status, reason, tries, seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (feed_id, item.guid, item.url, item.article_id or None, item.status, item.reason, item.tries, seen),
            )
            await self._commit()
