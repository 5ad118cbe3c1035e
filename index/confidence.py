"""Answer confidence: the probability, from a small logistic model, that the first quote answers.

The features describe the ranked hits the search already made (index.scoring.Hit) and the question.
They avoid the library's IDF, which is degenerate in a library of a few articles (a term in every
passage weighs nothing, one absent weighs most): term shares are plain counts of the question's
content stems, and its "key terms" are its names and numbers (capitalized or with digits), or all
its content terms when it has none. The weights live in confidence_model.json beside this module
(rebuilt by `make train`, bench/train_confidence.py); when that file is missing, unreadable or made
for other features, confidence falls back to the best hit's fused score and says so in the log once.
"""
from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence, Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .scoring import HEADLINE_SENTENCE, Hit, headline_stems, pick_sentence, sentence_stems
from .text import STOPWORDS, WORD, content_terms, stem

log = logging.getLogger(__name__)
MODEL_FILE = "confidence_model.json"
MAX_TERMS = 12  # the question-length feature counts content terms up to this
FEATURES = (
    "dense",  # cosine of the question to the best passage
    "sentence_cosine",  # cosine of the question to the marked sentence of the best passage
    "terms_sentence",  # share of the question's content stems in the marked sentence
    "terms_paragraph",  # ... in the best passage, a headline-only stem counting HEADLINE_SENTENCE
    "keys_sentence",  # share of the question's key terms (names, numbers) in the marked sentence
    "keys_paragraph",  # ... in the best passage or its headline
    "margin",  # best score minus the best score of another article's passage (0 when none)
    "question_terms",  # content terms in the question, up to MAX_TERMS, divided by MAX_TERMS
    "sentence_type",  # the marked sentence holds an entity of the kind asked for (0 when unknown)
)


@dataclass(frozen=True)
class QuestionTerms:
    """The stems a question is checked by: all its content terms, and its key terms."""

    terms: frozenset[str]
    keys: frozenset[str]


@lru_cache(maxsize=4096)
def question_terms(question: str) -> QuestionTerms:
    """Content stems of the question, and the stems of its names and numbers (the key terms):
    words with a digit, or capitalized past the first word; all content stems when there are none."""
    terms = frozenset(stem(t) for t in content_terms(question))
    keys = set()
    for number, match in enumerate(WORD.finditer(question)):
        word = match.group()
        lower = word.lower().replace("’", "'")
        if lower in STOPWORDS:
            continue
        if any(c.isdigit() for c in word) or (number > 0 and word[0].isupper()) or (len(word) > 1 and word.isupper()):
            keys.add(stem(lower))
    return QuestionTerms(terms, frozenset(keys) or terms)


def _share(wanted: AbstractSet[str], present: AbstractSet[str], headline: AbstractSet[str] = frozenset()) -> float:
    if not wanted:
        return 0.0
    found = sum(1.0 if t in present else HEADLINE_SENTENCE for t in wanted if t in present or t in headline)
    return found / len(wanted)


def feature_map(question: str, hits: Sequence[Hit]) -> dict[str, float]:
    """Every feature by name (all 0 when there are no hits)."""
    if not hits:
        return dict.fromkeys(FEATURES, 0.0)
    top = hits[0]
    asked = question_terms(question)
    spans = top.spans or [(0, len(top.passage.text))]
    whole, per_sentence = sentence_stems(top.passage.text, spans)
    best = max(0, min(pick_sentence(top), len(per_sentence) - 1))
    sentence = per_sentence[best] if per_sentence else whole
    headline = headline_stems(top.title)
    others = [h.score for h in hits[1:] if h.passage.article_id != top.passage.article_id]
    cosine = float(top.sentence_cosine[best]) if best < len(top.sentence_cosine) else top.dense
    types = top.sentence_types
    return {
        "dense": float(top.dense),
        "sentence_cosine": cosine,
        "terms_sentence": _share(asked.terms, sentence),
        "terms_paragraph": _share(asked.terms, whole, headline),
        "keys_sentence": _share(asked.keys, sentence),
        "keys_paragraph": _share(asked.keys, whole, headline),
        "margin": float(top.score - max(others)) if others else 0.0,
        "question_terms": min(len(asked.terms), MAX_TERMS) / MAX_TERMS,
        "sentence_type": float(types[best]) if best < len(types) else 0.0,
    }


def features(question: str, hits: Sequence[Hit], names: Sequence[str] = FEATURES) -> np.ndarray:
    """The features `names` (default FEATURES) of a question's ranked hits, as a float vector."""
    found = feature_map(question, hits)
    return np.array([found[n] for n in names], np.float64)


@dataclass(frozen=True)
class Model:
    """A logistic model over standardized features, as stored in confidence_model.json."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    meta: dict[str, Any] = field(default_factory=dict)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(the first quote answers) for rows of raw features `x`."""
        z: np.ndarray = ((np.atleast_2d(x) - self.mean) / self.scale) @ self.weights + self.bias
        p: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return p

    def to_json(self) -> dict[str, Any]:
        return {**self.meta, "features": list(self.names), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "weights": self.weights.tolist(), "bias": self.bias}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        """The model a to_json dict describes; ValueError when a part is missing or the sizes differ."""
        try:
            names = tuple(str(n) for n in data["features"])
            parts = [np.asarray(data[k], np.float64) for k in ("mean", "scale", "weights")]
            bias = float(data["bias"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a confidence model: {exc}") from None
        if any(p.shape != (len(names),) for p in parts) or not np.all(parts[1] > 0):
            raise ValueError("not a confidence model: feature sizes differ or a scale is not positive")
        meta = {k: v for k, v in data.items() if k not in ("features", "mean", "scale", "weights", "bias")}
        return cls(names, parts[0], parts[1], parts[2], bias, meta)


def model_path() -> Path:
    """Where the packaged model file is (it may be missing)."""
    return Path(str(resources.files("index") / MODEL_FILE))


@lru_cache(maxsize=8)
def load_model(path: Path | None = None) -> Model | None:
    """The model in `path` (default the packaged file), or None, logged once, when it cannot be used."""
    path = path or model_path()
    try:
        model = Model.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        log.warning("confidence model %s unusable (%s): confidence is the best hit's fused score", path, exc)
        return None
    if model.names != FEATURES:
        log.warning("confidence model %s has features %s, not %s: confidence is the best hit's fused score",
                    path, ",".join(model.names), ",".join(FEATURES))
        return None
    return model


def confidence(question: str, hits: Sequence[Hit], path: Path | None = None) -> float:
    """How sure the library is that its first quote answers (0..1): the model's probability, or
    the best hit's fused score when there is no usable model."""
    if not hits:
        return 0.0
    model = load_model(path)
    if model is None:
        return float(hits[0].score)
    value = float(model.probability(features(question, hits))[0])
    return value if math.isfinite(value) else 0.0
