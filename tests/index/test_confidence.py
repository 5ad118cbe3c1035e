"""Answer confidence: features of the ranked hits, the packaged model, the fallback when it is
unusable, and what a small library says to a question it plainly answers and to one it cannot."""
from __future__ import annotations

import json
import logging
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest

from index.confidence import FEATURES, MODEL_FILE, confidence, feature_map, features, load_model, model_path
from index.library import Library
from index.models import Article, Passage
from index.scoring import Hit
from index.text import sentence_spans
from tests.conftest import ROOT

CAPITAL = "Lisbon is the capital of Portugal. The city has seven hills and a famous tram."


def hit(article_id: int, number: int, score: float, text: str, title: str = "", cosine: list[float] | None = None,
        types: list[float] | None = None) -> Hit:
    spans = sentence_spans(text)
    cosines = np.array(cosine or [0.5] * len(spans), np.float32)
    return Hit(Passage(article_id * 100 + number, article_id, number, text), score, 0.6, 0.0, 0.5, title, spans,
               cosines, np.zeros(len(spans), np.float32), np.array(types or [], np.float32))


def test_features_read_the_marked_sentence_the_headline_and_the_next_article() -> None:
    hits = [hit(1, 1, 0.80, CAPITAL, "Travel guide", [0.7, 0.2]), hit(1, 2, 0.75, "Other text."),
            hit(2, 1, 0.70, "Madrid is in Spain.")]
    found = feature_map("What is the capital of Portugal?", hits)
    assert found["dense"] == pytest.approx(0.6)
    assert found["sentence_cosine"] == pytest.approx(0.7)
    assert found["terms_sentence"] == 1.0  # capital, portugal: both in the first sentence
    assert found["keys_sentence"] == 1.0  # the key term is the name Portugal
    assert found["margin"] == pytest.approx(0.10)  # to article 2, not to article 1's second passage
    assert found["question_terms"] == pytest.approx(2 / 12)
    assert found["sentence_type"] == 0.0  # no entity types known yet


def test_a_missing_name_and_a_headline_only_term_count_as_such() -> None:
    hits = [hit(1, 1, 0.6, CAPITAL, "Portugal travel", [0.7, 0.2], types=[0.0, 1.0])]
    found = feature_map("Which river runs through Lisbon in Spain?", hits)
    assert found["keys_paragraph"] == 0.5  # Lisbon yes, Spain no
    assert found["terms_paragraph"] == 0.25  # of river, runs, lisbon, spain only lisbon
    assert feature_map("Is travel cheap?", hits)["terms_paragraph"] == 0.25  # travel: in the headline only, half
    assert found["margin"] == 0.0 and found["sentence_type"] == 0.0
    assert list(features("Which river runs through Lisbon in Spain?", hits)) == [found[name] for name in FEATURES]
    assert features("anything", []).shape == (len(FEATURES),)


def test_the_model_loads_from_the_package_with_its_provenance() -> None:
    model = load_model()
    assert model is not None and model.names == FEATURES
    assert model.meta["version"] >= 1 and model.meta["trained"]
    assert "squad-train-1.1.json" in model.meta["data"]["file"]
    assert model_path().name == MODEL_FILE and model_path().is_file()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert MODEL_FILE in package_data["index"]
    value = confidence("What is the capital of Portugal?", [hit(1, 1, 0.8, CAPITAL, "", [0.7, 0.2])])
    assert 0.0 < value < 1.0


@pytest.mark.parametrize("content", [None, "{not json", json.dumps({"features": ["dense"], "mean": [0], "scale": [1],
                                                                      "weights": [1], "bias": 0})])
def test_a_missing_broken_or_mismatched_model_falls_back_to_the_fused_score(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str | None
) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content)
    hits = [hit(1, 1, 0.61, CAPITAL)]
    with caplog.at_level(logging.WARNING, logger="index.confidence"):
        assert confidence("What is the capital of Portugal?", hits, path) == pytest.approx(0.61)
        assert confidence("Where is Lisbon?", hits, path) == pytest.approx(0.61)
    said = [r.getMessage() for r in caplog.records if "confidence model" in r.getMessage()]
    assert len(said) == 1 and "fused score" in said[0]  # said once, not per question
    assert confidence("Where is Lisbon?", [], path) == 0.0


FERRY = Article(
    title="Harbour ferry returns",
    paragraphs=(
        "The harbour ferry resumed service on Monday after a two-week strike by its crew.",
        "The ferry company agreed to raise the crew's wages by 6 percent. Tickets still cost 3 euros.",
    ),
    source="Coast News",
    origin="ferry.txt",
)
GARDEN = Article(
    title="Botanic garden opens a glasshouse",
    paragraphs=("The botanic garden opened a new glasshouse for tropical orchids on Saturday.",),
    source="City Journal",
    origin="garden.txt",
)


async def test_a_two_article_library_answers_what_one_sentence_says(library: Library) -> None:
    await library.ingest_articles([FERRY, GARDEN])
    answer = await library.ask("How much did the ferry company raise the crew's wages?")
    assert not answer.refused
    assert "raise the crew's wages by 6 percent" in answer.quotes[0].text
    assert answer.confidence >= library.settings.min_score
    other = await library.ask("What is the capital of Portugal?")
    assert other.refused and other.reason == "not found in the stored articles"
    assert other.confidence < library.settings.min_score


async def test_a_one_article_library_answers_and_refuses(library: Library) -> None:
    await library.ingest_articles([GARDEN])
    answer = await library.ask("What did the botanic garden open on Saturday?")
    assert not answer.refused and "glasshouse for tropical orchids" in answer.quotes[0].text
    assert (await library.ask("Who won the football match last night?")).refused


def test_make_train_rebuilds_the_model_from_squad_train_only() -> None:
    dry = subprocess.run(["make", "-n", "train"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "bench.train_confidence" in dry
    source = (ROOT / "bench" / "train_confidence.py").read_text()
    assert "squad-train-1.1.json" in source and "squad-dev" not in source and "news-2023" not in source
