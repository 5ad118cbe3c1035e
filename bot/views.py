"""Buttons: feedback, share, follow up in a thread (on answers), and paging (on long lists)."""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import discord

from bot import render
from index import answer_log
from index.events import track
from index.models import Answer, read_scopes, write_scope

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)
PAGER_TIMEOUT = 3600.0
THREAD_NAME_CHARS = 100


GONE = "This answer is too old for its buttons now; ask the question again."
BUTTONS = {  # action -> (label, emoji, style)
    "up": ("Helpful", "👍", discord.ButtonStyle.secondary),
    "down": ("Not helpful", "👎", discord.ButtonStyle.secondary),
    "share": ("Share to channel", None, discord.ButtonStyle.primary),
    "thread": ("Follow up in thread", "🧵", discord.ButtonStyle.secondary),
}


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                   template=r"newsdesk:(?P<action>up|down|share|thread):(?P<id>[0-9]+)"):
    """A button on an answer; its custom id names the kept answer, so it works after a restart."""

    def __init__(self, action: str, answer_id: int) -> None:
        label, emoji, style = BUTTONS[action]
        super().__init__(discord.ui.Button(label=label, emoji=emoji, style=style,
                                           custom_id=f"newsdesk:{action}:{answer_id}"))
        self.action, self.answer_id = action, answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnswerButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("NewsdeskBot", interaction.client)
        try:
            kept = await bot.library.kept_answer(self.answer_id, read_scopes(interaction.guild_id))
            if kept is None:
                await interaction.response.send_message(GONE, ephemeral=True)
            elif self.action in ("up", "down"):
                await _vote(bot, interaction, kept[0], self.answer_id, 1 if self.action == "up" else -1)
            elif self.action == "share":
                await _share(bot, interaction, kept[0], self.answer_id)
            else:
                await _follow_up(bot, interaction, kept[0])
        except Exception as exc:
            await bot.report_error(interaction, exc)


def answer_view(answer_id: int, channel: object, *, private: bool) -> discord.ui.View:
    """👍/👎 on every answer; "Share to channel" when private; "Follow up in thread" when public
    in a server text channel."""
    threadable = isinstance(channel, discord.TextChannel)
    view = discord.ui.View(timeout=None)
    actions = ["up", "down"] + (["share"] if private else []) + (["thread"] if threadable and not private else [])
    for action in actions:
        view.add_item(AnswerButton(action, answer_id))
    return view


async def record_posted(bot: NewsdeskBot, answer_id: int, channel_id: int, message_id: int,
                        question_message_id: int | None = None) -> None:
    """Record where a kept answer was posted in public, for exports (index.export); a failure is logged,
    the answer stays as posted."""
    try:
        await answer_log.answer_posted(bot.library.store, answer_id, channel_id, message_id, question_message_id or "")
    except Exception:
        log.exception("recording where answer %d was posted failed", answer_id)


async def _share(bot: NewsdeskBot, interaction: discord.Interaction, answer: Answer, answer_id: int) -> None:
    view = answer_view(answer_id, interaction.channel, private=False)
    sent = await interaction.response.send_message(
        content=f"{interaction.user.mention} shared an answer:", embed=render.answer_embed(answer), view=view
    )
    if sent.message_id is not None and interaction.channel_id is not None:  # now in public: exports hold it
        await record_posted(bot, answer_id, interaction.channel_id, sent.message_id)


async def _follow_up(bot: NewsdeskBot, interaction: discord.Interaction, answer: Answer) -> None:
    message = interaction.message
    if message is None or not isinstance(interaction.channel, discord.TextChannel):
        await interaction.response.send_message("Threads can only be started in a server text channel.", ephemeral=True)
        return
    if message.thread is not None or bot.threads.has_message(message.id):
        thread_id = bot.threads.thread_of(message.id) or message.id
        await interaction.response.send_message(f"Follow up in <#{thread_id}>.", ephemeral=True)
        return
    question = answer.question
    thread = await message.create_thread(name=render.cut(question, THREAD_NAME_CHARS))
    bot.threads.started(thread.id, message.id, question)
    await thread.send(f"Ask follow-up questions here and I'll read them with “{render.cut(question, 300)}” in mind.")
    await interaction.response.send_message(f"Started {thread.mention}.", ephemeral=True)


async def _vote(bot: NewsdeskBot, interaction: discord.Interaction, answer: Answer, answer_id: int, vote: int) -> None:
    with track("feedback", interaction.guild_id, question=False) as event:
        event.fields["vote"] = vote
        stored = await bot.library.record_feedback(
            question=answer.question, vote=vote, quotes=answer.quotes, scope=write_scope(interaction.guild_id),
            user_id=str(interaction.user.id), answer_id=answer_id,
        )
        if not stored:
            event.outcome = "refused"
            await interaction.response.send_message("You already rated this answer, thanks!", ephemeral=True)
            return
        await interaction.response.send_message(
            "Thanks, noted 👍" if vote > 0 else "Thanks, noted 👎 — this helps improve the answers.", ephemeral=True
        )


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
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[PagerView]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, _: discord.ui.Button[PagerView]) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", emoji="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[PagerView]) -> None:
        await self._turn(interaction, 1)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.index = min(max(self.index + step, 0), len(self.pages) - 1)
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)


def pager(pages: Sequence[discord.Embed]) -> PagerView | None:
    """A PagerView when there is more than one page, else None (no buttons)."""
    return PagerView(pages) if len(pages) > 1 else None
