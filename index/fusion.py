"""How ranking weighs its evidence: the fusion weights, learned from SQuAD v1.1 train.

A passage's score is `dense * w_dense + coverage * w_coverage + sentence * w_sentence + type * w_type`
(index.search: cosine to the paragraph, IDF-weighted term coverage, the best sentence's evidence,
and 1 when a sentence names the kind of entity the question asks for). The weights are fitted by
`make train` (bench/train_ranking.py: a conditional logit, "which candidate holds the answer", over
the candidates of SQuAD v1.1 *train* questions, never a dev or eval set) and written to
ranking_model.json beside this module, scaled so the first three add up to 1: scores keep the
range the other constants (recency, quote margins) are measured in. Without a usable file the
hand-tuned weights of before (a third each, type 0.1) apply and the log says so once.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
MODEL_FILE = "ranking_model.json"
FEATURES = ("dense", "coverage", "sentence", "type")


@dataclass(frozen=True)
class Fusion:
    """The weight of each piece of evidence in a passage's score."""

    dense: float
    coverage: float
    sentence: float
    type: float
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def score(self, dense: float, coverage: float, sentence: float, typed: float) -> float:
        """A passage's fused score from its evidence."""
        return self.dense * dense + self.coverage * coverage + self.sentence * sentence + self.type * typed

    def to_json(self) -> dict[str, Any]:
        return {**self.meta, "features": list(FEATURES), "weights": [self.dense, self.coverage, self.sentence, self.type]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fusion:
        """The weights a to_json dict holds; ValueError naming what is wrong."""
        names, weights = data.get("features"), data.get("weights")
        if names != list(FEATURES):
            raise ValueError(f"features {names!r}, not {list(FEATURES)!r}")
        if not isinstance(weights, list) or len(weights) != len(FEATURES):
            raise ValueError(f"weights {weights!r} are not {len(FEATURES)} numbers")
        values = [float(w) for w in weights]
        if min(values[:3]) < 0 or abs(sum(values[:3]) - 1.0) > 1e-6:
            raise ValueError(f"the weights of dense, coverage and sentence {values[:3]} must be >= 0 and add up to 1")
        meta = {k: v for k, v in data.items() if k not in ("features", "weights")}
        return cls(values[0], values[1], values[2], values[3], meta)


HAND_TUNED = Fusion(1 / 3, 1 / 3, 1 / 3, 0.1, {"source": "hand-tuned on half of SQuAD v1.1 dev (before make train)"})


def read(path: Path) -> Fusion:
    """The weights stored at `path`; ValueError or OSError when unusable."""
    return Fusion.from_json(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def weights() -> Fusion:
    """The shipped learned weights, else HAND_TUNED (logged once)."""
    try:
        return read(Path(str(resources.files("index") / MODEL_FILE)))
    except (OSError, ValueError) as exc:
        log.warning("ranking model %s unusable (%s): the hand-tuned fusion weights apply", MODEL_FILE, exc)
        return HAND_TUNED
