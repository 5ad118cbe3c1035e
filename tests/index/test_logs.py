"""Logging: one line per event (text or JSON), and the token never written, whatever logs it."""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.cli import main
from index.errors import BadQuestion
from index.events import track
from index.logs import REDACTED, log_event, setup_logging
from index.metrics import Metrics

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL"


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_an_event_is_one_text_line_with_guild_command_latency_and_outcome() -> None:
    out = io.StringIO()
    setup_logging("INFO", "text", stream=out)
    log_event("ask", "answered", 0.0841, guild=1234, quotes=2, question="who accompanies Putin?")
    [line] = lines(out)
    assert line.endswith('newsdesk.events: command=ask guild=1234 outcome=answered latency_ms=84 quotes=2 '
                         'question="who accompanies Putin?"')


def test_json_format_writes_one_object_per_line_with_the_event_fields() -> None:
    out = io.StringIO()
    setup_logging("INFO", "json", stream=out)
    log_event("mention", "refused", 1.5, guild="99")
    logging.getLogger("discord.gateway").warning("shard %s reconnecting", 0)
    event, other = (json.loads(line) for line in lines(out))
    assert {k: event[k] for k in ("level", "logger", "command", "guild", "outcome", "latency_ms")} == {
        "level": "INFO", "logger": "newsdesk.events", "command": "mention", "guild": "99",
        "outcome": "refused", "latency_ms": 1500,
    }
    assert event["time"].endswith("+00:00")
    assert (other["logger"], other["message"]) == ("discord.gateway", "shard 0 reconnecting")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_token_is_redacted_wherever_it_appears(fmt: str) -> None:
    out = io.StringIO()
    setup_logging("DEBUG", fmt, secrets=["", TOKEN], stream=out)
    log = logging.getLogger("discord.http")
    log.debug("POST /gateway with Authorization: Bot %s", TOKEN)
    log.info(f"token was {TOKEN}")
    log.warning("extra field", extra={"header": f"Bot {TOKEN}"})
    log_event("ask", "error", 0.1, guild=1, error=f"bad {TOKEN}")
    try:
        raise RuntimeError(f"login failed for {TOKEN}")
    except RuntimeError:
        log.exception("login")
    text = out.getvalue()
    assert TOKEN not in text and text.count(REDACTED) >= 4
    assert "Authorization: Bot [REDACTED]" in text and "RuntimeError: login failed for [REDACTED]" in text


def test_track_logs_and_counts_a_refusal_a_bad_question_and_an_error() -> None:
    out, metrics = io.StringIO(), Metrics()
    setup_logging("INFO", "json", stream=out)

    class Refusal:
        refused, quotes = True, []

    with track("ask", guild=7, metrics=metrics) as event:
        event.answer = Refusal()  # type: ignore[assignment]
    with pytest.raises(BadQuestion), track("ask", metrics=metrics):
        raise BadQuestion("the question is empty")
    with pytest.raises(KeyError), track("mention", guild=7, metrics=metrics):
        raise KeyError("boom")
    with track("ingest", guild=7, question=False, metrics=metrics) as event:
        event.fields["added"] = 3
    outcomes = [(e["command"], e["outcome"], e.get("reason") or e.get("error") or e.get("added"))
                for e in map(json.loads, lines(out))]
    assert outcomes == [("ask", "refused", None), ("ask", "invalid", "the question is empty"),
                        ("mention", "error", "KeyError"), ("ingest", "answered", 3)]
    count = lambda outcome, command="ask": metrics.sample(  # noqa: E731
        "newsdesk_questions_total", {"outcome": outcome, "command": command})
    assert (count("refused"), count("invalid"), count("error", "mention"), count("answered", "ingest")) == (1, 1, 1, 0)


def test_cli_log_format_json_writes_the_ask_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWSDESK_EMBEDDER", "hash")
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    assert main(["--log-format", "json", "-v", "ask", "--guild", "42", "who runs the harbour?"]) == 0
    captured = capsys.readouterr()
    events = [json.loads(line) for line in captured.err.splitlines() if '"newsdesk.events"' in line]
    assert [(e["command"], e["guild"], e["outcome"]) for e in events] == [("ask", "42", "refused")]
    assert "not found in the stored articles" in captured.out.lower() and TOKEN not in captured.err


def test_an_uncaught_exception_is_one_json_record_with_the_token_redacted_and_status_1() -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    script = ("import threading; from index.logs import setup_logging, log_uncaught_exceptions; "
              f"setup_logging('INFO', 'json', secrets=[{TOKEN!r}]); log_uncaught_exceptions(); "
              f"t = threading.Thread(target=lambda: 1 / 0, name='worker'); t.start(); t.join(); "
              f"raise RuntimeError('failed with ' + {TOKEN!r})")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and TOKEN not in done.stderr
    thread, crash = [json.loads(line) for line in done.stderr.splitlines()]
    assert thread["message"] == "uncaught exception in thread worker: ZeroDivisionError: division by zero"
    assert crash["level"] == "CRITICAL" and crash["message"] == f"uncaught exception, stopping: RuntimeError: failed with {REDACTED}"
    assert "Traceback" in crash["exception"]


async def test_the_event_loops_errors_are_one_record_each() -> None:
    import asyncio

    from index.logs import log_loop_exception

    out = io.StringIO()
    setup_logging("INFO", "json", secrets=[TOKEN], stream=out)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(log_loop_exception)
    try:
        loop.call_soon(lambda: 1 / 0)
        await asyncio.sleep(0.01)
    finally:
        loop.set_exception_handler(None)
    [record] = [json.loads(line) for line in lines(out)]
    assert record["level"] == "ERROR" and record["logger"] == "newsdesk.crash"
    assert record["message"].startswith("Exception in callback ")
    assert "ZeroDivisionError: division by zero" in record["message"] and "Traceback" in record["exception"]
