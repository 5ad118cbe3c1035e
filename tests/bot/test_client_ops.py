"""Operating the bot: one event log line per command or question, and the Prometheus endpoint."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord.harness import World, running_bot

QUESTION = "When did Putin last visit Pyongyang?"


@pytest.fixture
async def world(tmp_path, monkeypatch, caplog) -> AsyncIterator[World]:
    caplog.set_level(logging.INFO, logger="newsdesk.events")
    async with running_bot(tmp_path, monkeypatch) as w:
        yield w


def events(caplog: Any) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "newsdesk.events"]


async def last_event(caplog: Any, command: str) -> str:
    """The newest event line of `command` (the line is written just after the reply is sent)."""
    for _ in range(200):
        found = [e for e in events(caplog) if e.startswith(f"command={command} ")]
        if found:
            return found[-1]
        await asyncio.sleep(0.01)
    raise AssertionError(f"no event for {command}: {events(caplog)}")


async def test_each_answer_logs_one_line_with_guild_command_latency_outcome(world: World, caplog) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "ask", question=QUESTION)
    await world.fake.interaction_done(ix)
    line = await last_event(caplog, "ask")
    assert re.fullmatch(rf"command=ask guild={world.guild.id} outcome=answered latency_ms=\d+ quotes=\d", line), line

    await world.fake.user_says(world.channel, world.reader, f"<@{world.fake.bot.id}> {QUESTION}")
    assert re.match(rf"command=mention guild={world.guild.id} outcome=answered latency_ms=\d+",
                    await last_event(caplog, "mention"))

    dm = world.fake.dm_channel(world.reader)
    await world.fake.user_says(dm, world.reader, "Who won the 1902 regatta on the moon?")
    assert re.match(r"command=dm guild=- outcome=(answered|refused) latency_ms=\d+", await last_event(caplog, "dm"))


async def test_refusals_and_errors_are_logged_as_such(world: World, caplog) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "ingest", url="https://example.com/a")
    await world.fake.interaction_done(ix)
    assert "outcome=refused" in await last_event(caplog, "ingest") and "reason=permission" in events(caplog)[-1]

    ix = await world.fake.slash(world.reader, world.channel, "ask", question=QUESTION, since="yesterday")
    await world.fake.interaction_done(ix)
    assert "outcome=invalid" in await last_event(caplog, "ask")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    world.bot.library.ask = broken  # type: ignore[method-assign]
    caplog.clear()
    ix = await world.fake.slash(world.reader, world.channel, "ask", question=QUESTION)
    await world.fake.interaction_done(ix)
    line = await last_event(caplog, "ask")
    assert "outcome=error" in line and "error=RuntimeError" in line and "disk on fire" not in line
    caplog.clear()
    await world.fake.user_says(world.channel, world.reader, f"<@{world.fake.bot.id}> {QUESTION}")
    assert "outcome=error" in await last_event(caplog, "mention")


async def test_feed_commands_are_logged(world: World, caplog) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "feeds list")
    await world.fake.interaction_done(ix)
    assert re.match(rf"command=\"feeds list\" guild={world.guild.id} outcome=answered", await last_event(caplog, '"feeds list"'))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scrape(port: int) -> str:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/metrics") as response:
        return await response.text()


async def test_run_bot_serves_metrics_counting_the_questions(tmp_path, monkeypatch) -> None:
    from bot.__main__ import run_bot
    from index.config import Settings
    from index.embed import HashEmbedder
    from index.fetch import FetchSettings

    fake = FakeDiscord()
    await fake.start()
    fake.patch(monkeypatch)
    port = free_port()
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path), "DISCORD_TOKEN": fake.token,
                                  "NEWSDESK_METRICS_PORT": str(port)}, dotenv=None)
    reader = fake.user("reader")
    guild = fake.add_guild("Newsroom", reader)
    task = asyncio.create_task(run_bot(settings, HashEmbedder(), FetchSettings(), guild_ready_timeout=0.05))
    try:
        for _ in range(300):  # commands synced, then IDENTIFY received and READY sent
            if fake.commands.get(None) and len(fake.received) >= 2 or task.done():
                break
            await asyncio.sleep(0.05)
        assert not task.done(), task.result()
        await asyncio.sleep(0.3)  # the guild arrives and the bot is ready
        ix = await fake.slash(reader, guild.channels["general"], "ask", question=QUESTION)
        await fake.interaction_done(ix)
        text = await scrape(port)
        assert "newsdesk_index_articles 0.0" in text
        counted = re.search(r'newsdesk_questions_total\{command="ask",outcome="refused"\} (\d+)', text)
        assert counted and int(counted.group(1)) >= 1, text
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await fake.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await scrape(port)


async def test_the_heartbeat_file_is_written_while_connected_and_removed_on_close(tmp_path, monkeypatch) -> None:
    from index.health import last_beat

    async with running_bot(tmp_path, monkeypatch):
        for _ in range(100):
            if last_beat(tmp_path):
                break
            await asyncio.sleep(0.02)
        assert last_beat(tmp_path)
    assert last_beat(tmp_path) is None
