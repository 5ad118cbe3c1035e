"""`python -m bot`: a missing, rejected or under-privileged token, an unreachable Discord or any other
error is one clear log record (JSON with `--log-format json`, the token redacted), not a traceback."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from bot.__main__ import BAD_TOKEN, NO_INTENT, NO_TOKEN, main
from tests.conftest import ROOT
from tests.fakediscord import FakeDiscord

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL"


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """main() installs its own log handler on the root logger; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def fake(monkeypatch) -> Iterator[FakeDiscord]:
    """The fake Discord on its own loop in a thread, since main() runs its own event loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(_started(), loop).result(10)
    server.patch(monkeypatch)
    yield server
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


async def _started() -> FakeDiscord:
    server = FakeDiscord()
    await server.start()
    return server


def run_main(tmp_path, token: str) -> int:
    """main() logs to stderr at NEWSDESK_LOG_LEVEL: ERROR here, so stderr holds only what the user must read."""
    return main([], env={"DISCORD_TOKEN": token, "NEWSDESK_HOME": str(tmp_path), "NEWSDESK_EMBEDDER": "hash",
                         "NEWSDESK_LOG_LEVEL": "ERROR"})


def one_line(err: str) -> str:
    """The one log line on stderr, without its time: `CRITICAL bot: newsdesk bot stopped: ...`."""
    assert err.count("\n") == 1, err
    return err.rstrip("\n").split(" ", 2)[2]


def test_missing_token_is_one_line(tmp_path, capsys) -> None:
    assert run_main(tmp_path, "") == 2
    assert one_line(capsys.readouterr().err) == f"CRITICAL bot: newsdesk bot stopped: {NO_TOKEN}"


def test_rejected_token_is_one_line(tmp_path, capsys, fake: FakeDiscord) -> None:
    assert run_main(tmp_path, "not-the-token") == 1
    assert one_line(capsys.readouterr().err) == f"CRITICAL bot: newsdesk bot stopped: {BAD_TOKEN}"


def test_message_content_intent_switched_off_is_one_line(tmp_path, capsys, fake: FakeDiscord) -> None:
    fake.allow_message_content = False
    assert run_main(tmp_path, fake.token) == 1
    assert one_line(capsys.readouterr().err) == f"CRITICAL bot: newsdesk bot stopped: {NO_INTENT}"


async def test_the_cli_hook_reports_a_missing_token(tmp_path, caplog) -> None:
    from bot.__main__ import run_bot
    from index.config import Settings

    assert await run_bot(Settings.from_env({"NEWSDESK_HOME": str(tmp_path)}, dotenv=None)) == 2
    assert [r.getMessage() for r in caplog.records] == [f"newsdesk bot stopped: {NO_TOKEN}"]


def test_an_unexpected_error_is_one_json_record_with_its_traceback_and_the_token_redacted(tmp_path, capsys,
                                                                                          monkeypatch) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"something broke near {TOKEN}")

    monkeypatch.setattr("bot.__main__.run", broken)
    status = main([], env={"DISCORD_TOKEN": TOKEN, "NEWSDESK_HOME": str(tmp_path), "NEWSDESK_EMBEDDER": "hash",
                           "NEWSDESK_LOG_FORMAT": "json"})
    err = capsys.readouterr().err
    assert status == 1 and TOKEN not in err
    [record] = [json.loads(line) for line in err.splitlines()]
    assert record["level"] == "CRITICAL"
    assert record["message"] == "newsdesk bot stopped: an unexpected error: RuntimeError: something broke near [REDACTED]"
    assert "Traceback" in record["exception"] and "in broken" in record["exception"]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_discord_stops_the_process_with_one_json_record_and_a_non_zero_status(tmp_path) -> None:
    """`newsdesk --log-format json bot` with Discord's API at a closed port: stderr holds only JSON lines,
    one of them the reason, the status is not 0, and the token appears nowhere."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    env = {**clean, "PYTHONPATH": str(ROOT), "DISCORD_TOKEN": TOKEN, "NEWSDESK_HOME": str(tmp_path),
           "NEWSDESK_EMBEDDER": "hash", "NEWSDESK_ENTITIES": "lazy"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.fakediscord.launch", f"http://127.0.0.1:{closed_port()}", "--log-format", "json", "bot"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert TOKEN not in done.stderr + done.stdout
    records = [json.loads(line) for line in done.stderr.splitlines()]  # every line is one JSON object
    stops = [r for r in records if r["message"].startswith("newsdesk bot stopped:")]
    assert len(stops) == 1, records
    assert stops[0]["level"] == "CRITICAL" and "cannot reach Discord (ClientConnectorError" in stops[0]["message"]
    assert "exception" not in stops[0]  # the reason is the record; no 75-line traceback
    from index import doctor, health  # the container health check: starting, then failing after the grace
    assert health.started_at(tmp_path) is not None and health.last_beat(tmp_path) is None
    grace_later = health.started_at(tmp_path) + health.GRACE + 60  # type: ignore[operator]
    late = doctor.check_heartbeat(tmp_path, now=grace_later, token=True)
    assert late.level == "fail" and late.detail == "started 3 minute(s) ago and never reached Discord"
