"""What both stores share for kept answers and where they were posted (index.export): columns, rows."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import KeptAnswer

KEPT_COLUMNS = "id, created, scope, answer, channel_id, message_id, question_message_id"


def kept_answer_row(row: Sequence[Any]) -> KeptAnswer:
    """A kept answer read with KEPT_COLUMNS."""
    return KeptAnswer(int(row[0]), *(str(value) for value in row[1:]))
