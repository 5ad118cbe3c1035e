"""The PostgreSQL store's kept answers: where each was posted, and the answers of a thread or a guild
(index.export), as the SQLite store's (sqlite_answers)."""
from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from ..errors import RejectedInput
from ..models import KeptAnswer
from .answer_rows import KEPT_COLUMNS, kept_answer_row
from .pg_sql import Sql


class AnswerRows:
    """Kept answers by channel (a thread's: posted in it, or its starting message) or by date."""

    _pool: asyncpg.Pool

    async def answer_posted(self, answer_id: int, channel_id: str, message_id: str, question_message_id: str = "") -> bool:
        status = await self._pool.execute(
            "UPDATE answers SET channel_id = $1, message_id = $2, question_message_id = $3 WHERE id = $4",
            channel_id, message_id, question_message_id, answer_id)
        return bool(status) and not status.endswith(" 0")

    async def kept_answers(
        self, scopes: Sequence[str] | None, limit: int, *, channel_id: str = "", since: str = "", posted: bool = False,
    ) -> list[KeptAnswer]:
        sql = Sql()
        where = f"true{sql.scopes(scopes, 'scope')}"
        if channel_id:
            where += f" AND (channel_id = {sql.arg(channel_id)} OR message_id = {sql.arg(channel_id)})"
        if since:
            where += f" AND created >= {sql.arg(since)}"
        if posted:
            where += " AND message_id != ''"
        rows = await self._pool.fetch(
            f"SELECT {KEPT_COLUMNS} FROM answers WHERE {where} ORDER BY id DESC LIMIT {sql.arg(limit)}", *sql.args)
        return [kept_answer_row(row) for row in reversed(rows)]

    async def put_kept_answer(self, kept: KeptAnswer) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetchval(
                f"INSERT INTO answers ({KEPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                "ON CONFLICT (id) DO NOTHING RETURNING id",
                kept.id, kept.created, kept.scope, kept.answer, kept.channel_id, kept.message_id,
                kept.question_message_id)
            if inserted is None:
                raise RejectedInput(f"answer {kept.id}", "the target already keeps an answer with this id")
            # the next answer kept gets a newer id than any copied (an old button must not find it)
            await conn.execute(
                "SELECT setval('answers_id_seq', GREATEST($1, (SELECT last_value FROM answers_id_seq)))", kept.id)
