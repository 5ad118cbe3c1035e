"""Vector stores: the Protocol, and FAISS on disk (ids are SQLite passage ids).

FAISS is a derived cache of the vectors SQLite holds: it is saved atomically (temporary file,
then rename) with a stamp (embedder, dimension, generation, count). A file whose stamp does not
match the database is rebuilt from SQLite's vectors at start, so no re-embedding is needed.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Iterable, Protocol, runtime_checkable

import faiss
import numpy as np

log = logging.getLogger(__name__)


@runtime_checkable
class VectorStore(Protocol):
    """Inner-product search over unit vectors keyed by integer ids. Thread-safe, blocking."""

    dim: int

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def remove(self, ids: Iterable[int]) -> None: ...

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]: ...

    def ids(self) -> set[int]: ...

    def __len__(self) -> int: ...


class FaissStore:
    """An exact inner-product FAISS index with explicit ids."""

    def __init__(self, dim: int, index: faiss.Index | None = None) -> None:
        self.dim = dim
        self._index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._lock = threading.RLock()

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of shape {vectors.shape} do not fit dimension {self.dim}")
        with self._lock:
            self._index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Iterable[int]) -> None:
        id_array = np.fromiter(ids, dtype=np.int64)
        if id_array.size:
            with self._lock:
                self._index.remove_ids(faiss.IDSelectorBatch(id_array))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dim)
        with self._lock:
            k = min(k, self._index.ntotal)
            if k <= 0:
                return []
            scores, ids = self._index.search(query, k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def ids(self) -> set[int]:
        with self._lock:
            return set(faiss.vector_to_array(self._index.id_map).tolist())

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def save(self, path: Path, stamp: dict[str, object]) -> None:
        """Write index and stamp atomically (temporary files, fsync, rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # per process: two never share one
        with self._lock:
            faiss.write_index(self._index, str(tmp))
            stamp = {**stamp, "count": int(self._index.ntotal), "dim": self.dim}
        _fsync(tmp)
        os.replace(tmp, path)
        _write_json_atomic(_stamp_path(path), stamp)

    @classmethod
    def load(cls, path: Path, expected: dict[str, object]) -> "FaissStore | None":
        """Open a saved index if its stamp matches `expected`; None (with a log line) otherwise."""
        stamp_file = _stamp_path(path)
        if not path.exists() or not stamp_file.exists():
            log.info("no vector index at %s; building it from the database", path)
            return None
        try:
            stamp = json.loads(stamp_file.read_text())
            index = faiss.read_index(str(path))
        except Exception as exc:  # corrupt or truncated file: rebuild
            log.warning("vector index %s is unreadable (%s); rebuilding it from the database", path, exc)
            return None
        for key, value in expected.items():
            if stamp.get(key) != value:
                log.warning(
                    "vector index %s was made with %s=%r, expected %r; rebuilding it",
                    path, key, stamp.get(key), value,
                )
                return None
        if index.d != expected.get("dim", index.d) or index.ntotal != stamp.get("count"):
            log.warning("vector index %s does not match its stamp; rebuilding it", path)
            return None
        return cls(index.d, index)


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _write_json_atomic(path: Path, data: dict[str, object]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True))
    _fsync(tmp)
    os.replace(tmp, path)
