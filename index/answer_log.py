"""Answers posted to users, kept so their buttons (votes, share, follow-up) work after a restart,
and the votes on them: one per person per answer.

Answers older than KEEP_DAYS are dropped as new ones are kept; a button on an older answer says so.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from .models import Answer, Quote
from .store import Store
from .store_vectors import placeholders

KEEP_DAYS = 90


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _compact(answer: Answer) -> str:
    """The answer as JSON without each quote's surrounding paragraph (shown nowhere; the bulk of it)."""
    data = answer.to_dict()
    for quote in data["quotes"]:
        quote["context"], quote["offset"] = "", 0
    return json.dumps(data, ensure_ascii=False)


async def keep_answer(store: Store, answer: Answer, scope: str) -> int:
    """Store a posted answer (without its quotes' context); returns its id (what its buttons carry)."""
    created = _now()
    async with store.transaction:
        await store.db.execute(
            "DELETE FROM answers WHERE created < ?",
            ((created - timedelta(days=KEEP_DAYS)).isoformat(timespec="seconds"),)
        )
        cursor = await store.db.execute(
            "INSERT INTO answers (created, scope, answer) VALUES (?, ?, ?)",
            (created.isoformat(timespec="seconds"), scope, _compact(answer)),
        )
        await store.commit()
    return int(cursor.lastrowid or 0)


async def kept_answer(store: Store, answer_id: int) -> tuple[Answer, str] | None:
    """A stored answer and the scope it was asked in; None once it is gone (or never was)."""
    rows = await store.reader.execute_fetchall("SELECT answer, scope FROM answers WHERE id = ?", (answer_id,))
    return (Answer.from_dict(json.loads(rows[0][0])), str(rows[0][1])) if rows else None


def _quoted(quotes: Sequence[Quote]) -> str:
    kept = [{"article_id": q.article_id, "paragraph": q.paragraph, "text": q.text, "title": q.title} for q in quotes]
    return json.dumps(kept, ensure_ascii=False)


async def add_vote(
    store: Store, scope: str, user_id: str, question: str, vote: int, quotes: Sequence[Quote],
    answer_id: int | None = None,
) -> int:
    """Store a vote with its question and quotes; 0 when this person already voted on `answer_id`."""
    async with store.transaction:
        cursor = await store.db.execute(
            "INSERT INTO feedback (created, scope, user_id, question, vote, quotes, answer_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (answer_id, user_id) WHERE answer_id IS NOT NULL DO NOTHING",
            (_now().isoformat(timespec="seconds"), scope, user_id, question, vote, _quoted(quotes), answer_id),
        )
        await store.commit()
    return int(cursor.lastrowid or 0) if cursor.rowcount else 0


async def votes(store: Store, limit: int, scopes: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The latest votes, newest first (only those of `scopes` when given)."""
    sql = "SELECT id, created, scope, user_id, question, vote, quotes, answer_id FROM feedback"
    params: tuple[Any, ...] = ()
    if scopes is not None:
        sql += f" WHERE scope IN ({placeholders(scopes)})"
        params = tuple(scopes)
    rows = await store.reader.execute_fetchall(sql + " ORDER BY id DESC LIMIT ?", params + (limit,))
    keys = ("id", "created", "scope", "user_id", "question", "vote", "quotes", "answer_id")
    return [{**dict(zip(keys, r)), "quotes": json.loads(r[6])} for r in rows]
