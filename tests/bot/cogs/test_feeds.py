"""/ingest url, /feeds and scheduled feed polls, /ask date filters: through the fake Discord, with a
local news site on 127.0.0.1 (allowed by NEWSDESK_FETCH_ALLOW where a test needs it)."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.cogs.feeds import feed_choice, feed_line
from index.webingest import Subscription, add_feed
from tests.fakediscord.harness import World, restart, running_bot
from tests.fakediscord.server import EPHEMERAL
from tests.webfixtures import EXTRA_ITEM, Site, site  # noqa: F401 (site is a fixture)

LOCAL = {"NEWSDESK_FETCH_ALLOW": "127.0.0.1", "NEWSDESK_FETCH_TIMEOUT": "5"}
BRIDGE = "Harbour bridge reopens after repairs"
CABLES = "How many suspension cables did the engineers replace?"


@pytest.fixture
async def world(tmp_path, monkeypatch) -> AsyncIterator[World]:
    """The bot with default fetch settings: nothing private is fetched."""
    async with running_bot(tmp_path, monkeypatch) as w:
        yield w


@pytest.fixture
async def local(tmp_path, monkeypatch) -> AsyncIterator[World]:
    """The bot allowed to fetch from 127.0.0.1 (the local news site)."""
    async with running_bot(tmp_path, monkeypatch, LOCAL) as w:
        yield w


def mention(w: World, text: str) -> str:
    return f"<@{w.fake.bot.id}> {text}"


async def ask(w: World, channel: str, user: Any, text: str) -> dict[str, Any]:
    asked = await w.fake.user_says(channel, user, mention(w, text))

    def replies() -> list[dict[str, Any]]:
        return [m for m in w.fake.channel_messages(channel)
                if str((m.get("message_reference") or {}).get("message_id")) == asked["id"]]
    return (await w.fake.wait_until(replies))[0]


async def run(w: World, user: Any, channel: str, command: str, **options: Any) -> dict[str, Any]:
    """`user` runs /command with `options`; the message the bot finally answered with."""
    return await w.fake.interaction_done(await w.fake.slash(user, channel, command, **options))


def text(message: dict[str, Any]) -> str:
    return message.get("content", "") + "".join(e.get("description", "") for e in message.get("embeds", []))


async def announcements(w: World, channel: str, count: int = 1) -> list[dict[str, Any]]:
    """The bot's announcements (plain messages, not replies) in `channel`, once there are `count`."""
    def found() -> list[dict[str, Any]] | None:
        posted = [m for m in w.fake.channel_messages(channel) if "New from" in m.get("content", "")]
        return posted if len(posted) >= count else None
    return await w.fake.wait_until(found)


# ---- /ingest url ----------------------------------------------------------------------


async def test_ingest_url_stores_the_page_for_this_guild_only(local: World, site: Site) -> None:
    done = await run(local, local.admin, local.channel, "ingest", url=site.url("news_page.html"))
    assert done["flags"] & EPHEMERAL
    assert f"added “{BRIDGE}”" in text(done)

    here = await ask(local, local.channel, local.reader, CABLES)
    assert "forty-two suspension cables" in text(here)
    there = await ask(local, local.other_channel, local.stranger, CABLES)
    assert "forty-two" not in str(there["embeds"]) and BRIDGE not in str(there["embeds"])


async def test_ingest_url_refuses_a_private_address_by_default(world: World) -> None:
    refused = await run(world, world.admin, world.channel, "ingest", url="http://10.0.0.1/")
    assert refused["flags"] & EPHEMERAL
    assert "✗ http://10.0.0.1/: refused address: 10.0.0.1 is not a public address" in text(refused)
    assert await world.library.articles(scopes=(f"guild:{world.guild.id}",)) == []


async def test_ingest_url_refuses_the_local_site_without_the_allow_setting(world: World, site: Site) -> None:
    refused = await run(world, world.admin, world.channel, "ingest", url=site.url("news_page.html"))
    assert "refused address: 127.0.0.1 is not a public address" in text(refused)
    assert site.hits == []


# ---- /feeds ---------------------------------------------------------------------------


async def test_feeds_add_list_remove_per_guild(local: World, site: Site) -> None:
    feed_url = site.url("feed.rss")
    refusal = await run(local, local.reader, local.channel, "feeds add", url=feed_url)
    assert refusal["flags"] & EPHEMERAL and "can add or remove feeds" in refusal["content"]

    news = local.guild.channels["news"]
    added = await run(local, local.editor, local.channel, "feeds add", url=feed_url, announce=news)
    assert added["flags"] & EPHEMERAL
    assert "Following **Coastline Courier** (feed 1)" in added["content"] and f"<#{news}>" in added["content"]

    [posted] = await announcements(local, news)  # the feed's items, fetched at once
    assert "New from **Coastline Courier**" in posted["content"]
    assert BRIDGE in posted["content"] and "Library extends opening hours" in posted["content"]
    assert "forty-two suspension cables" in text(await ask(local, local.channel, local.reader, CABLES))

    listing = await run(local, local.reader, local.channel, "feeds list")
    assert listing["flags"] & EPHEMERAL
    assert "[1] Coastline Courier" in text(listing) and feed_url in text(listing)
    assert f"announced in <#{news}>" in text(listing)
    elsewhere = await run(local, local.stranger, local.other_channel, "feeds list")
    assert "follows no feeds" in text(elsewhere)
    assert await local.fake.autocomplete(local.stranger, local.other_channel, "feeds remove", "feed", feed="") == []
    gone = await run(local, local.stranger, local.other_channel, "feeds remove", feed="1")
    assert "follows no feed “1”" in gone["content"]

    choices = await local.fake.autocomplete(local.admin, local.channel, "feeds remove", "feed", feed="Coast")
    assert [c["value"] for c in choices] == ["1"] and choices[0]["name"].startswith("Coastline Courier")
    removed = await run(local, local.admin, local.channel, "feeds remove", feed="1")
    assert "No longer following **Coastline Courier** (feed 1)" in removed["content"]
    assert "follows no feeds" in text(await run(local, local.reader, local.channel, "feeds list"))
    assert "forty-two suspension cables" in text(await ask(local, local.channel, local.reader, CABLES))


async def test_feeds_add_names_what_is_wrong_with_the_url(local: World, site: Site) -> None:
    page = await run(local, local.admin, local.channel, "feeds add", url=site.url("news_page.html"))
    assert "Could not follow" in page["content"] and "unsupported content type 'text/html'" in page["content"]
    private = await run(local, local.admin, local.channel, "feeds add", url="http://10.0.0.1/feed")
    assert "refused address: 10.0.0.1 is not a public address" in private["content"]
    assert "follows no feeds" in text(await run(local, local.admin, local.channel, "feeds list"))


async def test_the_schedule_polls_feeds_and_announces_new_items_pinging_no_one(
    tmp_path, monkeypatch, site: Site
) -> None:
    async with running_bot(tmp_path, monkeypatch, {**LOCAL, "NEWSDESK_FEED_POLL_MINUTES": "0.005"}) as w:
        news = w.guild.channels["news"]
        await run(w, w.admin, w.channel, "feeds add", url=site.url("feed.rss"), announce=news)
        await announcements(w, news)
        site.extra_items.append(EXTRA_ITEM.format(base=site.base))
        second = (await announcements(w, news, 2))[1]  # nobody asked: the schedule polled
        assert "Glacier retreat doubles in a decade" in second["content"] and BRIDGE not in second["content"]
        for call in w.fake.message_sends():
            if "New from" in str(call.body):
                assert call.body["allowed_mentions"]["parse"] == [], call


async def test_a_feed_s_announce_channel_is_kept_in_the_library_not_in_the_home_folder(
    local: World, site: Site
) -> None:
    news = local.guild.channels["news"]
    await run(local, local.admin, local.channel, "feeds add", url=site.url("feed.rss"), announce=news)
    await announcements(local, news)
    [feed] = await local.library.store.feeds(None)
    assert feed.announce_channel == int(news)  # what another process on this library reads
    assert not (local.library.settings.home / "feed-announce.json").exists()
    site.extra_items.append(EXTRA_ITEM.format(base=site.base))
    await restart(local)
    await local.bot.poller.poll()
    assert "Glacier retreat doubles" in (await announcements(local, news, 2))[1]["content"]


async def test_an_older_version_s_announce_file_is_moved_into_the_library_on_start(local: World, site: Site) -> None:
    feed = await add_feed(local.library, site.url("feed.rss"), f"guild:{local.guild.id}", local.bot.fetch)
    news = local.guild.channels["news"]
    home = local.library.settings.home
    (home / "feed-announce.json").write_text(json.dumps({str(feed.id): int(news)}))  # as versions before kept it
    await restart(local)
    assert f"announced in <#{news}>" in text(await run(local, local.reader, local.channel, "feeds list"))
    assert not (home / "feed-announce.json").exists()
    await local.bot.poller.poll()
    [posted] = await announcements(local, news)
    assert BRIDGE in posted["content"]


async def test_the_announce_setting_never_carries_a_guild_feed_into_another_guild(local: World, site: Site) -> None:
    local.bot.settings = dataclasses.replace(local.bot.settings, announce_channel=int(local.other_channel))
    await run(local, local.admin, local.channel, "feeds add", url=site.url("feed.rss"))
    await local.bot.poller.poll()  # waits for the poll the add started
    assert len(await local.library.articles(scopes=(f"guild:{local.guild.id}",))) == 2
    assert local.fake.channel_messages(local.other_channel) == []

    news = local.guild.channels["news"]
    local.bot.settings = dataclasses.replace(local.bot.settings, announce_channel=int(news))
    site.extra_items.append(EXTRA_ITEM.format(base=site.base))
    await local.bot.poller.poll()
    [posted] = await announcements(local, news)
    assert "Glacier retreat doubles" in posted["content"]


# ---- /ask since / until -----------------------------------------------------------------

FERRY = "---\ntitle: Ferry strike ends\npublished: 2024-03-05\n---\nThe ferry strike ended after nine days of talks.\n"
STRIKE = "When did the ferry strike end?"


async def test_ask_filters_by_publication_date(world: World) -> None:
    attachment = world.fake.add_attachment("ferry.md", FERRY.encode())
    await run(world, world.admin, world.channel, "ingest", file=attachment)

    inside = await run(world, world.reader, world.channel, "ask", question=STRIKE, since="2024-03-01", until="2024-03-05")
    assert "ferry strike ended after nine days" in text(inside)
    after = await run(world, world.reader, world.channel, "ask", question=STRIKE, since="2024-03-06")
    assert "ferry strike ended" not in text(after)
    before = await run(world, world.reader, world.channel, "ask", question=STRIKE, until="2024-03-04")
    assert "ferry strike ended" not in text(before)


@pytest.mark.parametrize("options, named", [
    ({"since": "March 5"}, "`since` must be a date written YYYY-MM-DD, e.g. 2024-06-18; “March 5” is not"),
    ({"until": "2024-02-30"}, "`until` must be a date written YYYY-MM-DD, e.g. 2024-06-18; “2024-02-30” is not"),
    ({"since": "2024-05-01", "until": "2024-04-01"}, "`since` (2024-05-01) is after `until` (2024-04-01)"),
])
async def test_ask_with_a_bad_date_says_which(world: World, options: dict[str, str], named: str) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "ask", question=STRIKE, **options)
    refusal = await world.fake.interaction_done(ix)
    assert refusal["flags"] & EPHEMERAL and named in refusal["content"]
    assert ix.callbacks[0]["type"] == 4  # refused at once, not deferred


# ---- dates in questions ------------------------------------------------------------------

FERRIES = {"new.md": ("2023-04-20", "nine"), "old.md": ("2022-04-20", "twelve")}
THIS_WEEK = "The ferry strike ended after talks this week?"


async def test_date_words_count_from_when_the_question_was_asked(world: World) -> None:
    """The fake Discord's ids date its messages and interactions 2023-04-24 (snowflake time)."""
    for name, (published, days) in FERRIES.items():
        body = f"---\ntitle: Ferry strike {days}\npublished: {published}\n---\nThe ferry strike ended after {days} days of talks.\n"
        await run(world, world.admin, world.channel, "ingest", file=world.fake.add_attachment(name, body.encode()))
    for reply in (await ask(world, world.channel, world.reader, THIS_WEEK),
                  await run(world, world.reader, world.channel, "ask", question=THIS_WEEK)):
        shown = text(reply)  # this week's article first; last year's still competes, below it
        assert "after nine days" in shown and ("twelve" not in shown or shown.index("nine") < shown.index("twelve"))
        footer = reply["embeds"][0]["footer"]["text"]
        assert "Searched preferring articles published 2023-04-10 to 2023-04-25 (from “this week”)." in footer


# ---- /feeds list lines and choices, without Discord ------------------------------------------


def test_a_feed_line_shows_its_id_title_polling_channel_and_error() -> None:
    feed = Subscription(3, "https://c.example/rss", "guild:7", "Coastline *Courier*", "", "", "",
                        "2024-03-05T09:00:11+00:00", "HTTP status 404 Not Found", announce_channel=555)
    assert feed_line(feed) == ("**[3] Coastline \\*Courier\\*** <https://c.example/rss> · polled 2024-03-05T09:00"
                                    " · announced in <#555> · last error: HTTP status 404 Not Found")
    new = Subscription(4, "https://w.example/a", "guild:7", "", "", "", "", "", "")
    assert feed_line(new) == "**[4] untitled** <https://w.example/a> · polled not yet"


def test_a_feed_choice_fits_discord_and_is_the_feed_id() -> None:
    choice = feed_choice(Subscription(4, "https://w.example/" + "a" * 200, "guild:7", "T" * 80, "", "", "", "", ""))
    assert len(choice.name) <= 100 and choice.name.startswith("T" * 80) and choice.value == "4"
