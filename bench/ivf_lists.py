"""`python -m bench.ivf_lists HOME`: what the IVF lists' vector form costs on a library's real vectors.

Reads every passage vector of the data folder HOME (a news-2023 library ingested with
`newsdesk eval ../shared/eval/news-2023 --keep HOME`), embeds the news questions with the shipped
onnx model, and builds the library's IVF index (same lists, training sample and nprobe as
index.vectors.faiss_index) with its lists as float32 (IVF-Flat), float16, 8-bit and 8-bit uniform
codes. For each it prints the recall of an exact scan's top 10 and top 30, how often the top result
is the exact one, one-query search p50 (one OpenMP thread), the saved file's size and the build time.
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from bench.data import SHARED
from index.config import DATABASE_FILE
from index.embed import make_embedder
from index.store import SQLiteStore
from index.vectors.faiss_index import NPROBE, nlist_for, training_size

K = 30
IP = faiss.METRIC_INNER_PRODUCT
SQ = faiss.ScalarQuantizer
FORMS: dict[str, Callable[[faiss.Index, int, int], faiss.Index]] = {
    "float32 (IVF-Flat)": lambda q, d, n: faiss.IndexIVFFlat(q, d, n, IP),
    "float16 (shipped)": lambda q, d, n: faiss.IndexIVFScalarQuantizer(q, d, n, SQ.QT_fp16, IP),
    "8-bit": lambda q, d, n: faiss.IndexIVFScalarQuantizer(q, d, n, SQ.QT_8bit, IP),
    "8-bit uniform": lambda q, d, n: faiss.IndexIVFScalarQuantizer(q, d, n, SQ.QT_8bit_uniform, IP),
}


async def _vectors(home: Path) -> tuple[np.ndarray, np.ndarray]:
    store = await SQLiteStore.open(home / DATABASE_FILE)
    try:
        return await store.vector_matrix(384)
    finally:
        await store.close()


def _measure(index: faiss.Index, queries: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    faiss.extract_index_ivf(index).nprobe = NPROBE
    faiss.omp_set_num_threads(1)
    found, took = [], []
    for row in queries:
        started = time.perf_counter()
        found.append(index.search(row[None, :], K)[1][0])
        took.append(time.perf_counter() - started)
    faiss.omp_set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        faiss.write_index(index, f"{tmp}/v.faiss")
        size = Path(f"{tmp}/v.faiss").stat().st_size
    return {
        "recall@10": float(np.mean([len(set(f[:10]) & set(t[:10])) / 10 for f, t in zip(found, truth)])),
        "recall@30": float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth)])),
        "same top": float(np.mean([f[0] == t[0] for f, t in zip(found, truth)])),
        "p50 ms": float(np.median(took) * 1000),
        "MB": size / 1e6,
    }


def main(home: Path) -> None:
    ids, vectors = asyncio.run(_vectors(home))
    n, dim = vectors.shape
    questions = [json.loads(line)["q"] for line in (SHARED / "eval" / "news-2023" / "qa.jsonl").open()]
    queries = np.ascontiguousarray(make_embedder("onnx", home / "models").embed(questions), dtype=np.float32)
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    truth = exact.search(queries, K)[1]
    del exact
    sample = vectors[np.sort(np.random.default_rng(0).choice(n, training_size(n), replace=False))]
    print(f"{n} passages, {len(queries)} questions, {nlist_for(n)} lists, nprobe {NPROBE}")
    for name, make in FORMS.items():
        started = time.perf_counter()
        index = make(faiss.IndexFlatIP(dim), dim, nlist_for(n))
        index.train(sample)
        index.add(vectors)
        built = time.perf_counter() - started
        figures = _measure(index, queries, truth)
        print(f"| {name} | " + " | ".join(f"{v:.4f}" if k != "MB" else f"{v:.0f}" for k, v in figures.items())
              + f" | {built:.0f} s |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
