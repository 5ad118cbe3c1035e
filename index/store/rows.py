"""What both stores write into and read out of their rows, whatever the database: sentence spans and
vectors, entities, feed and vote columns, title patterns. One place, so the backends agree."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from ..entities import SentenceEntities
from ..models import FeedItemRecord, Subscription
from ..when import Window

FEED_COLUMNS = "id, url, scope, title, etag, last_modified, added, last_polled, last_error, announce_channel"
FEED_FIELDS = frozenset(FEED_COLUMNS.split(", ")) - {"id", "url", "scope", "added", "announce_channel"}
"""What `update_feed` may set (the announce channel has `set_feed_announce`)."""
VOTE_KEYS = ("id", "created", "scope", "user_id", "question", "vote", "quotes", "answer_id")

SentenceRows = dict[int, tuple[list[tuple[int, int]], np.ndarray]]


def vector_blob(vectors: np.ndarray) -> bytes:
    """Vectors (one, or one per row) as stored: each as int8 codes of its components divided by its
    largest magnitude, then that scale as a float32 (dim + 4 bytes, a quarter of float32's; cosine
    error about 1e-4, docs/BENCHMARKS.md part 2e)."""
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    scale = np.abs(matrix).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    codes = np.rint(matrix / scale).astype(np.int8)
    return np.hstack([codes.view(np.uint8), scale.astype(np.float32).view(np.uint8)]).tobytes()


def vectors_of(blob: bytes, dim: int, count: int = 1) -> np.ndarray | None:
    """`count` vectors of `dim` read back from a blob of vector_blob's int8 form or of float32 (libraries
    written before); None when the blob holds neither (another dimension or count)."""
    if len(blob) == 4 * dim * count:
        return np.frombuffer(blob, dtype=np.float32).reshape(count, dim)
    if len(blob) != (dim + 4) * count:
        return None
    raw = np.frombuffer(blob, dtype=np.uint8).reshape(count, dim + 4)
    scale = np.ascontiguousarray(raw[:, dim:]).view(np.float32)
    matrix: np.ndarray = raw[:, :dim].view(np.int8).astype(np.float32) * scale
    return matrix


def vector_of(blob: bytes, dim: int) -> np.ndarray:
    """One stored vector; ValueError when the blob is not one of `dim` components."""
    found = vectors_of(blob, dim)
    if found is None:
        raise ValueError(f"a stored vector of {len(blob)} bytes is not one of {dim} components")
    vector: np.ndarray = found[0]
    return vector


def vector_matrix(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    """Stored vectors stacked into one (n, dim) matrix, decoded at once when all share one form."""
    if not blobs:
        return np.empty((0, dim), np.float32)
    size = len(blobs[0])
    found = vectors_of(b"".join(blobs), dim, len(blobs)) if all(len(b) == size for b in blobs) else None
    return found if found is not None else np.stack([vector_of(b, dim) for b in blobs])


def sentences_row(spans: Sequence[tuple[int, int]], vectors: np.ndarray) -> tuple[str, bytes]:
    """(spans as JSON, vectors as vector_blob's bytes) for storing."""
    return json.dumps(spans), vector_blob(vectors)


def sentences_of(rows: Iterable[Sequence[Any]], dim: int) -> SentenceRows:
    """(passage id, spans JSON, vectors bytes) rows read back; rows of another dimension are left out."""
    found: SentenceRows = {}
    for pid, spans, blob in rows:
        pairs = [(int(a), int(b)) for a, b in json.loads(spans)]
        vectors = vectors_of(blob, dim, len(pairs)) if pairs else None
        if vectors is not None:
            found[int(pid)] = (pairs, vectors)
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


def feed_item(row: Sequence[Any]) -> FeedItemRecord:
    """A feed item read as (guid, url, article_id, status, reason, tries, seen)."""
    article_id = None if row[2] is None else int(row[2])
    return FeedItemRecord(str(row[0]), str(row[1]), article_id, str(row[3]), str(row[4]), int(row[5]), str(row[6]))


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
