"""What both stores share for standing questions (index.watch): columns and row conversion."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import StandingQuestion, WatchAnswerRecord

WATCH_COLUMNS = "id, scope, channel_id, user_id, user_name, question, created"
ANSWER_COLUMNS = "watch_id, article, article_id, answer, created"


def standing_question(row: Sequence[Any]) -> StandingQuestion:
    """A standing question read with WATCH_COLUMNS."""
    return StandingQuestion(int(row[0]), *(str(value) for value in row[1:]))


def watch_answer(row: Sequence[Any]) -> WatchAnswerRecord:
    """A recorded answer read with ANSWER_COLUMNS."""
    return WatchAnswerRecord(int(row[0]), str(row[1]), int(row[2]), str(row[3]), str(row[4]))
