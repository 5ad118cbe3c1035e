"""The Discord client: intents, cogs, command sync, warm-up and error replies."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import announcer
from bot.announce import move_announce_file
from bot.poller import FeedPoller
from bot.ratelimit import RateLimiter
from bot.shards import Shards, format_ids, syncs_commands
from bot.threads import ThreadMemory
from bot.watcher import WatchPoster
from index.config import Settings
from index.fetch import FetchSettings
from index.health import heartbeat, heartbeat_file, process_name
from index.library import Library
from index.models import GLOBAL_SCOPE
from index.webingest import PollResult

log = logging.getLogger(__name__)
COMMANDS_STAMP = "discord-commands.sha256"


def intents() -> discord.Intents:
    """Guilds and messages, plus the privileged message content intent (for @mention questions)."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    wanted.members = False
    wanted.presences = False
    return wanted


class NewsdeskBot(commands.Bot):
    """Serves every guild it is in; the library is opened outside and passed in.

    `fetch` says how urls and feeds are fetched (NEWSDESK_FETCH_*); default: nothing private.
    `shards` is for `ShardedNewsdeskBot` (see `newsdesk_bot`).
    """

    def __init__(self, library: Library, settings: Settings, fetch: FetchSettings | None = None,
                 shards: Shards | None = None, **options: Any) -> None:
        if shards is not None:
            options.update(shard_ids=list(shards.ids), shard_count=shards.count)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.library = library
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.threads = ThreadMemory()
        self.fetch = fetch or FetchSettings()
        self.poller = FeedPoller(library, self.fetch, settings.feed_poll_minutes, self.announce)
        self.watch_poster = WatchPoster(library, self)
        self._heartbeat: asyncio.Task[None] | None = None
        self.tree.error(self._on_app_command_error)
        self.shard_plan = shards
        self.synced: bool | None = None  # True when this start pushed commands to Discord

    async def setup_hook(self) -> None:
        from bot.cogs import admin, articles, exports, feeds, questions, timeline, watch
        from bot.views import AnswerButton

        self.add_dynamic_items(AnswerButton)  # answers' buttons, also on messages from before a restart
        await self.add_cog(questions.Questions(self))
        await self.add_cog(articles.Articles(self))
        await self.add_cog(admin.Admin(self))
        await self.add_cog(feeds.Feeds(self))
        await self.add_cog(watch.Watch(self))
        await self.add_cog(exports.Exports(self))
        await self.add_cog(timeline.Timelines(self))
        await move_announce_file(self.library, self.settings.home)  # from a version that kept them in a file
        await self.warm_up()
        await self.sync_commands()
        self.poller.start(self.wait_until_ready)
        self.watch_poster.start(self.wait_until_ready)

    async def close(self) -> None:
        await self.poller.stop()
        await self.watch_poster.stop()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        await super().close()

    async def announce(self, poll: PollResult) -> None:
        """Post a poll's new articles in the feed's channel (kept with the feed in the library, else
        NEWSDESK_ANNOUNCE_CHANNEL), in its guild only; through REST, so the channel's guild may be on
        another process's shard."""
        channel_id = poll.feed.announce_channel or self.settings.announce_channel
        if channel_id:
            await announcer.post(self, poll, channel_id)

    async def warm_up(self) -> None:
        """Run one search so the model is loaded before the bot says it is ready."""
        await self.library.ask("warm up", scopes=(GLOBAL_SCOPE,))
        log.info("model warmed up")

    async def sync_commands(self) -> None:
        """Push the slash commands to Discord, only when they changed since the last push, and only
        from one process of a sharded bot (the one holding shard 0, or NEWSDESK_SYNC_COMMANDS=yes)."""
        if not syncs_commands(self.settings.sync_commands, self.shard_plan):
            self.synced = False
            log.info("slash commands are pushed by another process (the one holding shard 0); not syncing")
            return
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        stamp = self.settings.home / COMMANDS_STAMP
        if stamp.is_file() and stamp.read_text().strip() == digest:
            self.synced = False
            log.info("slash commands unchanged; not syncing")
            return
        synced = await self.tree.sync()
        stamp.write_text(digest + "\n")
        self.synced = True
        log.info("synced %d slash commands", len(synced))

    async def on_ready(self) -> None:
        """Also start the heartbeat file `newsdesk doctor` (the container health check) reads."""
        log.info("ready as %s in %d guilds%s", self.user, len(self.guilds),
                 f" on {self.shard_plan}" if self.shard_plan else "")
        if self._heartbeat is None:
            log.info("heartbeat in %s", self.settings.home / heartbeat_file(self.process_name))
            self._heartbeat = asyncio.create_task(
                heartbeat(self.settings.home, self.is_ready, name=self.process_name))

    @property
    def process_name(self) -> str:
        """This process's name among bots sharing its home (its heartbeat file): NEWSDESK_INSTANCE, else
        its shards, else "" when unsharded."""
        plan = self.shard_plan
        if plan is None:
            return process_name(self.settings.instance)
        return process_name(self.settings.instance, format_ids(plan.ids), plan.count)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: the Questions cog listens for mentions and thread messages."""

    async def _on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await self.report_error(interaction, getattr(error, "original", error))

    async def report_error(self, interaction: discord.Interaction, error: BaseException) -> None:
        """Log the error and tell the user something went wrong, without details."""
        log.error("error handling %s", interaction.data, exc_info=error)
        text = "Sorry, something went wrong while handling that. Please try again later."
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(text, ephemeral=True)
            elif interaction.response.type == discord.InteractionResponseType.deferred_channel_message:
                await interaction.edit_original_response(content=text)  # replace "is thinking..."
            else:
                await interaction.followup.send(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the error")


class ShardedNewsdeskBot(NewsdeskBot, commands.AutoShardedBot):
    """The same bot on some of the application's shards: discord.py's AutoShardedBot, one gateway
    connection per shard id, each receiving only the events of the guilds its shard holds."""


def newsdesk_bot(library: Library, settings: Settings, fetch: FetchSettings | None = None,
                 shards: Shards | None = None, **options: Any) -> NewsdeskBot:
    """The bot: sharded when `shards` says so, else one connection exactly as without sharding."""
    if shards is None:
        return NewsdeskBot(library, settings, fetch, **options)
    return ShardedNewsdeskBot(library, settings, fetch, shards, **options)
