"""One contract for every embedder: the hash fake, int8 onnxruntime and the torch reference."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from index.embed import Embedder, HashEmbedder, make_embedder
from tests.onnxfixtures import onnx_cache, onnx_embedder  # noqa: F401  (session fixtures)

SENTENCES = [
    "Putin arrived in Pyongyang for talks with Kim Jong Un.",
    "The Russian president flew to North Korea to meet its leader.",
    "The recipe needs two cups of flour and a pinch of salt.",
]


def _hash(request: pytest.FixtureRequest) -> Embedder:
    return HashEmbedder()


def _onnx(request: pytest.FixtureRequest) -> Embedder:
    return request.getfixturevalue("onnx_embedder")


def _torch(request: pytest.FixtureRequest) -> Embedder:
    return request.getfixturevalue("real_embedder")


@pytest.fixture(
    params=[
        pytest.param(_hash, id="hash"),
        pytest.param(_onnx, id="onnx", marks=pytest.mark.model),
        pytest.param(_torch, id="torch", marks=pytest.mark.model),
    ]
)
def embedder(request: pytest.FixtureRequest) -> Embedder:
    build: Callable[[pytest.FixtureRequest], Embedder] = request.param
    return build(request)


def test_meets_the_protocol(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.name and embedder.dim > 0


def test_rows_are_unit_float32_of_declared_dim(embedder: Embedder) -> None:
    vectors = embedder.embed(SENTENCES)
    assert vectors.shape == (len(SENTENCES), embedder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_same_input_same_vectors(embedder: Embedder) -> None:
    np.testing.assert_array_equal(embedder.embed(SENTENCES), embedder.embed(SENTENCES))


def test_a_text_means_the_same_alone_or_in_a_batch(embedder: Embedder) -> None:
    # int8 dynamic quantization scales activations per batch, so only near-equality holds there
    alone = embedder.embed([SENTENCES[0]])
    batched = embedder.embed([SENTENCES[2], SENTENCES[0], SENTENCES[1]])
    assert float(alone[0] @ batched[1]) >= 0.99


def test_empty_input_gives_an_empty_matrix(embedder: Embedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, embedder.dim)
    assert vectors.dtype == np.float32


def test_similar_texts_are_closer_than_unrelated(embedder: Embedder) -> None:
    texts = SENTENCES if embedder.name.startswith("all-MiniLM") else [
        "putin visits pyongyang today",
        "putin visits pyongyang for talks",
        "flour and salt in the recipe",
    ]
    a, b, c = embedder.embed(texts)
    assert float(a @ b) > float(a @ c)


def test_make_embedder_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="'bert'"):
        make_embedder("bert")


def test_make_embedder_onnx_needs_a_cache_dir() -> None:
    with pytest.raises(ValueError, match="cache_dir"):
        make_embedder("onnx")
