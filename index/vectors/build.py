"""The FAISS index built from SQLite's stored vectors, batch by batch.

At 1M passages the vectors take 1.5 GB and an IVF index holds its own copy of them. Loading every
vector first and then building put both copies (and the training sample) in memory at once: 4.2 GB
at the peak. Past the Flat threshold this reads a random training sample, trains, and adds the
vectors 20,000 at a time, so only the index itself grows to full size.
"""
from __future__ import annotations

import asyncio

import faiss

from ..store import Store
from .faiss_index import build_index, trained_ivf, training_size, with_train_threads


async def built_index(store: Store, dim: int, flat_max: int, nprobe: int) -> faiss.Index:
    """The index the stored vectors call for (Flat up to `flat_max`, else IVF), built off the event loop."""
    n = await store.passage_count()
    if n <= flat_max:
        ids, vectors = await store.vector_matrix(dim)
        return await asyncio.to_thread(with_train_threads, build_index, vectors, ids, flat_max, nprobe)
    sample = await store.vector_sample(dim, training_size(n))
    index = await asyncio.to_thread(with_train_threads, trained_ivf, sample, n, nprobe)
    del sample
    async for ids, vectors in store.vector_batches(dim):
        await asyncio.to_thread(with_train_threads, index.add_with_ids, vectors, ids)
    return index
