"""`newsdesk eval` on small SQuAD-format fixtures; the full SQuAD runs live in `make eval`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.embed import HashEmbedder
from index.evaluate import Case, Outcome, load_squad, refusal_curve, run, sample, summary
from tests.conftest import ROOT, SHARED, settings_for

FIXTURES = ROOT / "tests" / "fixtures" / "squad"
V1, V2 = FIXTURES / "mini-v1.json", FIXTURES / "mini-v2.json"


def joined_articles(path: Path) -> dict[str, str]:
    """Each SQuAD article's paragraphs joined by a blank line, as the library stores them."""
    articles, _ = load_squad(path)
    return {a.title: "\n\n".join(a.paragraphs) for a in articles}


def test_squad_file_becomes_articles_and_cases() -> None:
    articles, cases = load_squad(V2)
    assert [a.title for a in articles] == ["Lighthouse_keepers", "Sourdough", "Glaciers"]
    assert [len(a.paragraphs) for a in articles] == [2, 2, 2]
    first = cases[0]
    assert (first.question, first.title, first.paragraph) == ("Who built the Bell Rock Lighthouse?", "Lighthouse_keepers", 1)
    assert first.answers == ("Robert Stevenson",) and not first.impossible and first.half == "train"
    assert sum(c.impossible for c in cases) == 3
    assert {c.half for c in cases if c.title == "Sourdough"} == {"test"}


def test_bad_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"no": "data"}')
    with pytest.raises(ValueError, match="bad.json is not a SQuAD-format JSON file"):
        load_squad(bad)


def test_sample_spreads_over_the_file() -> None:
    _, cases = load_squad(V1)
    picked = sample(cases, 4)
    assert len(picked) == 4 and len({c.title for c in picked}) == 3
    assert sample(cases, None) == cases


async def test_eval_run_measures_retrieval_and_quotes_verbatim(tmp_path: Path) -> None:
    outcomes = await run(V1, settings_for(tmp_path / "unused"), embedder=HashEmbedder(256), progress=False)
    figures = summary(outcomes, 0.0)
    assert figures["questions"] == 11 and figures["R@1"] >= 0.8 and figures["R@5"] == 1.0
    assert figures["answer_in_marked"] >= 0.6
    texts = joined_articles(V1)
    for outcome in outcomes:
        for title, text in outcome.quotes:
            assert text in texts[title]
    assert not (tmp_path / "unused").exists()  # the run used a temporary library


def test_refusal_curve_counts_unanswerable_questions() -> None:
    def outcome(impossible: bool, confidence: float, rank: int | None = 0) -> Outcome:
        case = Case("q", "t", 1, () if impossible else ("a",), impossible, "train")
        return Outcome(case, rank, confidence < 0.5, confidence, not impossible, 0.01)

    outcomes = [outcome(True, 0.1), outcome(True, 0.6), outcome(False, 0.2), outcome(False, 0.9), outcome(False, 0.8)]
    [point] = refusal_curve(outcomes, [0.5])
    assert point["precision"] == 0.5 and point["recall"] == 0.5
    assert point["answered_R@1"] == pytest.approx(2 / 3)
    figures = summary(outcomes, 0.5)
    assert figures["refusal"]["threshold"] == 0.5 and figures["answerable"] == 3


def test_cli_eval_prints_the_figures(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1"}
    run_ = subprocess.run(
        [sys.executable, "-m", "index", "eval", str(V2), "--limit", "8"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert run_.returncode == 0, run_.stderr
    assert "R@1" in run_.stdout and "R@5" in run_.stdout and "MRR" in run_.stdout
    assert "refusal at" in run_.stdout and "latency p50" in run_.stdout
    assert "8/8 questions" in run_.stderr
    as_json = subprocess.run(
        [sys.executable, "-m", "index", "eval", str(V1), "--json", "-q"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    figures = json.loads(as_json.stdout)
    assert figures["questions"] == 11 and "refusal" not in figures


def test_cli_eval_names_a_missing_file(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_EMBEDDER": "hash"}
    run_ = subprocess.run([sys.executable, "-m", "index", "eval", "nowhere.json"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert run_.returncode == 2 and "nowhere.json" in run_.stderr


@pytest.mark.model
async def test_every_quote_of_a_squad_eval_run_is_verbatim(tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    """Three SQuAD v2.0 articles with the real model: each quoted text is in its stored article."""
    source = SHARED / "eval" / "squad-dev-2.0.json"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    data = json.loads(source.read_text(encoding="utf-8"))
    subset = tmp_path / "subset.json"
    subset.write_text(json.dumps({"version": data["version"], "data": data["data"][:3]}))
    outcomes = await run(subset, settings_for(tmp_path / "unused"), embedder=real_embedder, progress=False)
    texts = joined_articles(subset)
    quoted = [(title, text) for o in outcomes for title, text in o.quotes]
    assert len(quoted) > 100
    for title, text in quoted:
        assert text in texts[title]
    assert summary(outcomes, 0.0)["R@1"] > 0.75
