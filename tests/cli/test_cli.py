"""The `newsdesk` command line as a user runs it: a real process, real stores in tmp_path."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHIPPED


def newsdesk(home: Path, *args: str, stdin: str = "", embedder: str = "hash") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": embedder, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "index", *args], input=stdin, capture_output=True, text=True,
        env=env, cwd=ROOT, timeout=300,
    )


def test_ingest_summary_articles_and_forget(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    first = newsdesk(home, "ingest", str(SHIPPED), str(bad))
    assert first.returncode == 1
    assert "added" in first.stderr and "1 added, 0 unchanged, 0 replaced, 1 rejected" in first.stderr
    assert f"rejected  {bad}: binary content" in first.stderr
    again = newsdesk(home, "ingest", str(SHIPPED.parent))
    assert "0 added, 1 unchanged" in again.stderr and again.returncode == 0
    listing = newsdesk(home, "articles")
    assert listing.stdout == "1\tPutin's Visit to North Korea After 24 Years\tALJAZEERA\t-\t25\n"
    assert newsdesk(home, "forget", "1").returncode == 0
    assert newsdesk(home, "articles").stdout == ""
    missing = newsdesk(home, "forget", "1")
    assert missing.returncode == 1 and "no article with id 1" in missing.stderr


SCRAPED = ROOT / "tests" / "fixtures" / "scraped"


def test_ingest_says_how_many_paragraphs_cleaning_dropped_and_why(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = newsdesk(home, "ingest", str(SCRAPED / "ferry-strike.txt"), str(SCRAPED / "tram-line.html"))
    assert run.returncode == 0
    lines = run.stderr.splitlines()
    assert lines[-2] == "ingest: 2 added, 0 unchanged, 0 replaced, 0 rejected"
    assert lines[-1] == (
        "ingest: dropped 13 paragraphs that carry no content: 3 photo captions and credits, 2 ads, "
        "2 newsletter and subscription promos, 2 sign-offs, 2 share and follow buttons, 1 byline or credit, "
        "1 lone dateline"
    )
    quiet = newsdesk(home, "ingest", "--quiet", str(SCRAPED / "matches.jsonl"))
    assert quiet.returncode == 1  # its last line is only boilerplate: rejected
    assert "no content:" not in quiet.stderr and "1 rejected" in quiet.stderr
    clean = newsdesk(home, "ingest", str(SHIPPED))
    assert clean.returncode == 0 and "no content" not in clean.stderr


def test_data_folder_is_made_on_first_use(tmp_path: Path) -> None:
    home = tmp_path / "deep" / "home"
    assert newsdesk(home, "articles").returncode == 0
    assert (home / "newsdesk.sqlite3").exists()


def test_json_lines_from_stdin_and_bad_questions(tmp_path: Path) -> None:
    home = tmp_path / "home"
    newsdesk(home, "ingest", str(SHIPPED))
    long_question = "x" * 600
    run = newsdesk(home, "ask", "-", "--json", stdin=f"Belousov, Lavrov and Novak will accompany Putin on the trip\n\n{long_question}\n")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(lines) == 2 and run.returncode == 2
    assert lines[0]["question"] == "Belousov, Lavrov and Novak will accompany Putin on the trip"
    assert set(lines[0]) >= {"question", "refused", "quotes"}
    assert set(lines[0]["quotes"][0]) >= {"text", "article_id", "title", "source", "url", "published", "paragraph", "score"}
    assert "limit is 500" in lines[1]["error"]


def test_chat_reads_piped_questions(tmp_path: Path) -> None:
    home = tmp_path / "home"
    newsdesk(home, "ingest", str(SHIPPED))
    run = newsdesk(home, "chat", stdin="Belousov, Lavrov and Novak will accompany Putin on the trip\n")
    assert run.returncode == 0
    assert "Belousov" in run.stdout and "ALJAZEERA · paragraph 23" in run.stdout
    assert "newsdesk>" not in run.stdout


FERRY = "---\ntitle: Ferry strike ends\npublished: 2024-03-05\n---\nThe ferry strike ended after nine days of talks.\n"


def test_now_sets_the_day_date_words_count_from(tmp_path: Path) -> None:
    home, article = tmp_path / "home", tmp_path / "ferry.md"
    article.write_text(FERRY)
    newsdesk(home, "ingest", str(article))
    question = "The ferry strike ended after talks this week?"
    that_week = newsdesk(home, "ask", question, "--now", "2024-03-07")
    assert "ferry strike ended after nine days" in that_week.stdout
    assert "(Searched preferring articles published 2024-02-19 to 2024-03-08 (from “this week”).)" in that_week.stdout
    a_year_on = newsdesk(home, "chat", "--now", "2025-03-07", stdin=question + "\n")
    assert "Not found in the stored articles" in a_year_on.stdout
    assert "Searched preferring articles published 2025-02-17 to 2025-03-08 (from “this week”)." in a_year_on.stdout
    bad = newsdesk(home, "ask", question, "--now", "2024-02-30")
    assert bad.returncode == 2 and bad.stdout == ""
    assert "argument --now: must be a date written YYYY-MM-DD, e.g. 2024-06-18; '2024-02-30' is not" in bad.stderr


@pytest.mark.model
@pytest.mark.parametrize("embedder", ["onnx", "torch"])
def test_real_model_quotes_who_accompanies_putin_and_refuses_france(tmp_path: Path, embedder: str) -> None:
    home = tmp_path / "home"
    assert newsdesk(home, "ingest", str(SHIPPED), embedder=embedder).returncode == 0
    run = newsdesk(home, "ask", "-", "--json", embedder=embedder,
                   stdin="who accompanies Putin?\nWhat is the capital of France?\n")
    putin, france = (json.loads(line) for line in run.stdout.splitlines())
    quote = putin["quotes"][0]
    assert not putin["refused"]
    for name in ("Andrei Belousov", "Sergey Lavrov", "Alexander Novak"):
        assert name in quote["text"]
    assert (quote["title"], quote["source"], quote["paragraph"]) == (
        "Putin's Visit to North Korea After 24 Years", "ALJAZEERA", 23)
    assert quote["text"] in SHIPPED.read_text(encoding="utf-8")
    assert france["refused"] and france["quotes"] == []
    assert france["reason"] == "not found in the stored articles"
    text = newsdesk(home, "ask", "What is the capital of France?", embedder=embedder)
    assert "Not found in the stored articles" in text.stdout


def test_ingest_takes_urls_and_refuses_private_addresses(tmp_path: Path) -> None:
    run = newsdesk(tmp_path / "home", "ingest", "http://169.254.169.254/latest/meta-data", str(SHIPPED))
    assert run.returncode == 1
    assert "rejected  http://169.254.169.254/latest/meta-data: refused address" in run.stderr
    assert "1 added, 0 unchanged, 0 replaced, 1 rejected" in run.stderr


def test_fetch_settings_in_dotenv_reach_ingest_of_a_url(tmp_path: Path) -> None:
    """NEWSDESK_FETCH_ALLOW in .env lets `newsdesk ingest URL` fetch a self-hosted address (it was ignored)."""
    url = "http://127.0.0.1:9/article"  # the discard port: nothing listens
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_EMBEDDER": "hash", "PYTHONPATH": str(ROOT)}
    env.pop("NEWSDESK_FETCH_ALLOW", None)
    ingest = [sys.executable, "-m", "index", "ingest", url]
    refused = subprocess.run(ingest, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert "refused address" in refused.stderr
    (tmp_path / ".env").write_text("NEWSDESK_FETCH_ALLOW=127.0.0.1\n")
    allowed = subprocess.run(ingest, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert allowed.returncode == 1 and f"rejected  {url}:" in allowed.stderr
    assert "refused address" not in allowed.stderr  # fetched, and the connection failed
