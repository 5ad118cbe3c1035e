"""The SQLite store's kept answers: where each was posted, and the answers of a thread or a guild
(index.export); a copy between stores keeps their ids (old buttons carry them)."""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import RejectedInput
from ..models import KeptAnswer
from .answer_rows import KEPT_COLUMNS, kept_answer_row
from .sql import scope_clause
from .sqlite_base import Connections


class AnswerRows(Connections):
    """Kept answers by channel (a thread's: posted in it, or its starting message) or by date."""

    async def answer_posted(self, answer_id: int, channel_id: str, message_id: str, question_message_id: str = "") -> bool:
        """Record where a kept answer was posted; False when it is gone."""
        async with self._lock:
            cursor = await self._db.execute(
                "UPDATE answers SET channel_id = ?, message_id = ?, question_message_id = ? WHERE id = ?",
                (channel_id, message_id, question_message_id, answer_id))
            await self._commit()
        return cursor.rowcount > 0

    async def kept_answers(
        self, scopes: Sequence[str] | None, limit: int, *, channel_id: str = "", since: str = "", posted: bool = False,
    ) -> list[KeptAnswer]:
        """The newest `limit` kept answers of `scopes` (None: every scope), oldest first: created at or
        after `since`; with `channel_id`, those posted in it or whose message started it (a thread);
        with `posted`, only those posted in public (their message is known)."""
        where, params = scope_clause(scopes)
        if channel_id:
            where, params = f"{where} AND (channel_id = ? OR message_id = ?)", (*params, channel_id, channel_id)
        if since:
            where, params = f"{where} AND created >= ?", (*params, since)
        if posted:
            where += " AND message_id != ''"
        rows = await self._reader.execute_fetchall(
            f"SELECT {KEPT_COLUMNS} FROM answers WHERE 1{where} ORDER BY id DESC LIMIT ?", (*params, limit))
        return [kept_answer_row(row) for row in reversed(list(rows))]

    async def put_kept_answer(self, kept: KeptAnswer) -> None:
        """Store a kept answer as it is, its id included (a copy between stores); RejectedInput when
        that id is taken."""
        async with self._lock:
            if await (await self._db.execute("SELECT 1 FROM answers WHERE id = ?", (kept.id,))).fetchone():
                raise RejectedInput(f"answer {kept.id}", "the target already keeps an answer with this id")
            await self._db.execute(
                f"INSERT INTO answers ({KEPT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kept.id, kept.created, kept.scope, kept.answer, kept.channel_id, kept.message_id,
                 kept.question_message_id))
            await self._commit()
