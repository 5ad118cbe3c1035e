"""The fusion weights of ranking: read from the shipped file, learned by `make train` from SQuAD train."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bench.train_ranking import Question, fit, scaled, top1
from index import fusion

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_weights_load_and_say_where_they_come_from() -> None:
    shipped = fusion.read(ROOT / "index" / fusion.MODEL_FILE)
    assert fusion.weights() == shipped
    assert shipped.dense + shipped.coverage + shipped.sentence == pytest.approx(1.0)
    assert "squad-train-1.1.json" in shipped.meta["data"] and shipped.meta["kept"] in ("learned", "hand-tuned")
    assert shipped.score(1.0, 1.0, 1.0, 1.0) == pytest.approx(1.0 + shipped.type)


@pytest.mark.parametrize("data, names", [
    ({"features": ["dense"], "weights": [1.0]}, "features ['dense']"),
    ({"features": list(fusion.FEATURES), "weights": [1, 2]}, "weights [1, 2] are not 4 numbers"),
    ({"features": list(fusion.FEATURES), "weights": [0.5, 0.5, 0.5, 0.1]}, "must be >= 0 and add up to 1"),
])
def test_a_bad_model_file_is_refused_naming_what_is_wrong(tmp_path: Path, data: dict[str, object], names: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=names.replace("[", r"\[").replace("]", r"\]")):
        fusion.read(path)


def test_the_conditional_logit_learns_which_evidence_finds_the_answer() -> None:
    """Synthetic questions where coverage alone tells the answer: the fit weighs coverage most."""
    rng = np.random.default_rng(3)
    questions = []
    for n in range(200):
        x = rng.uniform(0, 1, (10, 4))
        x[:, 3] = 0.0
        best = int(np.argmax(x[:, 1] + 0.1 * x[:, 0]))
        questions.append(Question(x.tolist(), [i == best for i in range(10)], f"article {n % 20}"))
    learned = scaled(fit(questions, l2=0.1), {})
    assert learned.coverage > 0.7 and learned.coverage > learned.dense > learned.sentence - 0.05
    assert top1(learned, questions) > top1(fusion.HAND_TUNED, questions)


def test_make_train_learns_the_fusion_weights_from_squad_train_only() -> None:
    dry = subprocess.run(["make", "-n", "train"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "bench.train_ranking" in dry
    source = (ROOT / "bench" / "train_ranking.py").read_text()
    assert "squad-train-1.1.json" in source and "squad-dev" not in source and "news-2023" not in source
