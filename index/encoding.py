"""What ingest computes for a batch of new passages before storing them: passage vectors, sentence
vectors and sentence entities, the encoder and the named-entity model working at the same time.

The two models run in two threads: the encoder's matrix work and most of the NER's leave the GIL,
so on two cores a batch takes about as long as the slower of the two, not their sum.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import entities
from .embed import Embedder, SentencePooling

Spans = Sequence[tuple[int, int]]


class LockedEmbedder:
    """Serializes calls into the model (one at a time; questions interleave with ingest batches)."""

    def __init__(self, embedder: Embedder) -> None:
        self.inner = embedder
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.inner.embed(texts)

    def embed_passages(
        self, texts: Sequence[str], spans: Sequence[Spans], pooled: bool
    ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """Passage vectors and, where one pass gives them, their sentence vectors: a passage that is
        one sentence has its own vector; with `pooled` and an embedder that can (SentencePooling),
        the others' sentences are pooled from the same pass. None: embed its sentences apart."""
        with self._lock:
            if pooled and isinstance(self.inner, SentencePooling):
                vectors, sentences = self.inner.embed_pooled(texts, spans)
            else:
                vectors, sentences = self.inner.embed(texts), [None] * len(texts)
        return vectors, [vectors[i : i + 1] if len(s) == 1 and s[0] == (0, len(t)) else found
                         for i, (t, s, found) in enumerate(zip(texts, spans, sentences))]

    def embed_with_sentences(
        self, texts: Sequence[str], spans: Sequence[Spans], pooled: bool
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors and every passage's sentence vectors: those one pass cannot give are
        embedded in a second call, all the batch's sentences together."""
        vectors, sentences = self.embed_passages(texts, spans, pooled)
        missing = [i for i, found in enumerate(sentences) if found is None]
        made = self.embed([texts[i][a:b] for i in missing for a, b in spans[i]]) if missing else vectors[:0]
        row = 0
        for i in missing:
            sentences[i] = made[row : row + len(spans[i])]
            row += len(spans[i])
        return vectors, [s if s is not None else vectors[:0] for s in sentences]


@dataclass(frozen=True)
class Encoded:
    """One batch's passages, in order: a vector each, their sentences' vectors and entities."""

    vectors: np.ndarray
    sentences: list[np.ndarray]
    entities: list[entities.SentenceEntities] | None
    """None when entities are left to be made the first time a passage is ranked."""


async def encode(
    embedder: LockedEmbedder, texts: Sequence[str], spans: Sequence[Spans], *, pooled: bool, with_entities: bool
) -> Encoded:
    """Vectors (and, `with_entities`, the NER's entities) of `texts`, the two models in two threads."""
    if not texts:
        return Encoded(np.zeros((0, embedder.inner.dim), np.float32), [], [] if with_entities else None)
    vectors = asyncio.to_thread(embedder.embed_with_sentences, texts, spans, pooled)
    if not with_entities:
        passage_vectors, sentence_vectors = await vectors
        return Encoded(passage_vectors, sentence_vectors, None)
    ner = asyncio.to_thread(entities.passages_entities, list(zip(texts, spans)))
    (passage_vectors, sentence_vectors), found = await asyncio.gather(vectors, ner)
    return Encoded(passage_vectors, sentence_vectors, found)
