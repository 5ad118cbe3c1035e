"""One contract for every VectorStore: the FAISS store and an in-memory fake."""
from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
import pytest

from index.embed import normalize
from index.vectors import FaissStore, VectorStore
from index.vectors.faiss_index import build_index


class MemoryStore:
    """A plain NumPy vector store: the fake the contract is checked against too."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._rows: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of shape {vectors.shape} do not fit dimension {self.dim}")
        with self._lock:
            self._rows.update({int(i): v.astype(np.float32) for i, v in zip(ids, vectors)})

    def remove(self, ids: Iterable[int]) -> None:
        with self._lock:
            for i in ids:
                self._rows.pop(int(i), None)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        scored = [(i, float(np.dot(v, vector.reshape(-1)))) for i, v in self._rows.items()]
        return sorted(scored, key=lambda pair: -pair[1])[:k]

    def ids(self) -> set[int]:
        return set(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def trained_ivf_store() -> FaissStore:
    """A FaissStore past its (small) Flat threshold: an IVF index trained, then emptied."""
    training = normalize(np.random.default_rng(42).normal(size=(300, 8)))
    store = FaissStore(8, build_index(training, np.arange(10_000, 10_300), flat_max=200), flat_max=200)
    store.remove(range(10_000, 10_300))
    assert store.kind.startswith("IVF")
    return store


@pytest.fixture(params=["faiss", "faiss-ivf", "memory"])
def store(request: pytest.FixtureRequest) -> VectorStore:
    if request.param == "faiss-ivf":
        return trained_ivf_store()
    return FaissStore(8) if request.param == "faiss" else MemoryStore(8)


def vectors(n: int, seed: int = 0) -> np.ndarray:
    return normalize(np.random.default_rng(seed).normal(size=(n, 8)))


def test_meets_the_protocol(store: VectorStore) -> None:
    assert isinstance(store, VectorStore)


def test_search_finds_the_vector_itself_first(store: VectorStore) -> None:
    data = vectors(20)
    store.add(np.arange(100, 120), data)
    hits = store.search(data[7], 3)
    assert hits[0][0] == 107 and hits[0][1] == pytest.approx(1.0, abs=1e-3)  # IVF lists hold float16
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_remove_and_ids(store: VectorStore) -> None:
    store.add(np.array([1, 2, 3]), vectors(3))
    store.remove([2, 99])
    assert store.ids() == {1, 3} and len(store) == 2
    assert all(i != 2 for i, _ in store.search(vectors(1, 5)[0], 10))


def test_k_larger_than_store_and_empty_store(store: VectorStore) -> None:
    assert store.search(vectors(1)[0], 5) == []
    store.add(np.array([1]), vectors(1))
    assert len(store.search(vectors(1)[0], 5)) == 1


def test_wrong_dimension_names_the_shape(store: VectorStore) -> None:
    with pytest.raises(ValueError, match=r"\(2, 4\)"):
        store.add(np.array([1, 2]), np.zeros((2, 4), dtype=np.float32))
