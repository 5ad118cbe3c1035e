"""`newsdesk export` as a user runs it: a thread's or a guild's answers as Markdown or JSON, to stdout
or a file; bad ids and days named; nothing found said, with exit status 1."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from index.models import Answer, Quote
from index.store import SQLiteStore
from tests.conftest import ROOT

QUOTE = "The harbour plan was *approved*.\n\n> Work starts in _May_."


def newsdesk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1"}
    env.pop("NEWSDESK_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "index", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)


def answered(home: Path) -> None:
    """Three answers posted in thread 200 of guild 7 (one in guild 8), one in channel 300 of guild 7."""
    async def keep() -> None:
        store = await SQLiteStore.open(home / "newsdesk.sqlite3")
        quote = Quote(QUOTE, 1, "Harbour plan approved", "Gazette", "https://example.org/h", "2024-06-18", 3, 0.9)
        for question, scope, channel, message, created in (
            ("Was the harbour plan approved?", "guild:7", "200", "201", "2026-06-01T10:00:00+00:00"),
            ("Who voted against it?", "guild:7", "200", "202", "2026-06-02T10:00:00+00:00"),
            ("Another guild's?", "guild:8", "200", "203", "2026-06-02T11:00:00+00:00"),
            ("In the newsroom?", "guild:7", "300", "301", "2026-06-03T10:00:00+00:00"),
        ):
            answer = Answer(question, False, [quote]) if "approved" in question else Answer(question, True)
            kept = await store.keep_answer(created, scope, json.dumps(answer.to_dict()), "")
            await store.answer_posted(kept, channel, message, "199")
        await store.close()
    asyncio.run(keep())


def test_a_thread_exports_as_markdown_and_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    answered(home)
    shown = newsdesk(home, "export", "--thread", "200", "--guild", "7")
    assert shown.returncode == 0, shown.stderr
    assert "## 1. Was the harbour plan approved?" in shown.stdout and "## 2. Who voted against it?" in shown.stdout
    assert "> The harbour plan was *approved*.\n> \n> > Work starts in _May_.\n" in shown.stdout
    assert "- Title: Harbour plan approved" in shown.stdout and "- URL: <https://example.org/h>" in shown.stdout
    assert "[answer](https://discord.com/channels/7/200/201)" in shown.stdout
    assert "Another guild" not in shown.stdout and "newsroom" not in shown.stdout
    assert "Another guild's?" in newsdesk(home, "export", "--thread", "200").stdout  # the operator's: every guild

    out = tmp_path / "thread.json"
    written = newsdesk(home, "export", "--thread", "200", "--guild", "7", "--json", "-o", str(out))
    assert written.returncode == 0 and written.stdout == "" and f"exported 2 answer(s) to {out}" in written.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == 1 and [a["question"] for a in data["answers"]] == [
        "Was the harbour plan approved?", "Who voted against it?"]
    assert data["answers"][0]["quotes"][0]["text"] == QUOTE


def test_a_guild_exports_since_a_day_and_mistakes_are_named(tmp_path: Path) -> None:
    home = tmp_path / "home"
    answered(home)
    since = newsdesk(home, "export", "--guild", "7", "--since", "2026-06-02")
    assert since.returncode == 0, since.stderr
    assert "# Answers in guild 7 since 2026-06-02" in since.stdout
    assert "Who voted against it?" in since.stdout and "In the newsroom?" in since.stdout
    assert "harbour plan approved?" not in since.stdout and "Another guild" not in since.stdout

    nothing = newsdesk(home, "export", "--guild", "7", "--since", "2026-07-01", "-o", str(tmp_path / "none.md"))
    assert nothing.returncode == 1 and nothing.stdout == "" and not (tmp_path / "none.md").exists()
    assert "nothing to export: no answers posted in guild 7 since 2026-07-01 are kept" in nothing.stderr
    for args, said in ((("--thread", "20x"), "“20x” is not"), (("--guild", "7", "--since", "2026-02-30"), "“2026-02-30” is not"),
                       (("--since", "2026-06-01"), "--since needs --guild ID"), ((), "say what to export"),
                       (("--thread", "200", "--guild", "seven"), "the guild id must be a Discord id")):
        bad = newsdesk(home, "export", *args)
        assert bad.returncode == 2 and said in bad.stderr and bad.stderr.startswith("error: "), (args, bad.stderr)
