"""/article (autocomplete, pages with buttons) and /sources, through the fake Discord; finding an article
by id or title within a guild's scopes."""
from __future__ import annotations

from types import SimpleNamespace

from bot.cogs.articles import article_choices, resolve_article
from index.library import Library
from index.models import Article
from tests.bot.chat import buttons, description, ingest, world  # noqa: F401 (world is a fixture)
from tests.conftest import SHIPPED
from tests.fakediscord.harness import World


async def test_article_autocomplete_and_paging_buttons(world: World) -> None:
    paragraphs = [f"Paragraph {n} of the harbour report. " + "The ferries kept running on time. " * 12
                  for n in range(1, 31)]
    await ingest(world, world.admin, world.channel, "harbour.md", "# Harbour report\n\n" + "\n\n".join(paragraphs))

    choices = await world.fake.autocomplete(world.reader, world.channel, "article", "query", query="Harbour")
    assert [c["name"] for c in choices] == ["Harbour report"]
    ix = await world.fake.slash(world.reader, world.channel, "article", query=choices[0]["value"])
    page = await world.fake.interaction_done(ix)
    embed = page["embeds"][0]
    assert embed["title"] == "Harbour report"
    assert "**¶ 1** Paragraph 1 of the harbour report." in embed["description"]
    total = int(embed["footer"]["text"].rsplit("/", 1)[1])
    assert total >= 3 and embed["footer"]["text"].endswith(f"page 1/{total}")
    assert buttons(page) == ["Previous", f"1/{total}", "Next"]

    turn = await world.fake.click(world.reader, page, "Next")
    await world.fake.wait_until(lambda: turn.callbacks)
    assert turn.callbacks[0]["type"] == 7  # the same message, edited in place
    page = world.fake.messages[page["id"]]
    assert page["embeds"][0]["footer"]["text"].endswith(f"page 2/{total}")
    assert "**¶ 1**" not in page["embeds"][0]["description"]
    assert buttons(page) == ["Previous", f"2/{total}", "Next"]


async def test_sources_lists_the_shipped_article(world: World) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "sources")
    listing = await world.fake.interaction_done(ix)
    assert "Putin's Visit to North Korea After 24 Years" in description(listing)
    assert "shipped" in description(listing)


async def test_an_article_is_found_by_its_id_or_title_within_the_guilds_scopes(library: Library) -> None:
    await library.ingest_paths([SHIPPED])
    [harbour] = await library.ingest_articles(
        [Article("Harbour reopens", ("The harbour reopened on Monday after the storm.",))], scope="guild:1")
    bot = SimpleNamespace(library=library)  # all the cog's look-ups need
    guild_1, guild_2 = ("", "guild:1"), ("", "guild:2")

    assert (await resolve_article(bot, str(harbour.article_id), guild_1)).title == "Harbour reopens"  # type: ignore[arg-type, union-attr]
    assert (await resolve_article(bot, " harbour ", guild_1)).title == "Harbour reopens"  # type: ignore[arg-type, union-attr]
    elsewhere = await resolve_article(bot, str(harbour.article_id), guild_2)  # type: ignore[arg-type]
    assert getattr(elsewhere, "title", None) != "Harbour reopens"  # the id is then looked for in the titles
    assert await resolve_article(bot, "harbour", guild_2) is None  # type: ignore[arg-type]
    assert await resolve_article(bot, "  ", guild_1) is None  # type: ignore[arg-type]

    newest_first = await article_choices(bot, guild_1, "")  # type: ignore[arg-type]
    assert [c.name for c in newest_first] == ["Harbour reopens", "Putin's Visit to North Korea After 24 Years — ALJAZEERA"]
    assert [c.value for c in await article_choices(bot, guild_2, "visit")] != []  # type: ignore[arg-type]
    assert await article_choices(bot, guild_2, "harbour") == []  # type: ignore[arg-type]


async def test_a_wire_copy_uploaded_later_is_linked_and_both_outlets_are_shown(world: World) -> None:
    """Through the fake Discord: two outlets' copies of one story, uploaded one after the other."""
    from tests.index.test_wire import AP, REUTERS

    def upload(article: Article) -> str:
        front = f"---\ntitle: {article.title}\nsource: {article.source}\nurl: {article.url}\n---\n"
        return front + "\n\n".join(article.paragraphs)

    await ingest(world, world.admin, world.channel, "ap.md", upload(AP))
    said = description(await ingest(world, world.admin, world.channel, "reuters.md", upload(REUTERS)))
    [ap] = [a for a in await world.library.articles(("guild:" + world.guild.id,)) if a.source == "AP"]
    assert f"; same story as #{ap.id})" in said

    ix = await world.fake.slash(world.reader, world.channel, "sources")
    listing = description(await world.fake.interaction_done(ix))
    assert "· added here · also: Reuters" in listing and "· added here · also: AP" in listing

    ix = await world.fake.slash(world.reader, world.channel, "ask",
                                question="Where will the next round of high seas talks take place?")
    answer = description(await world.fake.interaction_done(ix))
    assert "New York in February" in answer and ("Also in: Reuters" in answer or "Also in: AP" in answer)

    ix = await world.fake.slash(world.stranger, world.other_channel, "sources")  # the other guild: neither
    assert "also:" not in description(await world.fake.interaction_done(ix))
