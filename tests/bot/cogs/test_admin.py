"""/ingest and /forget: who may use them, what they store or remove (through the fake Discord), what they say."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot import render
from bot.cogs.admin import summary
from index.models import IngestResult
from tests.bot.chat import description, ingest, world  # noqa: F401 (world is a fixture)
from tests.conftest import ROOT
from tests.fakediscord.harness import World
from tests.fakediscord.server import EPHEMERAL


async def test_ingest_is_refused_without_manage_server(world: World) -> None:
    attachment = world.fake.add_attachment("notes.txt", b"Secret title\n\nThe lighthouse keeper retired.")
    ix = await world.fake.slash(world.reader, world.channel, "ingest", file=attachment)
    refusal = await world.fake.interaction_done(ix)
    assert refusal["flags"] & EPHEMERAL
    assert "Manage Server" in refusal["content"] and "Editors" in refusal["content"]
    assert await world.library.articles(scopes=(f"guild:{world.guild.id}",)) == []


@pytest.mark.parametrize("who", ["admin", "editor"])
async def test_ingest_is_accepted_for_manage_server_or_the_configured_role(world: World, who: str) -> None:
    done = await ingest(world, getattr(world, who), world.channel, "lighthouse.txt",
                        "Lighthouse keeper retires\n\nThe lighthouse keeper retired after forty years.")
    assert done["flags"] & EPHEMERAL
    assert "added “Lighthouse keeper retires”" in description(done)
    stored = await world.library.articles(scopes=(f"guild:{world.guild.id}",))
    assert [a.title for a in stored] == ["Lighthouse keeper retires"]


async def test_ingest_says_how_many_paragraphs_cleaning_dropped(world: World) -> None:
    scraped = (ROOT / "tests" / "fixtures" / "scraped" / "ferry-strike.txt").read_text()
    done = await ingest(world, world.admin, world.channel, "ferry-strike.txt", scraped)
    lines = description(done).splitlines()
    assert lines[0] == "✓ added “Ferry strike ends after nine days of talks” (#2, 4 passages)"
    assert lines[-1] == (
        "Dropped 8 paragraphs that carry no content: 2 photo captions and credits, 1 ad, 1 byline or credit, "
        "1 lone dateline, 1 newsletter or subscription promo, 1 sign-off, 1 share or follow button."
    )
    clean = await ingest(world, world.admin, world.channel, "lighthouse.txt",
                         "Lighthouse keeper retires\n\nThe lighthouse keeper retired after forty years.")
    assert "no content" not in description(clean)


async def test_forget_removes_an_article_of_this_guild(world: World) -> None:
    await ingest(world, world.admin, world.channel, "lighthouse.txt",
                 "Lighthouse keeper retires\n\nThe lighthouse keeper retired after forty years.")
    choices = await world.fake.autocomplete(world.admin, world.channel, "forget", "article", article="Light")
    assert [c["name"] for c in choices] == ["Lighthouse keeper retires"]
    shipped = await world.fake.autocomplete(world.admin, world.channel, "forget", "article", article="Putin")
    assert shipped == []  # shipped articles can't be forgotten from a guild
    ix = await world.fake.slash(world.admin, world.channel, "forget", article=choices[0]["value"])
    assert "Removed “Lighthouse keeper retires”" in (await world.fake.interaction_done(ix))["content"]
    assert ix.callbacks[0]["type"] == 5
    assert await world.library.articles(scopes=(f"guild:{world.guild.id}",)) == []


async def test_ingest_needs_exactly_one_http_url_or_file(world: World) -> None:
    ix = await world.fake.slash(world.admin, world.channel, "ingest")
    assert "either a file or a url" in (await world.fake.interaction_done(ix))["content"]
    ix = await world.fake.slash(world.admin, world.channel, "ingest", url="ftp://example.com/a")
    assert "not an http(s) address" in description(await world.fake.interaction_done(ix))
    bad = world.fake.add_attachment("photo.png", b"\x89PNG")
    ix = await world.fake.slash(world.admin, world.channel, "ingest", file=bad)
    assert "send one of: .txt, .md, .html" in (await world.fake.interaction_done(ix))["content"]


def test_an_ingest_summary_is_one_escaped_line_per_article_within_discords_limit() -> None:
    results = [IngestResult("added", "a.txt", title="Bridge *reopens*", article_id=4, passages=5),
               IngestResult("unchanged", "b.txt", title="Old news", article_id=2, passages=3),
               IngestResult("rejected", "photo_1.png", reason="not a text file (*.png*)")]
    assert summary(results).splitlines() == [
        "✓ added “Bridge \\*reopens\\*” (#4, 5 passages)",
        "✓ unchanged “Old news” (#2, 3 passages)",
        "✗ photo\\_1.png: not a text file (\\*.png\\*)",
    ]
    assert summary([]) == "Nothing was found to add."
    many = [IngestResult("added", f"{n}.txt", title="t" * 300, article_id=n, passages=1) for n in range(200)]
    assert len(summary(many)) <= render.DESCRIPTION_CHARS
    noisy = [replace(r, dropped=(("caption", 2), ("social", 1))) for r in many]
    assert len(summary(noisy)) <= render.DESCRIPTION_CHARS
    assert summary(noisy).endswith("\n\nDropped 600 paragraphs that carry no content: "
                                   "400 photo captions and credits, 200 share and follow buttons.")
