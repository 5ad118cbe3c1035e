"""Answers posted to users, kept so their buttons (votes, share, follow-up) work after a restart,
and the votes on them: one per person per answer. The rows live in the `Store`.

Answers older than KEEP_DAYS are dropped as new ones are kept; a button on an older answer says so.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from .clock import utc_now, utc_stamp
from .models import Answer, Quote
from .store import Scopes, Store

KEEP_DAYS = 90


def _compact(answer: Answer) -> str:
    """The answer as JSON without each quote's surrounding paragraph (shown nowhere; the bulk of it)."""
    data = answer.to_dict()
    for quote in data["quotes"]:
        quote["context"], quote["offset"] = "", 0
    return json.dumps(data, ensure_ascii=False)


async def keep_answer(store: Store, answer: Answer, scope: str) -> int:
    """Store a posted answer (without its quotes' context); returns its id (what its buttons carry)."""
    created = utc_now()
    drop_before = utc_stamp(created - timedelta(days=KEEP_DAYS))
    return await store.keep_answer(utc_stamp(created), scope, _compact(answer), drop_before)


async def kept_answer(store: Store, answer_id: int, scopes: Scopes = None) -> tuple[Answer, str] | None:
    """A kept answer (in `scopes`; None: any) and the scope it was asked in; None once it is gone."""
    found = await store.kept_answer(answer_id, scopes)
    return (Answer.from_dict(json.loads(found[0])), found[1]) if found else None


async def answer_posted(
    store: Store, answer_id: int, channel_id: int | str, message_id: int | str, question_message_id: int | str = "",
) -> bool:
    """Record the Discord channel (or thread) and message a kept answer was posted in, and the
    question's message ("" when there is none: /ask), for exports (index.export); False once it is gone.
    Only answers posted in public are recorded, so only they are exported."""
    return await store.answer_posted(answer_id, str(channel_id), str(message_id), str(question_message_id or ""))


def _quoted(quotes: Sequence[Quote]) -> str:
    kept = [{"article_id": q.article_id, "paragraph": q.paragraph, "text": q.text, "title": q.title} for q in quotes]
    return json.dumps(kept, ensure_ascii=False)


async def add_vote(
    store: Store, scope: str, user_id: str, question: str, vote: int, quotes: Sequence[Quote],
    answer_id: int | None = None,
) -> int:
    """Store a vote with its question and quotes; 0 when this person already voted on `answer_id`."""
    created = utc_stamp()
    return await store.add_vote(created, scope, user_id, question, vote, _quoted(quotes), answer_id)


async def votes(store: Store, limit: int, scopes: Scopes = None) -> list[dict[str, Any]]:
    """The latest votes, newest first (only those of `scopes` when given)."""
    return [{**row, "quotes": json.loads(row["quotes"])} for row in await store.votes(limit, scopes)]
