"""/export: a research thread's questions and quoted answers, with their sources and links back to the
messages, as a Markdown (or JSON) file attached to the thread (index.export). Outside a thread,
members who manage the server may export its answers since a day (the file only they see)."""
from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.admin import allowed
from index import export as index_export
from index.answer_log import KEEP_DAYS
from index.events import Event, track
from index.models import guild_scope

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

EXPORT_BYTES = 8 * 1024 * 1024
"""The largest file attached: Discord's attachment limit (8 MB), or the interaction's when smaller."""
FORM_NAMES = {"markdown": "Markdown", "json": "JSON"}
USAGE = ("Use `/export` inside a research thread (start one with “Follow up in thread” under an answer) to get "
         "its questions and quoted answers, with their sources and links, as a file. Members with the Manage "
         "Server permission can export this server's answers since a day: `/export since:2024-06-01`.")


def size(limit: int) -> str:
    """"8 MB", or "4,096 bytes" under a megabyte."""
    return f"{limit / 1_048_576:.0f} MB" if limit >= 1_048_576 else f"{limit:,} bytes"


def note(made: index_export.Export, form: str, limit: int) -> str:
    """What the message with the file says: how many questions, and how many were left out."""
    count = len(made.answers)
    text = f"{count} question{'s' * (count != 1)} with their quoted answers and sources ({FORM_NAMES[form]})."
    if made.left_out:
        text += (f" {made.left_out} earlier answer{'s were' if made.left_out != 1 else ' was'} left out to keep the "
                 f"file under {size(limit)}; it holds the newest.")
    return text


class Exports(commands.Cog):
    """Exports of research threads."""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    @app_commands.command(name="export")
    @app_commands.guild_only()
    @app_commands.rename(form="format")
    @app_commands.describe(form="Markdown (the default) or JSON",
                           since="Outside a thread: this server's answers since this day, YYYY-MM-DD (Manage Server)")
    @app_commands.choices(form=[app_commands.Choice(name=n, value=v) for v, n in FORM_NAMES.items()])
    async def export(self, interaction: discord.Interaction, form: str = "markdown", since: str = "") -> None:
        """Attach this research thread's questions and quoted answers, with their sources, as a file."""
        with track("export", interaction.guild_id, question=False) as event:
            event.fields["format"] = form
            if since.strip():
                await self._guild(interaction, form, since.strip(), event)
            elif isinstance(interaction.channel, discord.Thread):
                await self._thread(interaction, interaction.channel, form, event)
            else:
                event.outcome = "invalid"
                await interaction.response.send_message(USAGE, ephemeral=True)

    async def _thread(self, interaction: discord.Interaction, thread: discord.Thread, form: str, event: Event) -> None:
        guild = str(interaction.guild_id or "")
        made = await index_export.thread_export(self.bot.library.store, str(thread.id), (guild_scope(guild),), guild, thread.name)
        if not made.answers:
            event.outcome = "refused"
            await interaction.response.send_message(
                "Nothing to export in this thread yet: no answers posted here are kept (answers are kept "
                f"{KEEP_DAYS} days; private ones are never exported).", ephemeral=True)
            return
        await self._attach(interaction, made, form, private=False)

    async def _guild(self, interaction: discord.Interaction, form: str, since: str, event: Event) -> None:
        if not allowed(interaction, self.bot.settings.admin_role):
            event.outcome, event.fields["reason"] = "refused", "permission"
            role = f" or the **{self.bot.settings.admin_role}** role" if self.bot.settings.admin_role else ""
            await interaction.response.send_message(
                f"Only members with the Manage Server permission{role} can export this server's answers since a day. "
                "Anyone can use `/export` inside a research thread.", ephemeral=True)
            return
        try:
            made = await index_export.guild_export(self.bot.library.store, str(interaction.guild_id or ""), since)
        except index_export.ExportError as exc:
            event.outcome = "invalid"
            await interaction.response.send_message(f"Not exported: {exc}.", ephemeral=True)
            return
        if not made.answers:
            event.outcome = "refused"
            await interaction.response.send_message(f"Nothing to export: {index_export.empty_reason(made)}.", ephemeral=True)
            return
        await self._attach(interaction, made, form, private=True)

    async def _attach(self, interaction: discord.Interaction, made: index_export.Export, form: str, *, private: bool) -> None:
        """Reply with the file (cut to the newest answers that fit); only the member sees it when `private`."""
        await interaction.response.defer(ephemeral=private, thinking=True)
        limit = min(EXPORT_BYTES, interaction.filesize_limit or EXPORT_BYTES)
        data, fitted = await asyncio.to_thread(index_export.fit, made, form, limit)
        file = discord.File(io.BytesIO(data), filename=index_export.filename(fitted, form))
        await interaction.edit_original_response(content=note(fitted, form, limit), attachments=[file])
