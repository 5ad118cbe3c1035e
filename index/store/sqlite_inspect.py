"""Read-only looks into a SQLite library file for `newsdesk doctor` (mode=ro: never migrates or writes).

Blocking, like the doctor: each function opens the file, reads, and closes it.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from .rows import vector_matrix
from .sql import placeholders

BATCH = 20_000


def connect_ro(path: Path) -> closing[sqlite3.Connection]:
    """Open read-only (closed on leaving the `with`)."""
    return closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))


def integrity(path: Path, quick: bool) -> tuple[list[str], int, int]:
    """(problems SQLite's integrity check found, schema version, passages); sqlite3.Error when unreadable."""
    with connect_ro(path) as db:
        rows = db.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        passages = int(db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]) if version else 0
    return [str(row[0]) for row in rows if row[0] != "ok"], version, passages


def feed_rows(path: Path) -> list[tuple[int, str, str]]:
    """(id, url, last error) of every subscribed feed, every scope."""
    with connect_ro(path) as db:
        return [(int(r[0]), str(r[1]), str(r[2])) for r in db.execute("SELECT id, url, last_error FROM feeds")]


def passage_state(path: Path) -> tuple[set[int], str, str]:
    """(every passage id, write generation, embedder name)."""
    with connect_ro(path) as db:
        ids = {int(row[0]) for row in db.execute("SELECT id FROM passages")}
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    return ids, str(meta.get("generation", "0")), str(meta.get("embedder", ""))


def vectors_of(path: Path, ids: Sequence[int], dim: int) -> np.ndarray:
    """The stored vectors of `ids` (at most a few hundred), in the database's order."""
    with connect_ro(path) as db:
        rows = db.execute(f"SELECT vector FROM passages WHERE id IN ({placeholders(ids)})", [int(i) for i in ids]).fetchall()
    return vector_matrix([r[0] for r in rows], dim)


def vector_batches(path: Path, dim: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every passage's (ids, vectors), BATCH at a time in id order."""
    with connect_ro(path) as db:
        last = 0
        while rows := db.execute(
            "SELECT id, vector FROM passages WHERE id > ? ORDER BY id LIMIT ?", (last, BATCH)
        ).fetchall():
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            yield ids, vector_matrix([r[1] for r in rows], dim)
            last = int(ids[-1])
