"""The `VectorStore` Protocol: nearest-neighbour search over the passages' vectors (FAISS today)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class VectorStore(Protocol):
    """Inner-product search over unit vectors keyed by integer ids. Thread-safe, blocking."""

    dim: int

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def remove(self, ids: Iterable[int]) -> None: ...

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]: ...

    def ids(self) -> set[int]: ...

    def __len__(self) -> int: ...
