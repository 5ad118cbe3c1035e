"""`newsdesk doctor`'s vector index check: FAISS holds SQLite's passage ids, and an IVF index finds
what exact search over the stored vectors finds (recall@10, from stored passages as questions).

Read-only: SQLite through mode=ro, the FAISS file memory-mapped when large. Blocking.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..config import DATABASE_FILE, VECTORS_FILE
from ..store.sqlite_inspect import passage_state, vector_batches, vectors_of
from .results import Check, fail, ok, warn

RECALL_QUERIES = 100  # stored passages used as questions for the recall check
RECALL_K = 10
RECALL_WARN = 0.95  # below this, approximate search misses too much of what exact search finds


def exact_top_k(queries: np.ndarray, batches: Iterator[tuple[np.ndarray, np.ndarray]], k: int) -> np.ndarray:
    """The ids of each query's `k` best inner products, over vectors that arrive in batches."""
    import faiss

    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    for ids, vectors in batches:
        scores, rows = faiss.knn(queries, vectors, min(k, len(ids)), faiss.METRIC_INNER_PRODUCT)
        best_scores = np.concatenate([best_scores, scores], axis=1)
        best_ids = np.concatenate([best_ids, ids[rows]], axis=1)
        keep = np.argsort(-best_scores, axis=1, kind="stable")[:, :k]
        best_scores = np.take_along_axis(best_scores, keep, axis=1)
        best_ids = np.take_along_axis(best_ids, keep, axis=1)
    return best_ids


def ivf_recall(index: object, db_path: Path, ids: set[int]) -> float:
    """Recall@RECALL_K of `index` against exact search over SQLite's vectors, stored passages as queries."""
    dim = int(index.d)  # type: ignore[attr-defined]
    picked = np.random.default_rng(0).choice(sorted(ids), size=min(RECALL_QUERIES, len(ids)), replace=False)
    queries = vectors_of(db_path, [int(i) for i in picked], dim)
    truth = exact_top_k(queries, vector_batches(db_path, dim), RECALL_K)
    _, found = index.search(queries, RECALL_K)  # type: ignore[attr-defined]
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def check_vectors(home: Path, quick: bool) -> Check:
    """The FAISS file holds exactly SQLite's passage ids (quick: its stamp's count and generation);
    an approximate (IVF) index is also checked for recall against exact search."""
    name = "vector index"
    db_path, index_path = home / DATABASE_FILE, home / VECTORS_FILE
    stamp_path = index_path.with_name(index_path.name + ".json")
    rebuild = (f"stop newsdesk, delete {index_path} and {stamp_path.name}, start it again: "
               "the index is rebuilt from the database in seconds, without re-embedding")
    if not db_path.exists():
        return ok(name, "no database yet")
    try:
        ids, generation, _ = passage_state(db_path)
    except sqlite3.Error as exc:
        return fail(name, f"cannot read passage ids from {db_path}: {exc}", "fix the database first (see above)")
    if not index_path.exists() or not stamp_path.exists():
        return ok(name, f"{index_path.name} not built yet: built from the database ({len(ids):,} passages) at start")
    try:
        stamp = json.loads(stamp_path.read_text())
        if quick:
            faiss_count = int(stamp["count"])
        else:
            from ..vectors import (
                faiss_index,  # faiss only for the full check
                open_index,
            )
            from ..vectors.faiss_index import index_ids, is_approximate

            index = open_index(index_path, faiss_index.NPROBE)  # searched as the library searches it
            faiss_ids = set(index_ids(index).tolist())
    except Exception as exc:  # unreadable, truncated, not an index with ids
        return warn(name, f"{index_path.name} is unreadable ({exc}); it is rebuilt at the next start", rebuild)
    if str(stamp.get("generation")) != generation:
        return warn(name, f"{index_path.name} is from write generation {stamp.get('generation')}, the database is "
                    f"at {generation}: it is rebuilt at the next start", "restart newsdesk, or: " + rebuild)
    if quick:
        if faiss_count != len(ids):
            return fail(name, f"{index_path.name} holds {faiss_count:,} vectors, the database {len(ids):,} passages",
                        rebuild)
        return ok(name, f"{faiss_count:,} vectors, as many as the database has passages")
    extra, missing = faiss_ids - ids, ids - faiss_ids
    if extra or missing:
        return fail(name, f"FAISS and SQLite disagree: {len(extra):,} vector id(s) with no passage, "
                    f"{len(missing):,} passage(s) with no vector", rebuild)
    same = f"{len(ids):,} vectors, the same ids as the database's passages"
    if not is_approximate(index) or not ids:
        return ok(name, same + " (exact search)")
    recall = ivf_recall(index, db_path, ids)
    found = f"approximate (IVF) search finds {recall:.3f} of exact search's top {RECALL_K}"
    if recall < RECALL_WARN:
        return warn(name, f"{same}; {found}, below {RECALL_WARN}", rebuild)
    return ok(name, f"{same}; {found}")
