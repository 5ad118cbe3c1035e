"""Passage vectors outside the store: the `VectorStore` Protocol, the FAISS store and its index
choice (faiss_index.py: exact Flat while small, IVF past it), building it from the store's vectors
(build.py), and how a Library keeps it true to the store (keeping.py)."""
from __future__ import annotations

from .faiss_store import FaissStore, open_index
from .protocol import VectorStore

__all__ = ["FaissStore", "VectorStore", "open_index"]
