"""Session fixtures for the int8 onnx embedder: exported once per test run, shared by every module."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.embed import Embedder

_SHARED: dict[str, object] = {}  # each importing module registers its own fixture; the export happens once


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The models folder holding the one export of this test session."""
    if "cache" not in _SHARED:
        _SHARED["cache"] = tmp_path_factory.mktemp("models")
    return _SHARED["cache"]  # type: ignore[return-value]


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache: Path) -> Embedder:
    """OnnxEmbedder over the session's cached export (the first use exports, about 10 s)."""
    if "embedder" not in _SHARED:
        from index.embed_onnx import OnnxEmbedder

        _SHARED["embedder"] = OnnxEmbedder(onnx_cache)
    return _SHARED["embedder"]  # type: ignore[return-value]
