"""What both stores write into and read out of their rows, whatever the database: sentence spans and
vectors, entities, feed and vote columns, title patterns. One place, so the backends agree."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from ..entities import SentenceEntities
from ..models import Subscription
from ..when import Window

FEED_COLUMNS = "id, url, scope, title, etag, last_modified, added, last_polled, last_error, announce_channel"
FEED_FIELDS = frozenset(FEED_COLUMNS.split(", ")) - {"id", "url", "scope", "added", "announce_channel"}
"""What `update_feed` may set (the announce channel has `set_feed_announce`)."""
VOTE_KEYS = ("id", "created", "scope", "user_id", "question", "vote", "quotes", "answer_id")

SentenceRows = dict[int, tuple[list[tuple[int, int]], np.ndarray]]


def sentences_row(spans: Sequence[tuple[int, int]], vectors: np.ndarray) -> tuple[str, bytes]:
    """(spans as JSON, vectors as float32 bytes) for storing."""
    return json.dumps(spans), np.asarray(vectors, dtype=np.float32).tobytes()


def sentences_of(rows: Iterable[Sequence[Any]], dim: int) -> SentenceRows:
    """(passage id, spans JSON, vectors bytes) rows read back; rows of another dimension are left out."""
    found: SentenceRows = {}
    for pid, spans, blob in rows:
        pairs = [(int(a), int(b)) for a, b in json.loads(spans)]
        vectors = np.frombuffer(blob, dtype=np.float32)
        if vectors.size == len(pairs) * dim:
            found[int(pid)] = (pairs, vectors.reshape(len(pairs), dim))
    return found


def entities_text(entities: SentenceEntities) -> str:
    """A passage's sentence entities as compact JSON for storing."""
    return json.dumps(entities, separators=(",", ":"))


def entities_of(text: str) -> SentenceEntities:
    """Sentence entities read back from `entities_text`."""
    return [[(int(a), int(b), str(label)) for a, b, label in sentence] for sentence in json.loads(text)]


def subscription(row: Sequence[Any]) -> Subscription:
    """A feed read with FEED_COLUMNS."""
    url, scope, title, etag, last_modified, added, last_polled, last_error = (str(value) for value in row[1:9])
    channel = None if row[9] is None else int(row[9])
    return Subscription(int(row[0]), url, scope, title, etag, last_modified, added, last_polled, last_error, channel)


def check_feed_fields(values: dict[str, str]) -> None:
    """ValueError naming any field `update_feed` may not set."""
    if unknown := set(values) - FEED_FIELDS:
        raise ValueError(f"not a feed field that can be updated: {', '.join(sorted(unknown))}")


def window_bounds(window: Window) -> tuple[str, str]:
    """(first day, the day after the last) of a window; "" where it is open. ISO dates and datetimes
    compare as text, so "published < the day after" also keeps datetimes of the last day."""
    after = (date.fromisoformat(window.until) + timedelta(days=1)).isoformat() if window.until else ""
    return window.since, after


def title_pattern(query: str) -> str:
    """A LIKE pattern (escape character backslash) for titles containing `query` literally."""
    return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
