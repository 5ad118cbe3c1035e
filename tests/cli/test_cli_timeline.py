"""`newsdesk timeline TOPIC` as a user runs it: date — quote — attribution lines, oldest first, the
undated last under a marker; --since/--until, --guild, --json; nothing found and bad dates in one line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from index.cli.timeline import UNDATED
from tests.conftest import ROOT
from tests.index.test_timeline import ARTICLES, ELSEWHERE, TOPIC


def newsdesk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "index", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)


def test_timeline_prints_dated_quotes_oldest_first_then_the_undated(tmp_path: Path) -> None:
    home, archive, own = tmp_path / "home", tmp_path / "archive.jsonl", tmp_path / "own.jsonl"
    lines = [{"title": a.title, "text": "\n\n".join(a.paragraphs), "source": a.source, "url": a.url,
              "published": a.published or None} for a in ARTICLES]
    archive.write_text("".join(json.dumps(line) + "\n" for line in lines))
    own.write_text(json.dumps({"title": ELSEWHERE.title, "text": ELSEWHERE.paragraphs[0], "source": ELSEWHERE.source,
                               "published": ELSEWHERE.published}) + "\n")
    assert newsdesk(home, "ingest", "-q", str(archive)).returncode == 0
    assert newsdesk(home, "ingest", "-q", str(own), "--guild", "7").returncode == 0

    shown = newsdesk(home, "timeline", TOPIC)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout.splitlines()
    assert out[0] == ("2022-03-14 — “Inspectors found cracks in the deck of the harbour bridge and ordered urgent "
                      "repairs.” — Cracks found in harbour bridge · GAZETTE · paragraph 1 · "
                      "https://gazette.example/cracks-found-in-harbour-bridge")
    dated = [line[:10] for line in out if line[:4].isdigit()]
    assert dated == ["2022-03-14", "2022-09-01", "2023-04-11", "2024-06-03"]
    assert "           also in: Bridge cables replaced · TRIBUNE · 2023-04-12 · https://tribune.example/bridge-cables-replaced" in out
    assert out[-2] == UNDATED and out[-1].startswith("“Readers wrote in about the harbour bridge repairs")
    assert "Fish market" not in shown.stdout and "Bakery" not in shown.stdout
    assert "Harbour bridge repairs overrun" not in shown.stdout  # guild 7's own article ...
    assert "2023-08-30 — “The harbour bridge repairs will overrun" in newsdesk(home, "timeline", TOPIC, "--guild", "7").stdout

    window = newsdesk(home, "timeline", TOPIC, "--since", "2022-09-01", "--until", "2023-04-11", "--json")
    found = json.loads(window.stdout)
    assert [(e["date"], e["quote"]["title"]) for e in found["entries"]] == [
        ("2022-09-01", "Harbour bridge closes for repairs"), ("2023-04-11", "Cable work starts on harbour bridge")]
    assert found["window"] == "only articles published 2022-09-01 to 2023-04-11" and not found["entries"][0]["undated"]

    nothing = newsdesk(home, "timeline", "volcano eruption")
    assert nothing.returncode == 1 and nothing.stdout == ""
    assert nothing.stderr.startswith("No timeline for “volcano eruption”: no stored article is about “volcano eruption”")
    bad = newsdesk(home, "timeline", TOPIC, "--until", "2023-13-01")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: until must be a date written YYYY-MM-DD, e.g. 2024-06-18; “2023-13-01” is not"
