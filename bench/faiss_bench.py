"""FAISS one-query-at-a-time latency and recall@10: exact Flat vs IVF, on synthetic passages.

Synthetic vectors come from real BBC paragraph embeddings: each is a blend of two real vectors
plus a little noise, re-normalized, so the index sees the shape of real data at any size.
Queries are real BBC headlines, embedded (not among the indexed vectors).
"""
from __future__ import annotations

import math
import time
from typing import Any

import faiss
import numpy as np

K = 10


def synthetic(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """`n` unit vectors: 0.7 * one real vector + 0.3 * another + noise (about 0.5 of a unit)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    sigma = 0.5 / math.sqrt(base.shape[1])
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        block = 0.7 * base[rng.integers(len(base), size=m)] + 0.3 * base[rng.integers(len(base), size=m)]
        block += rng.normal(0.0, sigma, size=block.shape).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + m] = block
    return out


def nlist_for(n: int) -> int:
    return max(16, int(4 * math.sqrt(n)))


def _latencies(index: faiss.Index, queries: np.ndarray, threads: int = 1) -> tuple[list[float], np.ndarray]:
    faiss.omp_set_num_threads(threads)
    found = np.empty((len(queries), K), dtype=np.int64)
    times = []
    for row, query in enumerate(queries):
        t = time.perf_counter()
        _, ids = index.search(query[None, :], K)
        times.append((time.perf_counter() - t) * 1000)
        found[row] = ids[0]
    return times, found


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth)]))


def _row(kind: str, threads: int, n: int, times: list[float], recall: float, build_s: float, mb: float) -> dict[str, Any]:
    times = sorted(times)
    return {
        "index": kind, "threads": threads, "n": n, "p50_ms": times[len(times) // 2],
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        "recall10": recall, "build_s": build_s, "index_mb": mb,
    }


def run(base: np.ndarray, queries: np.ndarray, n: int, nprobes: tuple[int, ...] = (16, 32, 64)) -> list[dict[str, Any]]:
    """Flat and IVF(nlist = 4 sqrt n) rows for one size."""
    vectors = synthetic(base, n)
    dim = vectors.shape[1]
    start = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(vectors)
    flat_build = time.perf_counter() - start
    _, truth = flat.search(queries, K)
    rows = []
    for threads in (1, 2):  # one query at a time: OpenMP threads cost more than they give on a busy box
        times, found = _latencies(flat, queries, threads)
        rows.append(_row("Flat", threads, n, times, _recall(found, truth), flat_build, n * dim * 4 / 2**20))
    del flat
    nlist = nlist_for(n)
    start = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = vectors[np.random.default_rng(1).choice(n, size=min(n, 64 * nlist), replace=False)]
    faiss.omp_set_num_threads(2)
    ivf.train(sample)
    ivf.add(vectors)
    ivf_build = time.perf_counter() - start
    mb = (n * (dim * 4 + 8) + nlist * dim * 4) / 2**20
    for nprobe in nprobes:
        ivf.nprobe = nprobe
        times, found = _latencies(ivf, queries)
        rows.append(_row(f"IVF{nlist},Flat nprobe={nprobe}", 1, n, times, _recall(found, truth), ivf_build, mb))
    return rows
