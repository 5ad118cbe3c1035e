"""Reading: /article (with autocomplete over titles) and /sources, both paged."""
from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.views import pager
from index.events import track
from index.models import StoredArticle, read_scopes

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

CHOICES = 25


async def article_choices(bot: NewsdeskBot, scopes: tuple[str, ...], current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 articles whose title matches what the user typed (the newest when nothing yet)."""
    if current.strip():
        found = await bot.library.find_articles(current, scopes=scopes, limit=CHOICES)
    else:
        found = (await bot.library.articles(scopes=scopes))[-CHOICES:][::-1]
    return [app_commands.Choice(name=render.choice_name(a), value=str(a.id)) for a in found[:CHOICES]]


async def resolve_article(bot: NewsdeskBot, query: str, scopes: tuple[str, ...]) -> StoredArticle | None:
    """An autocomplete value (an id) or typed text (the best title match), within `scopes`."""
    query = query.strip()
    if query.isdigit():
        found = await bot.library.article(int(query), scopes=scopes)
        if found is not None:
            return found
    hits = await bot.library.find_articles(query, scopes=scopes, limit=1) if query else []
    return hits[0] if hits else None


def where(guild: discord.Guild | None) -> str:
    return f"**{discord.utils.escape_markdown(guild.name)}**" if guild else "direct messages"


class Articles(commands.Cog):
    """Look articles up and list them."""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    @app_commands.command(name="article")
    @app_commands.describe(query="Title or keywords of the article")
    async def article(self, interaction: discord.Interaction, query: str) -> None:
        """Show a stored article: title, source, date, url and its paragraphs."""
        with track("article", interaction.guild_id, question=False) as event:
            await interaction.response.defer(thinking=True)
            found = await resolve_article(self.bot, query, read_scopes(interaction.guild_id))
            if found is None:
                event.outcome = "refused"
                text = f"No stored article here matches “{render.cut(query, 200)}”. Try /sources to see them all."
                await interaction.edit_original_response(embed=render.notice_embed(text))
                return
            pages = render.article_pages(found, await self.bot.library.passages(found.id))
            await interaction.edit_original_response(embed=pages[0], view=pager(pages))

    @article.autocomplete("query")
    async def _article_query(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await article_choices(self.bot, read_scopes(interaction.guild_id), current)

    @app_commands.command(name="sources")
    async def sources(self, interaction: discord.Interaction) -> None:
        """List the articles you can ask about here."""
        with track("sources", interaction.guild_id, question=False):
            await interaction.response.defer(thinking=True)
            scopes = read_scopes(interaction.guild_id)
            found = await self.bot.library.articles(scopes=scopes)
            copies = await self.bot.library.copies([a.id for a in found], scopes)
            pages = render.sources_pages(found, where(interaction.guild), copies)
            await interaction.edit_original_response(embed=pages[0], view=pager(pages))
