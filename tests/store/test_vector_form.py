"""Vectors are stored as int8 codes with a per-vector scale, a quarter of float32; older float32 rows still read."""
from __future__ import annotations

import numpy as np
import pytest

from index.store.rows import sentences_of, sentences_row, vector_blob, vector_matrix, vector_of, vectors_of

DIM = 384


def unit(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_vector_takes_a_quarter_of_float32_and_keeps_its_cosines() -> None:
    vectors = unit(200)
    blob = vector_blob(vectors)
    assert len(blob) == 200 * (DIM + 4)  # against 200 * 4 * DIM as float32
    back = vectors_of(blob, DIM, 200)
    assert back is not None and back.dtype == np.float32
    query = unit(1, seed=1)[0]
    assert np.max(np.abs(back @ query - vectors @ query)) < 2e-3
    assert set(np.argsort(-(back @ query))[:10]) == set(np.argsort(-(vectors @ query))[:10])


def test_float32_rows_of_a_library_written_before_still_read() -> None:
    vectors = unit(3)
    assert np.array_equal(vector_of(vectors[0].tobytes(), DIM), vectors[0])
    assert np.array_equal(vector_matrix([v.tobytes() for v in vectors], DIM), vectors)
    mixed = vector_matrix([vectors[0].tobytes(), vector_blob(vectors[1])], DIM)
    assert mixed.shape == (2, DIM) and np.allclose(mixed, vectors[:2], atol=0.01)
    spans = [(0, 10), (11, 20), (21, 30)]
    assert np.array_equal(sentences_of([(7, sentences_row(spans, vectors)[0], vectors.tobytes())], DIM)[7][1], vectors)


def test_a_zero_vector_and_sentence_rows_round_trip() -> None:
    assert np.array_equal(vector_of(vector_blob(np.zeros(DIM, np.float32)), DIM), np.zeros(DIM))
    spans = [(0, 5), (6, 12)]
    found = sentences_of([(1, *sentences_row(spans, unit(2)))], DIM)
    assert found[1][0] == spans and found[1][1].shape == (2, DIM)


def test_a_blob_of_another_size_is_named_or_left_out() -> None:
    with pytest.raises(ValueError, match="a stored vector of 100 bytes is not one of 384 components"):
        vector_of(b"\0" * 100, DIM)
    assert sentences_of([(1, "[[0, 5]]", b"\0" * 100)], DIM) == {}
