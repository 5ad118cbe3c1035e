"""`python -m bot`: a missing, rejected or under-privileged token is one clear line, not a traceback."""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator

import pytest

from bot.__main__ import BAD_TOKEN, NO_INTENT, NO_TOKEN, main
from tests.fakediscord import FakeDiscord


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


def test_missing_token_is_one_line(tmp_path, capsys) -> None:
    assert run_main(tmp_path, "") == 2
    err = capsys.readouterr().err
    assert err == f"newsdesk bot: {NO_TOKEN}\n"


def test_rejected_token_is_one_line(tmp_path, capsys, fake: FakeDiscord) -> None:
    assert run_main(tmp_path, "not-the-token") == 1
    err = capsys.readouterr().err
    assert err == f"newsdesk bot: {BAD_TOKEN}\n"
    assert "Traceback" not in err


def test_message_content_intent_switched_off_is_one_line(tmp_path, capsys, fake: FakeDiscord) -> None:
    fake.allow_message_content = False
    assert run_main(tmp_path, fake.token) == 1
    assert capsys.readouterr().err == f"newsdesk bot: {NO_INTENT}\n"


async def test_the_cli_hook_reports_a_missing_token(tmp_path, capsys) -> None:
    from bot.__main__ import run_bot
    from index.config import Settings

    assert await run_bot(Settings.from_env({"NEWSDESK_HOME": str(tmp_path)}, dotenv=None)) == 2
    assert capsys.readouterr().err == f"newsdesk bot: {NO_TOKEN}\n"
