"""The SQLite store's standing questions (index.watch) and the answers recorded for them."""
from __future__ import annotations

from collections.abc import Sequence

from ..models import StandingQuestion, WatchAnswerRecord
from .sql import scope_clause
from .sqlite_base import Connections
from .watch_rows import ANSWER_COLUMNS, WATCH_COLUMNS, standing_question, watch_answer


class WatchRows(Connections):
    """Standing questions per scope (at most `limit` each) and their answers, each posted once."""

    async def add_watch(self, watch: StandingQuestion, limit: int) -> int:
        """Store a standing question (its id ignored); its id, or 0 when its scope holds `limit` already."""
        async with self._lock:
            row = await (await self._db.execute("SELECT count(*) FROM watches WHERE scope = ?", (watch.scope,))).fetchone()
            if row and int(row[0]) >= limit:
                return 0
            cursor = await self._db.execute(
                "INSERT INTO watches (scope, channel_id, user_id, user_name, question, created) VALUES (?, ?, ?, ?, ?, ?)",
                (watch.scope, watch.channel_id, watch.user_id, watch.user_name, watch.question, watch.created))
            await self._commit()
        return int(cursor.lastrowid or 0)

    async def watches(self, scopes: Sequence[str] | None) -> list[StandingQuestion]:
        """Standing questions of `scopes` (None: every scope), oldest first."""
        where, params = scope_clause(scopes)
        rows = await self._reader.execute_fetchall(f"SELECT {WATCH_COLUMNS} FROM watches WHERE 1{where} ORDER BY id", params)
        return [standing_question(row) for row in rows]

    async def remove_watch(self, watch_id: int, scopes: Sequence[str] | None) -> bool:
        """Remove a standing question and its answers; False when `scopes` hold no such question."""
        where, params = scope_clause(scopes)
        async with self._lock:
            cursor = await self._db.execute(f"DELETE FROM watches WHERE id = ?{where}", (watch_id, *params))
            await self._commit()
        return bool(cursor.rowcount)

    async def add_watch_answer(self, answer: WatchAnswerRecord) -> bool:
        """Record an answer to post; False when this question and article have one already (or the question is gone)."""
        async with self._lock:
            cursor = await self._db.execute(
                "INSERT INTO watch_answers (watch_id, article, article_id, answer, created) "
                "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM watches WHERE id = ?) "
                "ON CONFLICT (watch_id, article) DO NOTHING",
                (answer.watch_id, answer.article, answer.article_id, answer.answer, answer.created, answer.watch_id))
            await self._commit()
        return bool(cursor.rowcount)

    async def watch_answers_due(self, limit: int) -> list[WatchAnswerRecord]:
        """Recorded answers not posted yet, oldest first (every scope)."""
        rows = await self._reader.execute_fetchall(
            f"SELECT {ANSWER_COLUMNS} FROM watch_answers WHERE posted = '' ORDER BY created, watch_id LIMIT ?", (limit,))
        return [watch_answer(row) for row in rows]

    async def claim_watch_answer(self, watch_id: int, article: str, posted: str) -> bool:
        """Mark an answer posted at `posted`; False when it was already (by another process)."""
        async with self._lock:
            cursor = await self._db.execute(
                "UPDATE watch_answers SET posted = ? WHERE watch_id = ? AND article = ? AND posted = ''",
                (posted, watch_id, article))
            await self._commit()
        return bool(cursor.rowcount)
