"""A batch's vectors and entities, made by the two models at once, are what each would make alone."""
from __future__ import annotations

import numpy as np

from index import entities
from index.embed import HashEmbedder
from index.encoding import LockedEmbedder, encode
from index.text import sentence_spans

TEXTS = [
    "Mayor Grace Okonkwo told the Lagos council on Tuesday that the bridge would cost $40 million.",
    "The Harbour Authority said 200 workers would start in March. Work should end by 2026. It was late.",
    "One line.",
]


def _spans() -> list[list[tuple[int, int]]]:
    return [sentence_spans(t) or [(0, len(t))] for t in TEXTS]


async def test_every_passage_gets_its_vector_and_one_vector_per_sentence() -> None:
    inner = HashEmbedder()
    spans = _spans()
    encoded = await encode(LockedEmbedder(inner), TEXTS, spans, pooled=False, with_entities=False)
    np.testing.assert_allclose(encoded.vectors, inner.embed(TEXTS))
    for text, own, vectors in zip(TEXTS, spans, encoded.sentences):
        np.testing.assert_allclose(vectors, inner.embed([text[a:b] for a, b in own]))
    assert encoded.entities is None


async def test_entities_are_the_ner_models_own_per_sentence() -> None:
    spans = _spans()
    encoded = await encode(LockedEmbedder(HashEmbedder()), TEXTS, spans, pooled=False, with_entities=True)
    assert encoded.entities == entities.passages_entities(list(zip(TEXTS, spans)))
    first = encoded.entities[0][0] if encoded.entities else []
    assert ("Grace Okonkwo", "PERSON") in [(TEXTS[0][a:b], label) for a, b, label in first]


async def test_an_empty_batch_makes_nothing() -> None:
    encoded = await encode(LockedEmbedder(HashEmbedder(dim=16)), [], [], pooled=False, with_entities=True)
    assert encoded.vectors.shape == (0, 16)
    assert encoded.sentences == [] and encoded.entities == []
