"""Changing a guild's articles: /ingest and /forget, for Manage Server or the configured role."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.access import may_manage, refusal_for_manage
from bot.cogs.articles import article_choices
from index.boilerplate import dropped_in, dropped_summary
from index.errors import NewsdeskError
from index.events import Event, track
from index.metrics import observe_ingest
from index.models import IngestResult, guild_scope
from index.webingest import ingest_url

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)
SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def allowed(interaction: discord.Interaction, admin_role: str) -> bool:
    """Checked here, server-side, whatever Discord shows the member."""
    perms = interaction.permissions
    roles = [(r.id, r.name) for r in getattr(interaction.user, "roles", [])]
    return may_manage(manage_guild=perms.manage_guild, administrator=perms.administrator,
                      roles=roles, admin_role=admin_role)


async def refused_unless_manager(
    interaction: discord.Interaction, admin_role: str, event: Event, what: str = "articles"
) -> bool:
    """Refuse (ephemerally, logged as a permission refusal) a member who may not manage `what`."""
    if allowed(interaction, admin_role):
        return False
    event.outcome, event.fields["reason"] = "refused", "permission"
    await interaction.response.send_message(refusal_for_manage(admin_role, what), ephemeral=True)
    return True


def summary(results: Sequence[IngestResult]) -> str:
    """One line per article: added, unchanged, replaced or rejected (with the reason) and the stored
    articles it was linked to as the same story (index.wire); then, when cleaning dropped paragraphs,
    how many and why (the line `newsdesk ingest` prints)."""
    lines = []
    for result in results:
        name = discord.utils.escape_markdown(render.cut(result.title or result.origin, 150))
        if result.status == "rejected":
            lines.append(f"✗ {name}: {discord.utils.escape_markdown(result.reason)}")
        else:
            same = "; same story as " + ", ".join(f"#{i}" for i in result.copies) if result.copies else ""
            lines.append(f"✓ {result.status} “{name}” (#{result.article_id}, {result.passages} passages{same})")
    dropped = dropped_summary(dropped_in(results))
    tail = f"\n\n{render.cut(dropped[:1].upper() + dropped[1:] + '.', 1000)}" if dropped else ""
    return render.cut("\n".join(lines) or "Nothing was found to add.", render.DESCRIPTION_CHARS - len(tail)) + tail


class Admin(commands.Cog):
    """Add and remove this server's own articles."""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    @app_commands.command(name="ingest")
    @app_commands.guild_only()
    @app_commands.describe(file="A .txt, .md or .html article", url="The address of an article page or feed")
    async def ingest(self, interaction: discord.Interaction, file: discord.Attachment | None = None,
                     url: str | None = None) -> None:
        """Add an article to this server's library (Manage Server)."""
        with track("ingest", interaction.guild_id, question=False) as event:
            await self._ingest(interaction, file, url, event)

    async def _ingest(self, interaction: discord.Interaction, file: discord.Attachment | None,
                      url: str | None, event: Event) -> None:
        if await refused_unless_manager(interaction, self.bot.settings.admin_role, event):
            return
        problem = "Give either a file or a url (one of them)." if (file is None) == (url is None) else None
        if file is not None and problem is None:
            problem = self._file_problem(file)
        if problem:
            event.outcome = "invalid"
            await interaction.response.send_message(problem, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        scope = guild_scope(interaction.guild_id or 0)
        try:
            if file is not None:
                results = await self.bot.library.ingest_bytes(file.filename, await file.read(), scope=scope)
            else:
                results = await self._ingest_url((url or "").strip(), scope)
        except NewsdeskError as exc:
            event.outcome = "invalid"
            await interaction.edit_original_response(content=render.cut(str(exc), render.MESSAGE_CHARS))
            return
        observe_ingest(results)
        rejected = sum(r.status == "rejected" for r in results)
        event.fields.update(articles=len(results) - rejected, rejected=rejected)
        if results and rejected == len(results):
            event.outcome = "invalid"
        await interaction.edit_original_response(embed=render.notice_embed(summary(results)))

    def _file_problem(self, file: discord.Attachment) -> str | None:
        if PurePath(file.filename).suffix.lower() not in SUFFIXES:
            return f"“{file.filename}” is not an article file; send one of: {', '.join(SUFFIXES)}."
        if file.size > MAX_UPLOAD_BYTES:
            return f"“{file.filename}” is {file.size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}."
        return None

    async def _ingest_url(self, url: str, scope: str) -> list[IngestResult]:
        if not url.startswith(("http://", "https://")):
            return [IngestResult.rejected(url, "not an http(s) address")]
        return await ingest_url(self.bot.library, url, scope, self.bot.fetch)

    @app_commands.command(name="forget")
    @app_commands.guild_only()
    @app_commands.describe(article="An article added in this server")
    async def forget(self, interaction: discord.Interaction, article: str) -> None:
        """Remove an article this server added (Manage Server)."""
        with track("forget", interaction.guild_id, question=False) as event:
            await self._forget(interaction, article, event)

    async def _forget(self, interaction: discord.Interaction, article: str, event: Event) -> None:
        if await refused_unless_manager(interaction, self.bot.settings.admin_role, event):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # removing rewrites the index
        scope = guild_scope(interaction.guild_id or 0)
        found = await self.bot.library.article(int(article), scopes=(scope,)) if article.isdigit() else None
        if found is None:
            hits = await self.bot.library.find_articles(article, scopes=(scope,), limit=1)
            found = hits[0] if hits else None
        if found is None or not await self.bot.library.forget(found.id, scope=scope):
            event.outcome = "refused"
            await interaction.edit_original_response(
                content=f"No article added in this server matches “{render.cut(article, 200)}”. "
                "Shipped articles can't be removed.")
            return
        title = discord.utils.escape_markdown(render.cut(found.title, 200))
        await interaction.edit_original_response(content=f"Removed “{title}” (#{found.id}).")

    @forget.autocomplete("article")
    async def _forget_article(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return await article_choices(self.bot, (guild_scope(interaction.guild_id),), current)
