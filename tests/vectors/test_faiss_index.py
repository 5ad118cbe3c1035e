"""The index follows the library's size: exact Flat while small, IVF past the threshold, ids kept."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from index.vectors.faiss_index import build_index, index_ids, is_approximate, load_index, needs_rebuild, nlist_for


def _unit(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    centers = np.random.default_rng(seed).normal(size=(50, dim))
    rng = np.random.default_rng(seed + 1)
    x = centers[rng.integers(50, size=n)] + 0.3 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_small_library_gets_an_exact_index() -> None:
    vectors, ids = _unit(500), np.arange(1000, 1500)
    index = build_index(vectors, ids, flat_max=1000)
    assert not is_approximate(index)
    _, found = index.search(vectors[:3], 1)
    assert found[:, 0].tolist() == [1000, 1001, 1002]


def test_large_library_gets_ivf_with_good_recall_and_its_ids() -> None:
    vectors, ids = _unit(4000), np.arange(4000) * 7 + 3
    index = build_index(vectors, ids, flat_max=1000, nprobe=16)
    assert is_approximate(index)
    assert sorted(index_ids(index).tolist()) == ids.tolist()
    queries = _unit(50, seed=9)
    truth = ids[np.argsort(-(queries @ vectors.T), axis=1)[:, :10]]
    _, found = index.search(queries, 10)
    assert np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]) >= 0.95


def test_ivf_lists_hold_float16_with_the_scores_of_an_exact_scan(tmp_path: Path) -> None:
    vectors, ids = _unit(4000), np.arange(4000)
    index = build_index(vectors, ids, flat_max=1000, nprobe=64)
    assert isinstance(faiss.downcast_index(faiss.extract_index_ivf(index)), faiss.IndexIVFScalarQuantizer)
    flat = faiss.IndexIVFFlat(faiss.IndexFlatIP(32), 32, faiss.extract_index_ivf(index).nlist, faiss.METRIC_INNER_PRODUCT)
    flat.train(vectors)
    flat.add_with_ids(vectors, ids)
    faiss.write_index(index, str(tmp_path / "v.faiss"))
    faiss.write_index(flat, str(tmp_path / "flat.faiss"))
    assert (tmp_path / "v.faiss").stat().st_size < 0.7 * (tmp_path / "flat.faiss").stat().st_size
    scores, found = index.search(vectors[:20], 1)
    assert found[:, 0].tolist() == list(range(20))
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=2e-3)


def test_an_ivf_flat_index_saved_before_still_loads_and_searches(tmp_path: Path) -> None:
    vectors, ids = _unit(3000), np.arange(3000)
    old = faiss.IndexIVFFlat(faiss.IndexFlatIP(32), 32, nlist_for(3000), faiss.METRIC_INNER_PRODUCT)
    old.train(vectors)
    old.add_with_ids(vectors, ids)
    faiss.write_index(old, str(tmp_path / "v.faiss"))
    loaded = load_index(tmp_path / "v.faiss")
    assert is_approximate(loaded) and needs_rebuild(loaded, 3000, flat_max=1000) is False
    assert loaded.search(vectors[:3], 1)[1][:, 0].tolist() == [0, 1, 2]


def test_removed_ids_are_never_returned() -> None:
    vectors, ids = _unit(4000), np.arange(4000)
    index = build_index(vectors, ids, flat_max=1000)
    index.remove_ids(faiss.IDSelectorBatch(np.array([0, 1], dtype=np.int64)))
    _, found = index.search(vectors[:2], 5)
    assert not {0, 1} & set(found.ravel().tolist())


def test_rebuild_when_the_library_outgrows_its_index() -> None:
    flat = build_index(_unit(100), np.arange(100), flat_max=1000)
    assert not needs_rebuild(flat, 1000, flat_max=1000) and needs_rebuild(flat, 1001, flat_max=1000)
    ivf = build_index(_unit(2000), np.arange(2000), flat_max=1000)
    assert not needs_rebuild(ivf, 4000, flat_max=1000) and needs_rebuild(ivf, 8000, flat_max=1000)


def test_saved_ivf_opens_memory_mapped(tmp_path: Path) -> None:
    vectors, ids = _unit(3000), np.arange(3000)
    index = build_index(vectors, ids, flat_max=1000)
    faiss.write_index(index, str(tmp_path / "v.faiss"))
    mapped = load_index(tmp_path / "v.faiss", mmap=True)
    assert mapped.ntotal == 3000
    np.testing.assert_array_equal(mapped.search(vectors[:5], 3)[1], index.search(vectors[:5], 3)[1])


def test_mismatched_ids_are_named() -> None:
    with pytest.raises(ValueError, match="3 ids"):
        build_index(_unit(5), np.arange(3))
