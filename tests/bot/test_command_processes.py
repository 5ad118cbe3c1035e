"""Two `newsdesk bot` processes, `--shards 0 --shard-count 2` and `--shards 1 --shard-count 2`, each with its
own home, on one PostgreSQL library, against the fake Discord (in this process) with a guild on each shard:
each guild is answered by the process holding it, once; a guild's article stays in its guild across
processes; the commands are pushed once; a feed polled by both is fetched and announced once, in the
channel kept with the feed in the database."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.fetch import FetchSettings, parse_allow
from index.health import beating
from index.library import Library
from index.models import guild_scope
from index.webingest import add_feed
from tests.conftest import ROOT
from tests.fakediscord import FakeDiscord
from tests.fakediscord.payloads import EVERYDAY
from tests.webfixtures import Site, site  # noqa: F401 (site is a fixture)

QUESTION = "When did Putin last visit Pyongyang?"
ANSWER = "Putin last visited Pyongyang in July 2000"
LOCAL = FetchSettings(allow_networks=parse_allow("127.0.0.1/32")[1], timeout=5)


class Bot:
    """One `newsdesk bot` process and where its log goes."""

    def __init__(self, home: Path, process: asyncio.subprocess.Process) -> None:
        self.home, self.process = home, process

    def log(self) -> str:
        return (self.home / "stderr.log").read_text(errors="replace")


async def start(fake: FakeDiscord, home: Path, url: str, shards: str, env: dict[str, str]) -> Bot:
    home.mkdir(parents=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    settings = {"PYTHONPATH": str(ROOT), "DISCORD_TOKEN": fake.token, "NEWSDESK_HOME": str(home),
                "NEWSDESK_DATABASE_URL": url, "NEWSDESK_EMBEDDER": "hash", "NEWSDESK_ENTITIES": "lazy",
                "NEWSDESK_MIN_SCORE": "0", "NEWSDESK_FETCH_ALLOW": "127.0.0.1", "NEWSDESK_FETCH_TIMEOUT": "5",
                "NEWSDESK_FEED_POLL_MINUTES": "0.01", **env}
    with (home / "stderr.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakediscord.launch", fake.base, "bot", "--shards", shards, "--shard-count", "2",
            cwd=home, env={**clean, **settings}, stdout=asyncio.subprocess.DEVNULL, stderr=log)
    return Bot(home, process)


async def ready(bots: list[Bot], timeout: float = 90) -> None:
    """Until every bot wrote its heartbeat (it does once connected and ready)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not all(beating(b.home) for b in bots):
        for bot in bots:
            assert bot.process.returncode is None, f"a bot stopped:\n{bot.log()}"
        assert loop.time() < deadline, "\n\n".join(b.log() for b in bots)
        await asyncio.sleep(0.2)


async def stop(bots: list[Bot]) -> list[int | None]:
    for bot in bots:
        if bot.process.returncode is None:
            bot.process.send_signal(signal.SIGTERM)
    codes = []
    for bot in bots:
        try:
            codes.append(await asyncio.wait_for(bot.process.wait(), 30))
        except TimeoutError:
            bot.process.kill()
            codes.append(await bot.process.wait())
    return codes


async def reply(fake: FakeDiscord, channel: str, user: Any, text: str) -> dict[str, Any]:
    asked = await fake.user_says(channel, user, f"<@{fake.bot.id}> {text}")

    def replies() -> list[dict[str, Any]]:
        return [m for m in fake.channel_messages(channel)
                if str((m.get("message_reference") or {}).get("message_id")) == asked["id"]]
    return (await fake.wait_until(replies, 30))[0]


def description(message: dict[str, Any]) -> str:
    return "".join(e.get("description", "") for e in message.get("embeds", [])) + message.get("content", "")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """The fake Discord in this process; the bots are pointed at it by tests.fakediscord.launch."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


async def test_two_bot_processes_on_one_database_share_the_guilds_between_them(
        tmp_path: Path, postgres_url: str, fake: FakeDiscord, site: Site) -> None:
    admin, stranger = fake.user("admin"), fake.user("stranger")
    here = fake.add_guild("Newsroom", admin, channels=("general",), shard=(0, 2))
    there = fake.add_guild("Elsewhere", stranger, channels=("general", "news"), shard=(1, 2))
    fake.add_member(here, fake.user("reader"), permissions=EVERYDAY)
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "seed"), "NEWSDESK_DATABASE_URL": postgres_url,
                                  "NEWSDESK_EMBEDDER": "hash", "NEWSDESK_ENTITIES": "lazy"}, dotenv=None)
    async with Library(settings, embedder=HashEmbedder()) as library:
        await library.ingest_paths([ROOT / "data"])
        # its announce channel is kept with the feed in the database: neither process's home holds it
        news = there.channels["news"]
        await add_feed(library, site.url("feed.rss"), guild_scope(int(there.id)), LOCAL, announce_channel=int(news))
    env: dict[str, str] = {}
    bots = [await start(fake, tmp_path / "a", postgres_url, "0", env),
            await start(fake, tmp_path / "b", postgres_url, "1", env)]
    try:
        await ready(bots)
        assert sorted(fake.gateway.identifies) == [(0, 2), (1, 2)]

        for guild, user in ((here, admin), (there, stranger)):
            answer = await reply(fake, guild.channels["general"], user, QUESTION)
            assert ANSWER in description(answer)
        ix = await fake.slash(stranger, there.channels["general"], "ask", question=QUESTION)
        assert ANSWER in description(await fake.interaction_done(ix))

        # a guild's own article, stored through the process holding it, is not quoted in the other guild
        attachment = fake.add_attachment("ferry.txt", b"Ferry strike ends\n\nThe ferry strike ended after nine days of talks.")
        stored = await fake.interaction_done(await fake.slash(admin, here.channels["general"], "ingest", file=attachment))
        assert "Ferry strike ends" in description(stored)
        assert "nine days of talks" in description(await reply(fake, here.channels["general"], admin, "How long was the ferry strike?"))
        elsewhere = await reply(fake, there.channels["general"], stranger, "How long was the ferry strike?")
        assert "nine days" not in description(elsewhere)

        # the feed of Elsewhere, polled by both processes every 0.6 s: fetched and announced once
        def announced() -> list[dict[str, Any]]:
            return [m for m in fake.channel_messages(news) if "New from" in m.get("content", "")]
        [first] = await fake.wait_until(announced, 30)
        assert "Harbour bridge reopens after repairs" in first["content"]
        await asyncio.sleep(3)  # several more polls by each process
        assert len(announced()) == 1
        pages = Counter(hit for hit in site.hits if not hit.endswith(".rss"))
        assert pages and set(pages.values()) == {1}, pages

        # every guild answered by exactly one process; the commands pushed once, by the one holding shard 0
        for guild in (here, there):
            replies = [m for m in fake.channel_messages(guild.channels["general"]) if m.get("message_reference")]
            assert len(replies) == 2
        pushes = [repr(c) for c in fake.calls if c.method == "PUT" and c.path.endswith("/commands")]
        assert pushes == [f"PUT /applications/{fake.app_id}/commands"]
        assert (tmp_path / "a" / "discord-commands.sha256").exists()
        assert not (tmp_path / "b" / "discord-commands.sha256").exists()
    finally:
        codes = await stop(bots)
    assert codes == [0, 0], "\n\n".join(b.log() for b in bots)
