"""`newsdesk ingest` says which new articles are wire copies of stored ones; `articles` and `ask`
name every outlet of the story."""
from __future__ import annotations

import json
from pathlib import Path

from index.models import Article
from tests.cli.test_cli import newsdesk
from tests.index.test_wire import AP, REUTERS


def _jsonl(path: Path, article: Article) -> Path:
    path.write_text(json.dumps({"title": article.title, "text": "\n\n".join(article.paragraphs),
                                "source": article.source, "url": article.url}) + "\n")
    return path


def test_a_wire_copy_is_linked_at_ingest_and_listed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert newsdesk(home, "ingest", str(_jsonl(tmp_path / "ap.jsonl", AP))).returncode == 0
    run = newsdesk(home, "ingest", str(_jsonl(tmp_path / "reuters.jsonl", REUTERS)))
    assert run.returncode == 0
    assert f"added     [2] {REUTERS.title} (6 passages; same story as [1])" in run.stderr
    assert "ingest: 1 added, 0 unchanged, 0 replaced, 0 rejected; 1 linked as wire copies of stored articles" in run.stderr
    listing = newsdesk(home, "articles").stdout.splitlines()
    assert listing[0].endswith("\talso: Reuters [2]") and listing[1].endswith("\talso: AP [1]")
    asked = newsdesk(home, "ask", "Where will the next round of high seas talks take place?")
    assert "New York in February" in asked.stdout
    assert "also in: " in asked.stdout and ("· Reuters" in asked.stdout or "· AP" in asked.stdout)
