"""Buttons: feedback, share, follow up in a thread (on answers), and paging (on long lists)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Sequence

import discord

from bot import render
from bot.access import write_scope
from index.events import Event, track
from index.models import Answer

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)
ANSWER_TIMEOUT = 24 * 3600.0
PAGER_TIMEOUT = 3600.0
THREAD_NAME_CHARS = 100


class AnswerView(discord.ui.View):
    """👍/👎 on every answer; "Share to channel" when private; "Follow up in thread" when public."""

    def __init__(self, bot: "NewsdeskBot", answer: Answer, *, private: bool, threadable: bool) -> None:
        super().__init__(timeout=ANSWER_TIMEOUT)
        self.bot = bot
        self.answer = answer
        self.voted: set[int] = set()
        if not private:
            self.remove_item(self.share)
        if private or not threadable:
            self.remove_item(self.follow_up)

    @discord.ui.button(label="Helpful", emoji="👍", style=discord.ButtonStyle.secondary)
    async def thumbs_up(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._vote(interaction, 1)

    @discord.ui.button(label="Not helpful", emoji="👎", style=discord.ButtonStyle.secondary)
    async def thumbs_down(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._vote(interaction, -1)

    @discord.ui.button(label="Share to channel", style=discord.ButtonStyle.primary)
    async def share(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        threadable = isinstance(interaction.channel, discord.TextChannel)
        view = AnswerView(self.bot, self.answer, private=False, threadable=threadable)
        await interaction.response.send_message(
            content=f"{interaction.user.mention} shared an answer:", embed=render.answer_embed(self.answer), view=view
        )

    @discord.ui.button(label="Follow up in thread", emoji="🧵", style=discord.ButtonStyle.secondary)
    async def follow_up(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        message = interaction.message
        if message is None or not isinstance(interaction.channel, discord.TextChannel):
            await interaction.response.send_message("Threads can only be started in a server text channel.",
                                                    ephemeral=True)
            return
        if message.thread is not None or self.bot.threads.has_message(message.id):
            thread_id = self.bot.threads.thread_of(message.id) or message.id
            await interaction.response.send_message(f"Follow up in <#{thread_id}>.", ephemeral=True)
            return
        question = self.answer.question
        thread = await message.create_thread(name=render.cut(question, THREAD_NAME_CHARS))
        self.bot.threads.started(thread.id, message.id, question)
        await thread.send(
            f"Ask follow-up questions here and I'll read them with “{render.cut(question, 300)}” in mind."
        )
        await interaction.response.send_message(f"Started {thread.mention}.", ephemeral=True)

    async def _vote(self, interaction: discord.Interaction, vote: int) -> None:
        with track("feedback", interaction.guild_id, question=False) as event:
            event.fields["vote"] = vote
            await self._record_vote(interaction, vote, event)

    async def _record_vote(self, interaction: discord.Interaction, vote: int, event: Event) -> None:
        if interaction.user.id in self.voted:
            event.outcome = "refused"
            await interaction.response.send_message("You already rated this answer, thanks!", ephemeral=True)
            return
        self.voted.add(interaction.user.id)
        await self.bot.library.record_feedback(
            question=self.answer.question, vote=vote, quotes=self.answer.quotes,
            scope=write_scope(interaction.guild_id), user_id=str(interaction.user.id),
        )
        await interaction.response.send_message(
            "Thanks, noted 👍" if vote > 0 else "Thanks, noted 👎 — this helps improve the answers.", ephemeral=True
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await self.bot.report_error(interaction, error)


class PagerView(discord.ui.View):
    """◀ / ▶ through a list of embeds, editing the message in place."""

    def __init__(self, pages: Sequence[discord.Embed]) -> None:
        super().__init__(timeout=PAGER_TIMEOUT)
        self.pages = list(pages)
        self.index = 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1}/{len(self.pages)}"

    @discord.ui.button(label="Previous", emoji="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", emoji="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, 1)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.index = min(max(self.index + step, 0), len(self.pages) - 1)
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)


def pager(pages: Sequence[discord.Embed]) -> discord.ui.View | discord.utils._MissingSentinel:
    """A PagerView when there is more than one page, else nothing (MISSING, so no buttons)."""
    return PagerView(pages) if len(pages) > 1 else discord.utils.MISSING
