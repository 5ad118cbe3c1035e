"""/timeline through the fake Discord: the first page's entries by date, Next turns the page, the undated
last; a guild's articles stay in it; bad dates and the rate limit answered privately, naming the value."""
from __future__ import annotations

import re
from typing import Any

from index.models import guild_scope
from tests.bot.chat import buttons, description, world  # noqa: F401 (world is a fixture)
from tests.fakediscord.harness import World, running_bot
from tests.fakediscord.server import EPHEMERAL
from tests.index.test_timeline import ARTICLES, TOPIC, story

WORKS = ["the deck was resurfaced", "new lamps were fitted", "the railings were painted green",
         "the toll booths were removed", "a cycle lane was marked out", "the drains were cleared"]
WEEKLY = [story(f"Harbour bridge repairs: week {n}", f"2023-0{n}-15", "HERALD",
                f"In week {n} of the harbour bridge repairs {work}, the contractor said.")
          for n, work in enumerate(WORKS, 1)]
DATES = ["2022-03-14", "2022-09-01", "2023-01-15", "2023-02-15", "2023-03-15", "2023-04-11", "2023-04-15",
         "2023-05-15", "2023-06-15", "2024-06-03", "undated"]


def dates(message: dict[str, Any]) -> list[str]:
    """Each entry's bold date (or "undated"), in the order shown."""
    return re.findall(r"^\*\*(\d{4}-\d{2}-\d{2}|undated)\*\*$", description(message), re.MULTILINE)


async def timeline(w: World, user: Any, channel: str, **options: Any) -> dict[str, Any]:
    done = await w.fake.interaction_done(await w.fake.slash(user, channel, "timeline", **options))
    assert done is not None
    return done


async def test_a_timeline_is_ordered_by_date_and_pages_with_buttons(world: World) -> None:
    await world.library.ingest_articles([*ARTICLES, *WEEKLY], scope=guild_scope(world.guild.id))
    page = await timeline(world, world.reader, world.channel, topic=TOPIC)
    embed = page["embeds"][0]
    assert embed["title"] == f"Timeline: {TOPIC}"
    assert dates(page) == DATES[:5]
    assert description(page).startswith(
        "**2022-03-14**\n> Inspectors found cracks in the deck of the harbour bridge and ordered urgent repairs.\n"
        "— [Cracks found in harbour bridge](<https://gazette.example/cracks-found-in-harbour-bridge>) · GAZETTE · ¶ 1")
    assert embed["footer"]["text"] == "12 articles, oldest first; undated last · page 1/3."  # 11 entries, one with 2 outlets
    assert buttons(page) == ["Previous", "1/3", "Next"]

    turn = await world.fake.click(world.reader, page, "Next")
    await world.fake.wait_until(lambda: turn.callbacks)
    assert turn.callbacks[0]["type"] == 7  # the same message, edited in place
    page = world.fake.messages[page["id"]]
    assert dates(page) == DATES[5:10] and buttons(page) == ["Previous", "2/3", "Next"]
    assert "Also in: TRIBUNE" in description(page)  # the wire story's second outlet, not an entry of its own
    turn = await world.fake.click(world.reader, page, "Next")
    await world.fake.wait_until(lambda: len(turn.callbacks))
    page = world.fake.messages[page["id"]]
    assert dates(page) == ["undated"] and "> Readers wrote in about the harbour bridge repairs" in description(page)

    elsewhere = await timeline(world, world.stranger, world.other_channel, topic=TOPIC)  # another guild's articles
    assert elsewhere["embeds"][0]["description"].startswith(f"No timeline for “{TOPIC}”: no stored article is about")
    assert not elsewhere.get("components")


async def test_bad_dates_are_refused_privately_naming_the_value(world: World) -> None:
    bad = await timeline(world, world.reader, world.channel, topic=TOPIC, since="last week")
    assert bad["flags"] & EPHEMERAL
    assert bad["content"] == "`since` must be a date written YYYY-MM-DD, e.g. 2024-06-18; “last week” is not."
    backwards = await timeline(world, world.reader, world.channel, topic=TOPIC, since="2024-01-02", until="2024-01-01")
    assert backwards["flags"] & EPHEMERAL and "`since` (2024-01-02) is after `until` (2024-01-01)" in backwards["content"]
    window = await timeline(world, world.reader, world.channel, topic=TOPIC, since="2030-01-01")
    assert "no stored article published then is about" in description(window)
    assert "only articles published 2030-01-01 to …" in description(window)


async def test_timelines_share_the_question_rate_limit(tmp_path, monkeypatch) -> None:
    async with running_bot(tmp_path, monkeypatch, {"NEWSDESK_RATE_LIMIT": "1"}) as w:
        assert (await timeline(w, w.reader, w.channel, topic=TOPIC))["embeds"]
        slowed = await timeline(w, w.reader, w.channel, topic=TOPIC)
        assert slowed["flags"] & EPHEMERAL and "1 questions a minute" in slowed["content"]
        assert (await timeline(w, w.editor, w.channel, topic=TOPIC))["embeds"]  # others go on
