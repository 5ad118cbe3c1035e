"""`newsdesk eval FOLDER` on a small news folder written for it: RealTimeQA-style JSON Lines."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.embed import HashEmbedder
from index.evaluate_news import contains, half_of, load_articles, load_cases, run, subset, summary
from tests.conftest import settings_for

ARTICLES = [
    {"title": "Harbour ferry strike ends", "url": "https://news.example/ferry", "source": "example.com",
     "published": "2023-03-14",
     "text": "Ferry crews returned to work on Tuesday.\n\nThe strike at Northwind Ferries ended after nine days of talks."},
    {"title": "Town library reopens", "url": "https://news.example/library", "source": "example.com",
     "published": "2023-03-21",
     "text": "The town library reopened on Monday after a roof repair.\n\nIt now opens on Sundays too."},
    {"title": "Cup final report", "url": "https://news.example/cup", "source": "example.com",
     "published": "2023-03-27",
     "text": "Riverside Rovers won the county cup final on Saturday, beating Hill Town 2-1."},
]
QUESTIONS = [
    {"q": "Which ferry company's strike ended this week?", "expect": ["Northwind Ferries"], "asked": "2023-03-16",
     "urls": ["https://news.example/ferry"]},
    {"q": "Which club won the county cup final this week?", "expect": ["Riverside Rovers"], "asked": "2023-03-29",
     "urls": ["https://news.example/cup"]},
    {"q": "Who won the mayoral election this week?", "expect": [], "refuse": True, "asked": "2024-05-02"},
]


def write_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "articles-00.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    (folder / "qa.jsonl").write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n")
    return folder


def test_questions_and_articles_are_read_with_their_halves(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "news")
    cases = load_cases(folder / "qa.jsonl")
    assert [c.refuse for c in cases] == [False, False, True]
    assert cases[0].expect == ("Northwind Ferries",) and cases[0].urls == ("https://news.example/ferry",)
    assert half_of("2023-03-16") == "test" and half_of("2023-03-22") == "train"  # ISO weeks 11 and 12
    assert [a.title for a in load_articles(folder)] == [a["title"] for a in ARTICLES]


def test_a_bad_question_line_is_named(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "news")
    (folder / "qa.jsonl").write_text('{"q": "ok?", "expect": ["x"]}\n{"no question": 1}\n')
    with pytest.raises(ValueError, match="qa.jsonl:2 is not a news question"):
        load_cases(folder / "qa.jsonl")


def test_every_nth_question_keeps_its_own_articles(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "news")
    articles, cases = subset(load_articles(folder), load_cases(folder / "qa.jsonl"), 2)
    assert [c.question for c in cases] == [QUESTIONS[0]["q"], QUESTIONS[2]["q"]]  # every 2nd answerable + unanswerable
    assert [a.title for a in articles] == ["Harbour ferry strike ends"]


def test_answers_are_matched_whatever_the_case() -> None:
    assert contains("the strike at NORTHWIND FERRIES ended", ["Northwind Ferries"])
    assert not contains("the strike ended", ["Northwind Ferries"])


async def test_a_run_scores_what_the_reader_sees(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "news")
    settings = settings_for(tmp_path / "home", NEWSDESK_MIN_SCORE="0")
    outcomes = await run(folder, settings, embedder=HashEmbedder(), progress=False)
    ferry, cup, election = outcomes
    assert ferry.seen[0] and ferry.paragraph[0] and cup.seen[0]
    assert election.refused  # 2024 "this week": no stored article from then
    figures = summary(outcomes)
    assert figures["seen@1"] == 1.0 and figures["false_refusals"] == 0.0 and figures["refused_unanswerable"] == 1.0


def test_cli_eval_reads_a_news_folder(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "news")
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_EMBEDDER": "hash",
           "NEWSDESK_MIN_SCORE": "0", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "index", "eval", str(folder), "--json", "-q", "--dump", str(tmp_path / "dump.jsonl")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["questions"] == 3 and figures["unanswerable"] == 1 and "paragraph@3" in figures
    assert len((tmp_path / "dump.jsonl").read_text().splitlines()) == 3
