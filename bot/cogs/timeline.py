"""/timeline: how a story developed, one quote per article about a topic, oldest first, paged."""
from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.access import range_problem, topic_problem
from bot.ratelimit import slow_down
from bot.views import pager
from index.errors import NewsdeskError
from index.events import track
from index.models import read_scopes

if TYPE_CHECKING:
    from bot.client import NewsdeskBot


class Timelines(commands.Cog):
    """Timelines of the stored articles."""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    @app_commands.command(name="timeline")
    @app_commands.describe(topic="A person, place, organisation or event, e.g. harbour bridge",
                           since="Only articles published on or after this day (YYYY-MM-DD)",
                           until="Only articles published on or before this day (YYYY-MM-DD)")
    async def timeline(self, interaction: discord.Interaction, topic: str, since: str = "", until: str = "") -> None:
        """How a story developed: one quote per article about a topic, oldest first."""
        with track("timeline", interaction.guild_id) as event:
            problem = range_problem(since, until) or topic_problem(topic, self.bot.settings.max_question_chars)
            wait = 0.0 if problem else self.bot.limiter.hit(interaction.user.id)
            if problem or wait:
                event.outcome = "invalid" if problem else "refused"
                await interaction.response.send_message(problem or slow_down(wait, self.bot.limiter.per_minute),
                                                        ephemeral=True)
                return
            await interaction.response.defer(thinking=True)
            try:
                found = await self.bot.library.timeline(topic.strip(), read_scopes(interaction.guild_id),
                                                        since=since.strip(), until=until.strip())
            except NewsdeskError as exc:
                event.outcome = "invalid"
                await interaction.edit_original_response(content=render.cut(str(exc), render.MESSAGE_CHARS))
                return
            event.outcome = "answered" if found.entries else "refused"
            event.fields["entries"] = len(found.entries)
            pages = render.timeline_pages(found)
            await interaction.edit_original_response(embed=pages[0], view=pager(pages))
