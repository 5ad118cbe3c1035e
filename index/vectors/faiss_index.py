"""Which FAISS index a library's size calls for: exact Flat while small, IVF past a measured threshold.

Measured by `make bench` (docs/BENCHMARKS.md, table 3) on 2 busy cores, one query at a time with
one OpenMP thread, synthetic passages made from real BBC embeddings: Flat p50 0.3 ms at 10k,
11 ms at 100k, 70 ms at 1M; IVF (nlist = 4 sqrt N) with nprobe 64: 0.5 ms at 100k and 2 ms at 1M,
recall@10 0.994 and 0.995 (nprobe 32: 0.983 and 0.992). Training at 1M takes 2-5 minutes: do it
off the event loop and swap the new index in atomically. Past FLAT_MAX an exact scan (~5 ms at 50k) eats too much of
a 20 ms answer budget, so IVF takes over. The exact vectors stay in SQLite; `newsdesk doctor` checks an
approximate index against them. Single queries should run with `faiss.omp_set_num_threads(1)`:
with two threads on a busy 2-core machine Flat took 14 ms at 10k and 44 ms at 100k.

The IVF lists hold float16 vectors (FAISS's QT_fp16 scalar quantizer), not float32. On the 311k
real news-2023 passages and their 660 questions (`python -m bench.ivf_lists HOME`, docs/BENCHMARKS.md
part 2i), recall@30 against an exact scan was 0.9586 against IVF-Flat's 0.9587 and the top result
the same for 0.9712 of both, at half the memory (245 MB against 484 MB) and a faster search (0.63
against 1.01 ms). 8-bit lists (QT_8bit, 125 MB) lost 0.0035 recall@30 and 0.009 of top results.
Indexes saved as IVF-Flat load and work as before, and become float16 at their next rebuild.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import faiss
import numpy as np

FLAT_MAX = 50_000  # passages; above this an IVF index is built
NPROBE = 64  # lists searched per query: recall@10 0.99+ at 100k and 1M
TRAIN_PER_LIST = 64  # training vectors per list (FAISS warns below 39)
T = TypeVar("T")
TRAIN_THREADS = 2  # OpenMP threads for training and bulk adds (single queries use one)


def nlist_for(n: int) -> int:
    """Inverted lists for `n` vectors: 4 sqrt(n) (1,264 at 100k, 4,000 at 1M)."""
    return max(16, int(4 * math.sqrt(n)))


def training_size(n: int) -> int:
    """Vectors to train the IVF index for `n` on: TRAIN_PER_LIST per list."""
    return min(n, TRAIN_PER_LIST * nlist_for(n))


def trained_ivf(sample: np.ndarray, n: int, nprobe: int = NPROBE) -> faiss.Index:
    """An empty IVF inner-product index sized for `n` vectors, its lists holding float16 copies
    (half of IVF-Flat's memory, same results: see the module's docstring), trained on `sample`
    (add them after)."""
    sample = np.ascontiguousarray(sample, dtype=np.float32)
    dim = sample.shape[1]
    index = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(dim), dim, nlist_for(n), faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    index.train(sample)
    index.nprobe = nprobe
    return index


def build_index(
    vectors: np.ndarray, ids: np.ndarray, flat_max: int = FLAT_MAX, nprobe: int = NPROBE, seed: int = 0
) -> faiss.Index:
    """An inner-product index over unit `vectors` keyed by `ids`: IDMap2(Flat) up to `flat_max`, else IVF (fp16)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    if vectors.ndim != 2 or len(vectors) != len(ids):
        raise ValueError(f"vectors of shape {vectors.shape} do not match {len(ids)} ids")
    n, dim = vectors.shape
    index: faiss.Index
    if n <= flat_max:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    else:
        picks = np.random.default_rng(seed).choice(n, size=training_size(n), replace=False)
        index = trained_ivf(vectors[np.sort(picks)], n, nprobe)
    index.add_with_ids(vectors, ids)
    return index


def with_train_threads(work: Callable[..., T], *args: Any) -> T:
    """Run `work` with TRAIN_THREADS OpenMP threads in this thread, then back to one (for queries)."""
    faiss.omp_set_num_threads(TRAIN_THREADS)
    try:
        return work(*args)
    finally:
        faiss.omp_set_num_threads(1)


def is_approximate(index: faiss.Index) -> bool:
    return faiss.try_extract_index_ivf(index) is not None


def needs_rebuild(index: faiss.Index, n: int, flat_max: int = FLAT_MAX) -> bool:
    """True when `n` vectors have outgrown the index: Flat past `flat_max`, IVF past 4x its training size."""
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is None:
        return n > flat_max
    return n <= flat_max // 2 or nlist_for(n) >= 2 * ivf.nlist


def index_ids(index: faiss.Index) -> np.ndarray:
    """Every id the index holds (IDMap's table, or the IVF lists' ids)."""
    if hasattr(index, "id_map"):
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    ivf = faiss.extract_index_ivf(index)
    lists = ivf.invlists
    assert lists is not None, "an IVF index always has its lists"
    parts = []
    for number in range(ivf.nlist):
        size = lists.list_size(number)
        if size:
            parts.append(faiss.rev_swig_ptr(lists.get_ids(number), size).copy())
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def load_index(path: Path, mmap: bool = False) -> faiss.Index:
    """Read a saved index; `mmap` maps IVF lists from disk (instant open, read-only use)."""
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
    return faiss.read_index(str(path), flags)
