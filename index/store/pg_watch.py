"""The PostgreSQL store's standing questions (index.watch) and the answers recorded for them."""
from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from ..models import StandingQuestion, WatchAnswerRecord
from .pg_sql import Sql
from .watch_rows import ANSWER_COLUMNS, WATCH_COLUMNS, standing_question, watch_answer


def _changed(status: str) -> bool:
    return bool(status) and not status.endswith(" 0")


class WatchRows:
    """Standing questions per scope (at most `limit` each) and their answers, each posted once."""

    _pool: asyncpg.Pool

    async def add_watch(self, watch: StandingQuestion, limit: int) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            # one adder per scope at a time, so two adds cannot both pass the limit
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('watches:' || $1))", watch.scope)
            if int(await conn.fetchval("SELECT count(*) FROM watches WHERE scope = $1", watch.scope)) >= limit:
                return 0
            return int(await conn.fetchval(
                "INSERT INTO watches (scope, channel_id, user_id, user_name, question, created) "
                "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                watch.scope, watch.channel_id, watch.user_id, watch.user_name, watch.question, watch.created))

    async def watches(self, scopes: Sequence[str] | None) -> list[StandingQuestion]:
        sql = Sql()
        rows = await self._pool.fetch(
            f"SELECT {WATCH_COLUMNS} FROM watches WHERE true{sql.scopes(scopes, 'scope')} ORDER BY id", *sql.args)
        return [standing_question(r) for r in rows]

    async def remove_watch(self, watch_id: int, scopes: Sequence[str] | None) -> bool:
        sql = Sql()
        status = await self._pool.execute(
            f"DELETE FROM watches WHERE id = {sql.arg(watch_id)}{sql.scopes(scopes, 'scope')}", *sql.args)
        return _changed(status)

    async def add_watch_answer(self, answer: WatchAnswerRecord) -> bool:
        status = await self._pool.execute(
            "INSERT INTO watch_answers (watch_id, article, article_id, answer, created) "
            "SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM watches WHERE id = $1) "
            "ON CONFLICT (watch_id, article) DO NOTHING",
            answer.watch_id, answer.article, answer.article_id, answer.answer, answer.created)
        return _changed(status)

    async def watch_answers_due(self, limit: int) -> list[WatchAnswerRecord]:
        rows = await self._pool.fetch(
            f"SELECT {ANSWER_COLUMNS} FROM watch_answers WHERE posted = '' ORDER BY created, watch_id LIMIT $1", limit)
        return [watch_answer(r) for r in rows]

    async def claim_watch_answer(self, watch_id: int, article: str, posted: str) -> bool:
        status = await self._pool.execute(
            "UPDATE watch_answers SET posted = $1 WHERE watch_id = $2 AND article = $3 AND posted = ''",
            posted, watch_id, article)
        return _changed(status)
