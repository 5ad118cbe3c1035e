"""Questions: @mentions, /ask, and follow-ups in research threads the bot started."""
from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.access import question_problem, range_problem
from bot.ratelimit import slow_down
from bot.views import answer_view, record_posted
from index.errors import NewsdeskError
from index.events import Event, track
from index.models import Answer, read_scopes, write_scope

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)


class Questions(commands.Cog):
    """Answers questions with quotes from the stored articles."""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    # ---- shared -------------------------------------------------------------------------

    def _refusal(self, user_id: int, question: str) -> tuple[str, str] | None:
        """Why this question is not answered now: (outcome, text) when too long or too fast; else None."""
        problem = question_problem(question, self.bot.settings.max_question_chars)
        if problem:
            return "invalid", problem
        wait = self.bot.limiter.hit(user_id)
        if wait:
            return "refused", slow_down(wait, self.bot.limiter.per_minute)
        return None

    def _command(self, message: discord.Message) -> str:
        """How a message question arrived, for the event log: thread, dm or mention."""
        if self._bot_thread(message.channel) is not None:
            return "thread"
        return "dm" if isinstance(message.channel, discord.DMChannel) else "mention"

    def _bot_thread(self, channel: object) -> discord.Thread | None:
        user = self.bot.user
        if isinstance(channel, discord.Thread) and user is not None and channel.owner_id == user.id:
            return channel
        return None

    async def _answer(self, question: str, guild_id: int | None, channel: object, now: datetime,
                      since: str = "", until: str = "") -> Answer:
        """Ask the library (dates in the question count from `now`, when it was asked); inside a
        bot thread, with the thread's previous question as context."""
        thread = self._bot_thread(channel)
        context = self.bot.threads.previous(thread.id, thread.name) if thread else ""
        dates = {key: value for key, value in (("since", since), ("until", until)) if value}
        answer = await self.bot.library.ask(question, scopes=read_scopes(guild_id), context=context, now=now, **dates)
        if thread is not None:
            self.bot.threads.asked(thread.id, question)
        return answer

    # ---- @mention and thread messages ---------------------------------------------------

    def _question_in(self, message: discord.Message) -> str | None:
        """The question in a message for the bot (a mention, a DM, a message in its thread), else None."""
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        mentioned = me in message.mentions
        direct = isinstance(message.channel, discord.DMChannel)
        if not mentioned and not direct and self._bot_thread(message.channel) is None:
            return None
        if not mentioned and message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return None
        return re.sub(rf"<@!?{me.id}>", " ", message.content).strip()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        question = self._question_in(message)
        if question is None:
            return
        guild_id = message.guild.id if message.guild else None
        with track(self._command(message), guild_id) as event:
            await self._reply(message, question, event)

    async def _reply(self, message: discord.Message, question: str, event: Event) -> None:
        refusal = self._refusal(message.author.id, question)
        if refusal:
            event.outcome = refusal[0]
            await message.reply(refusal[1])
            return
        try:
            async with message.channel.typing():
                answer = await self._answer(
                    question, message.guild.id if message.guild else None, message.channel, message.created_at
                )
        except NewsdeskError as exc:
            event.outcome = "invalid"
            await message.reply(render.cut(str(exc), render.MESSAGE_CHARS))
            return
        except Exception as exc:
            event.outcome, event.fields["error"] = "error", type(exc).__name__
            log.exception("answering %r failed", question)
            await message.reply("Sorry, something went wrong while searching. Please try again later.")
            return
        event.answer = answer
        answer_id, view = await self._view(answer, message.guild.id if message.guild else None, message.channel,
                                           private=False)
        sent = await message.reply(embed=render.answer_embed(answer), view=view)
        await record_posted(self.bot, answer_id, sent.channel.id, sent.id, message.id)

    async def _view(self, answer: Answer, guild_id: int | None, channel: object, *,
                    private: bool) -> tuple[int, discord.ui.View]:
        """The kept answer's id and its buttons (keeping it first, so they outlive a restart)."""
        answer_id = await self.bot.library.keep_answer(answer, write_scope(guild_id))
        return answer_id, answer_view(answer_id, channel, private=private)

    # ---- /ask ---------------------------------------------------------------------------

    @app_commands.command(name="ask")
    @app_commands.describe(question="What you want to know", private="Only you see the answer (you can share it)",
                           since="Only articles published on or after this day (YYYY-MM-DD)",
                           until="Only articles published on or before this day (YYYY-MM-DD)")
    async def ask(self, interaction: discord.Interaction, question: str, private: bool = False,
                  since: str = "", until: str = "") -> None:
        """Ask a question; the answer quotes the stored news articles."""
        with track("ask", interaction.guild_id) as event:
            bad_dates = range_problem(since, until)
            refusal = ("invalid", bad_dates) if bad_dates else self._refusal(interaction.user.id, question)
            if refusal:
                event.outcome = refusal[0]
                await interaction.response.send_message(refusal[1], ephemeral=True)
                return
            await interaction.response.defer(ephemeral=private, thinking=True)
            try:
                answer = await self._answer(question.strip(), interaction.guild_id, interaction.channel,
                                            interaction.created_at, since.strip(), until.strip())
            except NewsdeskError as exc:
                event.outcome = "invalid"
                await interaction.edit_original_response(content=render.cut(str(exc), render.MESSAGE_CHARS))
                return
            event.answer = answer
            answer_id, view = await self._view(answer, interaction.guild_id, interaction.channel, private=private)
            sent = await interaction.edit_original_response(embed=render.answer_embed(answer), view=view)
            if not private:  # a private answer is recorded (and exported) only once shared
                await record_posted(self.bot, answer_id, sent.channel.id, sent.id)
