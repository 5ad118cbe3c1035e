"""Posting the answers standing questions got (index.watch) in the channels they were set in.

The library records each answer once per question and article, whichever process stored the article
(the bot's /ingest, a feed poll, `newsdesk ingest`); this posts what is due: right after the bot's own
ingests, and every POLL_SECONDS for the others' (and what was due when the bot last stopped). Each
answer is claimed before it is posted, so of several bot processes one posts it. Posted through REST,
as feed announcements are (bot.announcer): any process reaches any channel.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

import discord
from discord.utils import escape_markdown

from bot import render
from bot.announcer import MESSAGEABLE
from index import watch
from index.library import Library
from index.models import GLOBAL_SCOPE, guild_scope

log = logging.getLogger(__name__)
POLL_SECONDS = 60.0


def heading(hit: watch.WatchHit) -> str:
    """Who set the question (named with a mention that pings nobody: sent with mentions off) and what it is."""
    who = f"<@{hit.watch.user_id}>" if hit.watch.user_id.isdigit() else escape_markdown(hit.watch.user_name or "someone")
    question = escape_markdown(render.cut(hit.watch.question, 500))
    return render.cut(f"A new article answers the standing question {who} set (#{hit.watch.id}): “{question}”",
                      render.MESSAGE_CHARS)


def may_post_in(hit: watch.WatchHit, channel_guild_id: int | None) -> bool:
    """A guild's question is answered only inside that guild."""
    if hit.watch.scope == GLOBAL_SCOPE:
        return True
    return channel_guild_id is not None and guild_scope(channel_guild_id) == hit.watch.scope


async def post(client: discord.Client, hit: watch.WatchHit) -> bool:
    """Post one answer in its question's channel, if that channel is in the question's guild; whether it was sent."""
    if not hit.watch.channel_id.isdigit():
        return False
    channel_id = int(hit.watch.channel_id)
    try:
        channel = await client.http.get_channel(channel_id)
    except discord.HTTPException as exc:
        log.warning("cannot post standing question %d's answer in channel %d: %s", hit.watch.id, channel_id, exc)
        return False
    raw_guild = channel.get("guild_id")
    guild_id = int(str(raw_guild)) if raw_guild else None
    if channel["type"] not in MESSAGEABLE or not may_post_in(hit, guild_id):
        log.warning("not posting standing question %d's answer in channel %d", hit.watch.id, channel_id)
        return False
    target = client.get_partial_messageable(channel_id, guild_id=guild_id)
    await target.send(heading(hit), embed=render.answer_embed(hit.answer),
                      allowed_mentions=discord.AllowedMentions.none())
    return True


class WatchPoster:
    """Posts the answers due, one drain at a time; on a schedule and when the library records some."""

    def __init__(self, library: Library, client: discord.Client, seconds: float = POLL_SECONDS) -> None:
        self.library = library
        self.client = client
        self.seconds = seconds
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[object]] = set()

    async def post_due(self) -> int:
        """Claim and post every answer due; how many were posted."""
        posted = 0
        async with self._lock:
            while due := await watch.due(self.library):
                claimed = 0
                for hit in due:
                    if not await watch.claim(self.library, hit):
                        continue  # another process took it
                    claimed += 1
                    try:
                        posted += await post(self.client, hit)
                    except discord.HTTPException as exc:
                        log.warning("posting standing question %d's answer failed: %s", hit.watch.id, exc)
                if not claimed:
                    break
        return posted

    async def _recorded(self, hits: Sequence[watch.WatchHit]) -> None:
        self._spawn(self.post_due())  # not waited for: the ingest that recorded them answers now

    async def _forever(self, first: Callable[[], Awaitable[object]]) -> None:
        await first()
        while True:
            try:
                await self.post_due()
            except Exception:  # one failed drain must not end the schedule
                log.exception("posting standing questions' answers failed")
            await asyncio.sleep(self.seconds)

    def start(self, first: Callable[[], Awaitable[object]]) -> None:
        """Post what is due after `first()` (the bot being ready), then every `seconds`, and whenever
        the library records answers."""
        self.library.watch_listeners.append(self._recorded)
        self._spawn(self._forever(first))

    def _spawn(self, work: Awaitable[object]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Stop the schedule and any drain under way; stop being told of the library's answers."""
        with contextlib.suppress(ValueError):
            self.library.watch_listeners.remove(self._recorded)
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
