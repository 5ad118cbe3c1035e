"""/watch add, list, remove: standing questions, answered in their channel when a new article answers them."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot import render
from bot.access import question_problem
from bot.cogs.admin import allowed
from index import watch
from index.errors import NewsdeskError
from index.events import Event, track
from index.models import StandingQuestion, guild_scope

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)


def watch_line(found: StandingQuestion) -> str:
    """`[id] “question”` · who set it (a mention that pings nobody) · its channel."""
    who = f"<@{found.user_id}>" if found.user_id.isdigit() else escape_markdown(found.user_name or "the command line")
    where = f"<#{found.channel_id}>" if found.channel_id.isdigit() else "not posted"
    return f"**[{found.id}]** “{escape_markdown(render.cut(found.question, 300))}” · set by {who} · {where}"


def watch_choice(found: StandingQuestion) -> app_commands.Choice[str]:
    return app_commands.Choice(name=render.cut(f"[{found.id}] {found.question}", render.CHOICE_CHARS), value=str(found.id))


@app_commands.guild_only()
class Watch(commands.GroupCog, group_name="watch"):
    """Standing questions: the bot answers them here when a new article does"""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        super().__init__()

    def _scope(self, interaction: discord.Interaction) -> str:
        return guild_scope(interaction.guild_id or 0)

    @app_commands.command(name="add")
    @app_commands.describe(question="Asked of every new article; answers are posted in this channel")
    async def add(self, interaction: discord.Interaction, question: str) -> None:
        """Keep asking a question: when a new article answers it, the quote is posted in this channel."""
        with track("watch add", interaction.guild_id, question=False) as event:
            await self._add(interaction, question, event)

    async def _add(self, interaction: discord.Interaction, question: str, event: Event) -> None:
        problem = question_problem(question, self.bot.settings.max_question_chars)
        if problem is None:
            try:
                added = await watch.add(self.bot.library, question, self._scope(interaction),
                                        str(interaction.channel_id or ""), str(interaction.user.id),
                                        interaction.user.display_name)
            except NewsdeskError as exc:
                problem = f"Not added: {exc}."
        if problem is not None:
            event.outcome = "invalid"
            await interaction.response.send_message(problem, ephemeral=True)
            return
        await interaction.response.send_message(
            f"Standing question **[{added.id}]** kept: when a new article answers "
            f"“{escape_markdown(render.cut(added.question, 300))}”, its quote is posted here. "
            f"`/watch remove` stops it (at most {watch.MAX_PER_GUILD} per server).", ephemeral=True)

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The standing questions of this server."""
        with track("watch list", interaction.guild_id, question=False):
            found = await watch.standing_questions(self.bot.library, (self._scope(interaction),))
            if not found:
                text = "This server has no standing questions. Add one with `/watch add question:`."
            else:
                text = "\n".join(watch_line(w) for w in found) + f"\n\n{len(found)} of {watch.MAX_PER_GUILD}."
            await interaction.response.send_message(embed=render.notice_embed(text), ephemeral=True)

    @app_commands.command(name="remove")
    @app_commands.describe(question="A standing question of this server")
    async def remove(self, interaction: discord.Interaction, question: str) -> None:
        """Stop asking a standing question (your own; any, with Manage Server)."""
        with track("watch remove", interaction.guild_id, question=False) as event:
            await self._remove(interaction, question, event)

    async def _remove(self, interaction: discord.Interaction, question: str, event: Event) -> None:
        manager = allowed(interaction, self.bot.settings.admin_role)
        text = question.strip().lstrip("[#").split("]")[0].strip()
        try:
            if not text.isdigit():
                raise watch.WatchRefused(f"there is no standing question “{render.cut(question, 100)}” here")
            removed = await watch.remove(self.bot.library, int(text), (self._scope(interaction),),
                                         None if manager else str(interaction.user.id))
        except watch.WatchRefused as exc:
            event.outcome, event.fields["reason"] = "refused", "permission" if "set by" in str(exc) else "not found"
            await interaction.response.send_message(
                escape_markdown(f"Not removed: {exc}.") + " See `/watch list`.", ephemeral=True)
            return
        await interaction.response.send_message(
            f"Removed standing question **[{removed.id}]** “{escape_markdown(render.cut(removed.question, 300))}”.",
            ephemeral=True)

    @remove.autocomplete("question")
    async def _remove_question(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        wanted = current.strip().lower()
        found = await watch.standing_questions(self.bot.library, (self._scope(interaction),))
        return [watch_choice(w) for w in found if not wanted or wanted in f"{w.id} {w.question}".lower()][:25]
