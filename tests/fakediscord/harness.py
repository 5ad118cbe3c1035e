"""A running bot against the fake Discord: real Library (HashEmbedder, tmp_path), two guilds, users."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .payloads import EVERYDAY, MANAGE_GUILD, Guild, User
from .server import FakeDiscord

REPO = Path(__file__).resolve().parents[2]


@dataclass
class World:
    """Everything a bot test touches: the fake server, the bot, its library, guilds and people."""

    fake: FakeDiscord
    bot: Any
    library: Any
    guild: Guild  # "Newsroom": owner `admin`, plus `reader` (no Manage Server) and `editor` (role)
    other: Guild  # "Elsewhere": owner `stranger`
    admin: User
    reader: User
    editor: User
    stranger: User
    tasks: list[asyncio.Task[None]] = field(default_factory=list)  # bots started by `restart`
    others: list[Any] = field(default_factory=list)  # the bots of `also`: other processes' clients

    @property
    def channel(self) -> str:
        return self.guild.channels["general"]

    @property
    def other_channel(self) -> str:
        return self.other.channels["general"]


@contextlib.asynccontextmanager
async def running_bot(home: Path, monkeypatch: Any, env: Mapping[str, str] | None = None,
                      shards: Any = None, also: Sequence[Any] = ()) -> AsyncIterator[World]:
    """Start the fake server and the bot (shipped data ingested); stop both afterwards.

    `shards` (bot.shards.Shards) runs the bot sharded, with "Newsroom" on shard 0 and "Elsewhere" on
    shard 1 of the count. Each of `also` (Shards) starts one more bot once the first is ready, as another
    process would: its own Library on the same home, on those shards (`World.others`)."""
    from bot.client import newsdesk_bot
    from index.config import Settings
    from index.embed import HashEmbedder
    from index.fetch import FetchSettings
    from index.library import Library

    fake = FakeDiscord()
    await fake.start()
    fake.patch(monkeypatch)
    admin, reader, editor, stranger = (fake.user(n) for n in ("admin", "reader", "editor", "stranger"))
    count = shards.count if shards is not None else None
    guild = fake.add_guild("Newsroom", admin, channels=("general", "news"), roles=("Editors",),
                           shard=(0, count) if count else None)
    fake.add_member(guild, reader, permissions=EVERYDAY)
    fake.add_member(guild, editor, roles=("Editors",), permissions=EVERYDAY)
    other = fake.add_guild("Elsewhere", stranger, channels=("general", "news"), shard=(1 % count, count) if count else None)
    settings = Settings.from_env({
        "NEWSDESK_HOME": str(home), "DISCORD_TOKEN": fake.token, "NEWSDESK_ADMIN_ROLE": "Editors",
        # the hash embedder's cosines are not the model's the confidence was learned on: no refusals
        "NEWSDESK_MIN_SCORE": "0", **(env or {}),
    }, dotenv=None)
    assert MANAGE_GUILD  # imported for tests that build their own members
    fetch = FetchSettings.from_env(env or {})
    async with contextlib.AsyncExitStack() as stack:
        library = await stack.enter_async_context(Library(settings, embedder=HashEmbedder()))
        await library.ingest_paths([REPO / "data"])
        bot = newsdesk_bot(library, settings, fetch, shards, guild_ready_timeout=0.05)
        world = World(fake, bot, library, guild, other, admin, reader, editor, stranger)
        for plan in also:
            more = await stack.enter_async_context(Library(settings, embedder=HashEmbedder()))
            world.others.append(newsdesk_bot(more, settings, fetch, plan, guild_ready_timeout=0.05))
        try:
            for started in (bot, *world.others):  # one after the other
                world.tasks.append(asyncio.create_task(started.start(settings.discord_token)))
                await asyncio.wait_for(_ready(started, world.tasks[-1]), 15)
            yield world
        finally:
            for started in world.others:
                await started.close()
            await world.bot.close()
            for started in world.tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(started, 5)
            await fake.stop()


async def restart(world: World) -> None:
    """Stop the bot and start a new one on the same library and fake Discord (world.bot is the new one)."""
    from bot.client import newsdesk_bot

    old = world.bot
    await old.close()
    bot = newsdesk_bot(world.library, old.settings, old.fetch, old.shard_plan, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(old.settings.discord_token))
    await asyncio.wait_for(_ready(bot, task), 15)
    world.bot = bot
    world.tasks.append(task)


async def _ready(bot: Any, task: asyncio.Task[None]) -> None:
    waiter = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()  # raises what made the bot stop
        raise RuntimeError("the bot stopped before it was ready")
