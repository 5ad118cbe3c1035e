"""The Discord token never appears in logs, output, repr or exceptions of a full run."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import Settings
from tests.conftest import SHIPPED
from tests.fakediscord.harness import running_bot

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-token-value-for-the-log-grep"


def _run(cwd: Path, home: Path, *args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1",
           "DISCORD_TOKEN": TOKEN, "NEWSDESK_LOG_LEVEL": "DEBUG", **extra}
    return subprocess.run([sys.executable, "-m", "index", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_settings_hide_the_token_in_repr_and_str() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN}, dotenv=None)
    assert settings.discord_token == TOKEN
    for shown in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        assert TOKEN not in shown and "discord_token='***'" in shown


def test_the_token_in_dotenv_is_read_and_hidden(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n")
    settings = Settings.from_env({}, dotenv=tmp_path / ".env")
    assert settings.discord_token == TOKEN and TOKEN not in repr(settings)


def test_a_full_command_line_run_never_prints_the_token(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n")
    runs = [
        _run(tmp_path, home, "-v", "ingest", str(SHIPPED), str(tmp_path / ".env")),
        _run(tmp_path, home, "-v", "ask", "-", "--json", stdin="who accompanies Putin?\n\n" + "x" * 600 + "\n"),
        _run(tmp_path, home, "-v", "articles"),
        _run(tmp_path, home, "-v", "backup", str(tmp_path / "b.sqlite3")),
        _run(tmp_path, home, "-v", "restore", str(tmp_path / "b.sqlite3")),
        _run(tmp_path, home, "-v", "forget", "999"),
        _run(tmp_path, home, "-v", "ask", "x", NEWSDESK_MIN_SCORE="not-a-number"),
    ]
    assert runs[0].returncode == 1  # .env itself is rejected (unsupported type), not echoed
    assert runs[1].stdout.count("\n") == 2 and runs[3].returncode == 0 and runs[4].returncode == 0
    assert "NEWSDESK_MIN_SCORE" in runs[-1].stderr and runs[-1].returncode == 2
    for run in runs:
        assert TOKEN not in run.stdout and TOKEN not in run.stderr
        assert TOKEN.split(".")[-1] not in run.stderr


async def test_a_bot_session_logs_nothing_of_the_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(tmp_path, monkeypatch) as world:
        token = world.bot.http.token
        assert token and token == world.library.settings.discord_token
        assert token not in repr(world.library.settings) and token not in repr(world.bot)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert len(caplog.records) > 5
    assert token not in logged and token not in caplog.text
