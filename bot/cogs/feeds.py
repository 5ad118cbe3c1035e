"""/feeds add, list, remove: the RSS/Atom feeds this server follows (add and remove: Manage Server)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot import render
from bot.cogs.admin import refused_unless_manager
from index.errors import RejectedInput
from index.events import Event, track
from index.models import Subscription, guild_scope
from index.webingest import add_feed, list_feeds, remove_feed

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)


def feed_line(feed: Subscription) -> str:
    """`[id] Title` <url>, when it was last polled, where it is announced, its last error."""
    title = escape_markdown(render.cut(feed.title or "untitled", 150))
    parts = [f"**[{feed.id}] {title}** <{feed.url}>", f"polled {feed.last_polled[:16] or 'not yet'}"]
    if feed.announce_channel:
        parts.append(f"announced in <#{feed.announce_channel}>")
    if feed.last_error:
        parts.append(f"last error: {escape_markdown(render.cut(feed.last_error, 200))}")
    return " · ".join(parts)


def feed_choice(feed: Subscription) -> app_commands.Choice[str]:
    name = render.cut(f"{feed.title or 'untitled'} ({feed.url})", render.CHOICE_CHARS)
    return app_commands.Choice(name=name, value=str(feed.id))


@app_commands.guild_only()
class Feeds(commands.GroupCog, group_name="feeds"):
    """RSS/Atom feeds whose new articles this server's library takes in"""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        super().__init__()

    def _scope(self, interaction: discord.Interaction) -> str:
        return guild_scope(interaction.guild_id or 0)

    def _schedule(self) -> str:
        minutes = self.bot.settings.feed_poll_minutes
        return f"every {minutes:g} minutes" if minutes > 0 else "when polled (the schedule is off)"

    @app_commands.command(name="add")
    @app_commands.describe(url="The address of an RSS or Atom feed",
                           announce="A channel where its new articles are announced")
    async def add(self, interaction: discord.Interaction, url: str,
                  announce: discord.TextChannel | None = None) -> None:
        """Follow a feed: its new articles join this server's library (Manage Server)."""
        with track("feeds add", interaction.guild_id, question=False) as event:
            await self._add(interaction, url, announce, event)

    async def _add(self, interaction: discord.Interaction, url: str, announce: discord.TextChannel | None,
                   event: Event) -> None:
        if await refused_unless_manager(interaction, self.bot.settings.admin_role, event, "feeds"):
            return
        if announce is not None and announce.guild.id != interaction.guild_id:
            event.outcome = "invalid"
            await interaction.response.send_message("Pick a channel of this server to announce in.", ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # fetches the feed once
        try:
            feed = await add_feed(self.bot.library, url.strip(), self._scope(interaction), self.bot.fetch,
                                  announce_channel=announce.id if announce is not None else None)
        except RejectedInput as exc:
            event.outcome = "invalid"
            await interaction.edit_original_response(
                content=render.cut(f"Could not follow <{exc.origin}>: {exc.reason}", render.MESSAGE_CHARS))
            return
        self.bot.poller.poll_soon([feed.id])
        where = f"; new articles are announced in <#{announce.id}>" if announce else ""
        title = escape_markdown(render.cut(feed.title or feed.url, 200))
        await interaction.edit_original_response(
            content=f"Following **{title}** (feed {feed.id}): fetching its articles now, then "
            f"{self._schedule()}{where}.")

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The feeds this server follows."""
        with track("feeds list", interaction.guild_id, question=False):
            feeds = await list_feeds(self.bot.library, (self._scope(interaction),))
            if not feeds:
                text = "This server follows no feeds. Add one with `/feeds add url:`."
            else:
                lines = [feed_line(f) for f in feeds]
                text = "\n".join(lines) + f"\n\nPolled {self._schedule()}."
            await interaction.response.send_message(embed=render.notice_embed(text), ephemeral=True)

    @app_commands.command(name="remove")
    @app_commands.describe(feed="A feed this server follows")
    async def remove(self, interaction: discord.Interaction, feed: str) -> None:
        """Stop following a feed; articles already taken stay (Manage Server)."""
        with track("feeds remove", interaction.guild_id, question=False) as event:
            await self._remove(interaction, feed, event)

    async def _remove(self, interaction: discord.Interaction, feed: str, event: Event) -> None:
        if await refused_unless_manager(interaction, self.bot.settings.admin_role, event, "feeds"):
            return
        scopes = (self._scope(interaction),)
        found = None
        if feed.strip().isdigit():
            found = next((f for f in await list_feeds(self.bot.library, scopes) if f.id == int(feed)), None)
        if found is None or not await remove_feed(self.bot.library, found.id, scopes):
            event.outcome = "refused"
            await interaction.response.send_message(
                f"This server follows no feed “{escape_markdown(render.cut(feed, 200))}”; see `/feeds list`.",
                ephemeral=True)
            return
        title = escape_markdown(render.cut(found.title or found.url, 200))
        await interaction.response.send_message(
            f"No longer following **{title}** (feed {found.id}); its articles stay.", ephemeral=True)

    @remove.autocomplete("feed")
    async def _remove_feed(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        wanted = current.strip().lower()
        feeds = await list_feeds(self.bot.library, (self._scope(interaction),))
        return [feed_choice(f) for f in feeds
                if not wanted or wanted in f"{f.id} {f.title} {f.url}".lower()][:25]
