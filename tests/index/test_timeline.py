"""Timelines (index.timeline) on a small library of dated articles with the hash embedder: one verbatim
quote per article about the topic, oldest first, undated last, since/until at both ends, unrelated
articles and other guilds' left out, wire copies collapsed into one entry."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from index.embed import HashEmbedder
from index.errors import BadQuestion
from index.library import Library
from index.models import Article, guild_scope
from index.timeline import VAGUE
from tests.conftest import settings_for

TOPIC = "harbour bridge repairs"


def story(title: str, published: str, source: str, *paragraphs: str) -> Article:
    slug = title.lower().replace(" ", "-")
    return Article(title, paragraphs, source=source, url=f"https://{source.lower()}.example/{slug}", published=published)


WIRE = ("Engineers began replacing the rusted suspension cables of the harbour bridge on Tuesday, "
        "the first of forty-two cables to be swapped during the harbour bridge repairs.")
ARTICLES = [  # stored out of date order on purpose
    story("Harbour bridge reopens", "2024-06-03", "HERALD",
          "The harbour bridge reopened on Monday after two years of repairs.",
          "Traffic returned to the harbour bridge by noon, the city said."),
    story("Cracks found in harbour bridge", "2022-03-14", "GAZETTE",
          "Inspectors found cracks in the deck of the harbour bridge and ordered urgent repairs.",
          "The council will close the bridge to lorries while the damage is assessed."),
    story("Harbour bridge closes for repairs", "2022-09-01T08:30:00+00:00", "HERALD",
          "The harbour bridge closed to all traffic today so that the repairs can begin.",
          "Ferries will carry commuters across the harbour until the bridge reopens."),
    story("Cable work starts on harbour bridge", "2023-04-11", "WIRE",
          WIRE, "The cables came from a foundry in Sheffield."),
    story("Bridge cables replaced", "2023-04-12", "TRIBUNE",  # the same wire story a day later
          WIRE, "Local businesses said the works had cost them customers."),
    story("Letters: the harbour bridge repairs", "", "GAZETTE",
          "Readers wrote in about the harbour bridge repairs, most of them asking why they took so long."),
    story("Bakery wins prize", "2023-01-20", "GAZETTE",
          "A village bakery won the national bread prize for its sourdough.",
          "The baker said the secret was patience and a very old starter."),
    story("Fish market moves", "2023-02-02", "HERALD",
          "The fish market moved to a new hall on the harbour quay after the council sold the old site.",
          "Stallholders said trade was brisk on the first morning."),
]
ELSEWHERE = story("Harbour bridge repairs overrun", "2023-08-30", "LOCAL",
                  "The harbour bridge repairs will overrun by six months, the contractor admitted.")


@pytest.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    async with Library(settings_for(tmp_path / "home"), embedder=HashEmbedder()) as opened:
        await opened.ingest_articles(ARTICLES)
        await opened.ingest_articles([ELSEWHERE], scope=guild_scope(2))
        yield opened


def titles(found: object) -> list[str]:
    return [e.quote.title for e in found.entries]  # type: ignore[attr-defined]


async def test_one_quote_per_article_about_the_topic_oldest_first_undated_last(lib: Library) -> None:
    found = await lib.timeline(TOPIC)
    assert titles(found) == ["Cracks found in harbour bridge", "Harbour bridge closes for repairs",
                             "Cable work starts on harbour bridge", "Harbour bridge reopens",
                             "Letters: the harbour bridge repairs"]
    assert [e.day for e in found.entries] == ["2022-03-14", "2022-09-01", "2023-04-11", "2024-06-03", ""]
    assert [e.undated for e in found.entries] == [False, False, False, False, True]
    assert len(found.dated) == 4 and [e.quote.title for e in found.undated] == ["Letters: the harbour bridge repairs"]
    assert found.reason == "" and found.searched == len(ARTICLES) and found.more == 0
    stored = {a.title: a for a in await lib.articles()}
    for entry in found.entries:  # each quote is its article's text, verbatim, with where it came from
        quote = entry.quote
        paragraphs = [p.text for p in await lib.passages(quote.article_id)]
        assert quote.text in paragraphs[quote.paragraph - 1] or quote.text in "\n\n".join(paragraphs)
        article = stored[quote.title]
        assert (quote.source, quote.url, quote.published) == (article.source, article.url, article.published)
    assert "cracks in the deck of the harbour bridge" in found.entries[0].quote.text


async def test_wire_copies_are_one_entry_naming_the_other_outlet(lib: Library) -> None:
    found = await lib.timeline(TOPIC)
    [cables] = [e for e in found.entries if "suspension cables" in e.quote.text]
    assert (cables.quote.source, cables.day) == ("WIRE", "2023-04-11")  # the earliest copy is quoted
    assert [(a["source"], a["title"], a["published"]) for a in cables.quote.also_in] == [
        ("TRIBUNE", "Bridge cables replaced", "2023-04-12")]


async def test_since_and_until_keep_only_articles_published_then(lib: Library) -> None:
    later = await lib.timeline(TOPIC, since="2022-09-01")
    assert titles(later) == ["Harbour bridge closes for repairs", "Cable work starts on harbour bridge",
                             "Harbour bridge reopens"]  # the first day included; undated left out
    earlier = await lib.timeline(TOPIC, until="2023-04-11")
    assert titles(earlier) == ["Cracks found in harbour bridge", "Harbour bridge closes for repairs",
                               "Cable work starts on harbour bridge"]  # the last day included
    assert earlier.entries[-1].quote.also_in == []  # its copy of 2023-04-12 is outside
    both = await lib.timeline(TOPIC, since="2022-06-01", until="2023-12-31")
    assert titles(both) == ["Harbour bridge closes for repairs", "Cable work starts on harbour bridge"]
    assert both.window == "only articles published 2022-06-01 to 2023-12-31"
    with pytest.raises(BadQuestion, match="since must be a date written YYYY-MM-DD.*“June” is not"):
        await lib.timeline(TOPIC, since="June")


async def test_a_guild_sees_its_own_articles_and_no_other_guilds(lib: Library) -> None:
    assert "Harbour bridge repairs overrun" in titles(await lib.timeline(TOPIC, ("", guild_scope(2))))
    assert "Harbour bridge repairs overrun" not in titles(await lib.timeline(TOPIC, ("", guild_scope(3))))


async def test_nothing_about_the_topic_or_a_vague_topic_is_an_empty_timeline_with_a_reason(lib: Library) -> None:
    none = await lib.timeline("volcano eruption")
    assert none.entries == [] and none.reason == "no stored article is about “volcano eruption”"
    window = await lib.timeline(TOPIC, since="2030-01-01")
    assert window.entries == [] and window.reason == f"no stored article published then is about “{TOPIC}”"
    vague = await lib.timeline("what about the")
    assert vague.entries == [] and vague.reason == VAGUE
    with pytest.raises(BadQuestion, match="^the topic is empty; name a person, place, organisation or event$"):
        await lib.timeline("   ")
    with pytest.raises(BadQuestion, match="^the topic is 799 characters long; the limit is 500$"):
        await lib.timeline("pier " * 160)


async def test_the_limit_keeps_the_most_relevant_and_counts_the_rest(lib: Library) -> None:
    found = await lib.timeline(TOPIC, limit=2)
    assert 1 <= len(found.entries) <= 2 and found.more == 4  # six articles (the two wire copies one entry)
    assert [e.undated for e in found.entries] == sorted(e.undated for e in found.entries)  # undated last


async def test_an_article_is_quoted_from_a_sentence_not_from_a_subhead_naming_the_topic(lib: Library) -> None:
    await lib.ingest_articles([story("Live updates", "2023-05-05", "DAILY", "Harbour bridge repairs",
                                     "What about the harbour bridge repairs?",
                                     "Welders worked through the night on the harbour bridge repairs, the council said.")],
                              scope=guild_scope(5))
    found = await lib.timeline(TOPIC, ("", guild_scope(5)))
    [live] = [e for e in found.entries if e.quote.title == "Live updates"]
    assert (live.quote.text, live.quote.paragraph) == (
        "Welders worked through the night on the harbour bridge repairs, the council said.", 3)
