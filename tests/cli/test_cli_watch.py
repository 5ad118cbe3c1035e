"""`newsdesk watch add|list|remove` as a user runs it, and a CLI ingest recording what the bot will post."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from index import watch
from tests.conftest import ROOT


def newsdesk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # the hash embedder's cosines are not the model's the confidence was learned on: threshold 0 answers
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1",
           "NEWSDESK_MIN_SCORE": "0"}
    return subprocess.run([sys.executable, "-m", "index", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)


def test_watch_add_list_remove_and_an_ingest_answering(tmp_path: Path) -> None:
    home = tmp_path / "home"
    added = newsdesk(home, "watch", "add", "How many cables did the engineers replace?", "--guild", "7",
                     "--channel", "500", "--name", "desk")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("[1] How many cables did the engineers replace?  (guild:7, channel 500, set by desk")
    shared = newsdesk(home, "watch", "add", "Who won the bread prize?")
    assert shared.returncode == 0 and "[2] Who won the bread prize?  (shared, not posted" in shared.stdout
    assert "recorded but not posted" in shared.stderr
    assert newsdesk(home, "watch", "list", "--guild", "7").stdout.count("\n") == 1
    assert newsdesk(home, "watch", "list").stdout.count("\n") == 2

    article = tmp_path / "bridge.txt"
    article.write_text("Harbour bridge reopens\n\nEngineers replaced forty-two cables on the harbour bridge.\n")
    ingested = newsdesk(home, "ingest", str(article), "--guild", "7")
    assert ingested.returncode == 0 and "standing questions: 1 new answer(s), posted by the bot" in ingested.stderr

    other = newsdesk(home, "watch", "remove", "1", "--guild", "8")
    assert other.returncode == 1 and "no standing question 1 here" in other.stderr
    assert newsdesk(home, "watch", "remove", "1").returncode == 0
    assert newsdesk(home, "watch", "list").stdout.startswith("[2] Who won the bread prize?")
    bad = newsdesk(home, "watch", "add", " ")
    assert bad.returncode == 2 and "the question is empty" in bad.stderr


def test_the_limit_refuses_in_one_line(tmp_path: Path) -> None:
    import sqlite3

    home = tmp_path / "home"
    assert newsdesk(home, "watch", "add", "First?", "--guild", "7").returncode == 0
    db = sqlite3.connect(home / "newsdesk.sqlite3")
    db.executemany("INSERT INTO watches (scope, question, created) VALUES ('guild:7', ?, '')",
                   [(f"Q{n}?",) for n in range(watch.MAX_PER_GUILD - 1)])
    db.commit()
    db.close()
    full = newsdesk(home, "watch", "add", "One more?", "--guild", "7")
    assert full.returncode == 1
    assert full.stderr.strip() == (f"error: there are {watch.MAX_PER_GUILD} standing questions here already, "
                                   "the most there may be; remove one first")
