"""The FAISS vector store on disk (ids are the store's passage ids).

FAISS is a derived cache of the vectors SQLite holds: it is saved atomically (temporary file,
then rename) with a stamp (embedder, dimension, generation, count). Its type follows the size
(faiss_index.py): exact Flat up to `flat_max` vectors, IVF past it. A file whose stamp does not
match the database is rebuilt from SQLite's vectors at start, so no re-embedding is needed.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path

import faiss
import numpy as np

from .faiss_index import FLAT_MAX, NPROBE, index_ids, load_index, needs_rebuild

log = logging.getLogger(__name__)
MMAP_BYTES = 256 * 2**20  # saved indexes larger than this are opened memory-mapped


class FaissStore:
    """Inner-product FAISS search with explicit ids: exact Flat while small, IVF past `flat_max`.

    Between `begin_rebuild` and `finish_rebuild` the index the size calls for is built aside (from
    the exact vectors SQLite keeps), then swapped in under the lock, replaying writes made meanwhile.
    An IVF index loaded memory-mapped is read-only: it is copied into memory on the first write.
    """

    def __init__(
        self, dim: int, index: faiss.Index | None = None, *, flat_max: int = FLAT_MAX, nprobe: int = NPROBE
    ) -> None:
        self.dim = dim
        self.flat_max = flat_max
        self.nprobe = nprobe
        self._index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._lock = threading.RLock()
        self._pending: list[tuple[str, np.ndarray, np.ndarray | None]] | None = None  # writes during a rebuild
        self._source: tuple[int, int] | None = None  # (device, inode) of the file it was loaded from

    @property
    def kind(self) -> str:
        ivf = faiss.try_extract_index_ivf(self._index)
        if ivf is None:
            return "Flat"
        lists = "SQfp16" if isinstance(faiss.downcast_index(ivf), faiss.IndexIVFScalarQuantizer) else "Flat"
        return f"IVF{ivf.nlist},{lists} nprobe={ivf.nprobe}"

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of shape {vectors.shape} do not fit dimension {self.dim}")
        id_array = np.ascontiguousarray(ids, dtype=np.int64)
        with self._lock:
            self._writable().add_with_ids(vectors, id_array)
            if self._pending is not None:
                self._pending.append(("add", id_array, vectors))

    def remove(self, ids: Iterable[int]) -> None:
        id_array = np.fromiter(ids, dtype=np.int64)
        if id_array.size:
            with self._lock:
                self._writable().remove_ids(faiss.IDSelectorBatch(id_array))
                if self._pending is not None:
                    self._pending.append(("remove", id_array, None))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dim)
        faiss.omp_set_num_threads(1)  # per thread; one query is 3-50x faster on one busy core than two
        with self._lock:
            k = min(k, self._index.ntotal)
            if k <= 0:
                return []
            scores, ids = self._index.search(query, k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def ids(self) -> set[int]:
        with self._lock:
            return set(index_ids(self._index).tolist())

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def needs_rebuild(self) -> bool:
        """True when the number of vectors calls for another index type or IVF size."""
        with self._lock:
            return needs_rebuild(self._index, int(self._index.ntotal), self.flat_max)

    def begin_rebuild(self) -> None:
        """From now on remember adds and removes, to replay them onto the index being built."""
        with self._lock:
            self._pending = []

    def finish_rebuild(self, index: faiss.Index | None) -> None:
        """Replay the writes made since `begin_rebuild` onto `index` and swap it in (None: give up)."""
        with self._lock:
            try:
                if index is None:
                    return
                for op, op_ids, op_vectors in self._pending or []:
                    index.remove_ids(faiss.IDSelectorBatch(op_ids))  # an add is already in the snapshot
                    if op == "add" and op_vectors is not None:
                        index.add_with_ids(op_vectors, op_ids)
                self._index = index
            finally:
                self._pending = None
        if index is not None:
            log.info("vector index is now %s over %d passages", self.kind, len(self))

    def save(self, path: Path, stamp: dict[str, object]) -> None:
        """Write index and stamp atomically (temporary files, fsync, rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # per process: two never share one
        with self._lock:
            stamp = {**stamp, "count": int(self._index.ntotal), "dim": self.dim}
            if _mapped_lists(self._index) is not None and self._source == _file_id(path):
                _write_json_atomic(_stamp_path(path), stamp)  # the lists are that file, unchanged
                return
            # FAISS writes mapped lists as a reference to their file, which then fails to load (or
            # crashes): lists mapped from another file are copied into memory first
            faiss.write_index(self._writable(), str(tmp))
        _fsync(tmp)
        os.replace(tmp, path)
        _write_json_atomic(_stamp_path(path), stamp)

    @classmethod
    def load(
        cls, path: Path, expected: dict[str, object], *, flat_max: int = FLAT_MAX, nprobe: int = NPROBE
    ) -> FaissStore | None:
        """Open a saved index if its stamp matches `expected`; None (with a log line) otherwise.

        Files past MMAP_BYTES are opened memory-mapped (IVF lists stay on disk until read).
        """
        stamp_file = _stamp_path(path)
        if not path.exists() or not stamp_file.exists():
            log.info("no vector index at %s; building it from the database", path)
            return None
        try:
            stamp = json.loads(stamp_file.read_text())
            index = open_index(path, nprobe)
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
        store = cls(index.d, index, flat_max=flat_max, nprobe=nprobe)
        store._source = _file_id(path)
        return store

    def _writable(self) -> faiss.Index:
        """The index, its memory-mapped IVF lists first copied into memory (they are read-only)."""
        ivf = faiss.try_extract_index_ivf(self._index)
        mapped = _mapped_lists(self._index)
        if ivf is not None and mapped is not None:
            lists = faiss.ArrayInvertedLists(ivf.nlist, ivf.code_size)
            for number in range(ivf.nlist):
                size = mapped.list_size(number)
                if size:
                    lists.add_entries(number, size, mapped.get_ids(number), mapped.get_codes(number))
            ivf.replace_invlists(lists, True)
            lists.this.disown()  # type: ignore[attr-defined]  # SWIG's handle, missing from faiss's stubs; the index owns it now
            log.info("copied the memory-mapped vector index into memory for writing")
        return self._index


def open_index(path: Path, nprobe: int = NPROBE) -> faiss.Index:
    """A saved index as the library searches it: memory-mapped past MMAP_BYTES, `nprobe` lists per IVF query."""
    index = load_index(path, mmap=path.stat().st_size > MMAP_BYTES)
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        ivf.nprobe = nprobe
    return index


def _mapped_lists(index: faiss.Index) -> faiss.InvertedLists | None:
    """The IVF lists of `index` when they are memory-mapped from its file, else None."""
    ivf = faiss.try_extract_index_ivf(index)
    lists = ivf.invlists if ivf is not None else None
    return lists if lists is not None and isinstance(faiss.downcast_InvertedLists(lists), faiss.OnDiskInvertedLists) else None


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


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
