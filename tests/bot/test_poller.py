"""The feed poller without Discord, on a library in tmp_path and a local news site on 127.0.0.1:
what it hands to the announcer, its schedule, its settings."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot import render
from bot.announce import announcement
from bot.poller import FeedPoller
from index import clock, webingest
from index.config import ConfigError
from index.fetch import FetchSettings, parse_allow
from index.library import Library
from index.webingest import PollResult, add_feed
from tests.webfixtures import EXTRA_ITEM, SUMMARY_ITEM, Site, site  # noqa: F401 (site is a fixture)


def test_a_negative_poll_interval_names_the_setting() -> None:
    async def announce(poll: PollResult) -> None: ...

    with pytest.raises(ConfigError, match="NEWSDESK_FEED_POLL_MINUTES=-5 must not be negative"):
        FeedPoller(None, FetchSettings(), -5, announce)  # type: ignore[arg-type]


LOCAL = FetchSettings(allow_networks=parse_allow("127.0.0.1/32")[1], timeout=5)


class Announcer:
    """Records what the poller hands over to be announced; `fail` makes every call raise."""

    def __init__(self, fail: bool = False) -> None:
        self.polls: list[PollResult] = []
        self.fail = fail

    async def __call__(self, poll: PollResult) -> None:
        self.polls.append(poll)
        if self.fail:
            raise RuntimeError("the channel is gone")


async def test_with_no_feeds_a_poll_fetches_and_announces_nothing(library: Library, site: Site) -> None:
    announce = Announcer()
    assert await FeedPoller(library, LOCAL, 0, announce).poll() == []
    assert announce.polls == [] and site.hits == []


async def test_a_poll_announces_each_feeds_new_articles_once(library: Library, site: Site) -> None:
    await add_feed(library, site.url("feed.rss"), "guild:7", LOCAL)
    announce = Announcer()
    poller = FeedPoller(library, LOCAL, 0, announce)

    [first] = await poller.poll()
    assert [poll.status for poll in announce.polls] == ["updated"]
    assert announcement(announce.polls[0]) is not None
    assert sorted(r.title for r in first.results if r.status == "added") == [
        "Harbour bridge reopens after repairs", "Library extends opening hours for exam season"]

    await poller.poll()  # nothing new: handed over, but there is nothing to announce
    assert announce.polls[1].status == "not modified" and announcement(announce.polls[1]) is None

    site.extra_items.append(EXTRA_ITEM.format(base=site.base))
    await poller.poll()
    text = announcement(announce.polls[2]) or ""
    assert "Glacier retreat doubles" in text and "Harbour bridge" not in text
    assert len(await library.articles(["guild:7"])) == 3


async def test_an_announcement_that_fails_does_not_stop_the_other_feeds(library: Library, site: Site) -> None:
    await add_feed(library, site.url("feed.rss"), "", LOCAL)
    await add_feed(library, site.url("feed.atom"), "", LOCAL)
    announce = Announcer(fail=True)
    polls = await FeedPoller(library, LOCAL, 0, announce).poll()
    assert [p.status for p in polls] == ["updated", "updated"]
    assert [p.feed.url for p in announce.polls] == [site.url("feed.rss"), site.url("feed.atom")]
    assert len(await library.articles()) == 3  # both feeds' articles are stored


async def test_the_schedule_polls_after_its_first_step_until_stopped(library: Library, site: Site) -> None:
    await add_feed(library, site.url("feed.rss"), "", LOCAL)
    ready = asyncio.Event()
    announce = Announcer()
    poller = FeedPoller(library, LOCAL, 0.002, announce)  # every 0.12 s
    poller.start(ready.wait)
    await asyncio.sleep(0.2)
    assert announce.polls == []  # waiting for the bot to be ready
    ready.set()
    for _ in range(200):
        if len(announce.polls) >= 2:
            break
        await asyncio.sleep(0.05)
    assert [p.status for p in announce.polls[:2]] == ["updated", "not modified"]
    await poller.stop()
    polled = len(announce.polls)
    await asyncio.sleep(0.3)
    assert len(announce.polls) == polled


async def test_no_schedule_at_zero_minutes_but_a_poll_soon_still_runs(library: Library, site: Site) -> None:
    await add_feed(library, site.url("feed.atom"), "", LOCAL)  # fetches the feed once, to check it
    announce = Announcer()
    poller = FeedPoller(library, LOCAL, 0, announce)
    poller.start(asyncio.sleep)  # type: ignore[arg-type]  (never called: no schedule)
    await asyncio.sleep(0.2)
    assert announce.polls == [] and site.hits == ["/feed.atom"]
    poller.poll_soon()
    for _ in range(200):
        if announce.polls:
            break
        await asyncio.sleep(0.05)
    assert [r.title for r in announce.polls[0].results] == ["Glacier retreat doubles in a decade, survey finds"]
    await poller.stop()


async def test_an_item_behind_a_paywall_is_announced_and_quoted_as_a_feed_summary_until_its_page_comes(
    library: Library, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.statuses["/jsonld_page.html"] = 403
    site.extra_items.append(SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html", guid=2001))
    await add_feed(library, site.url("feed.rss"), "guild:7", LOCAL)
    announce = Announcer()
    poller = FeedPoller(library, LOCAL, 0, announce)
    [first] = await poller.poll()
    text = announcement(first) or ""
    assert "New from **Coastline Courier** (1 from the feed's own text: its page could not be fetched):" in text
    assert f"• “Glaciers melt twice as fast” (#{first.feed_text[0]}) <{site.url('jsonld_page.html')}> (feed summary)" in text

    answer = await library.ask("How fast did the glaciers in the north lose ice?", ["", "guild:7"])
    described = render.answer_embed(answer).description or ""
    assert "Glaciers in the north lost ice" in described
    assert "· Coastline Courier · 2024-03-07 · ¶ 1 (feed summary)" in described
    listed = render.sources_pages(await library.articles(["guild:7"]), "**Newsroom**")[0].description or ""
    assert sum("(feed summary)" in row for row in listed.split("\n")) == 1
    [summary] = [a for a in await library.articles(["guild:7"]) if a.from_feed]
    footer = render.article_pages(summary, await library.passages(summary.id))[0].footer.text or ""
    assert footer.startswith("Coastline Courier · 2024-03-07 (feed summary) · article #")

    del site.statuses["/jsonld_page.html"]
    moment = clock.utc_now() + timedelta(hours=1)
    monkeypatch.setattr(webingest, "utc_now", lambda: moment)
    [second] = await poller.poll()
    text = announcement(second) or ""
    assert "“Glacier retreat doubles in a decade, survey finds”" in text and "its page now replaces the feed summary" in text
    answer = await library.ask("How fast did the glaciers in the north lose ice?", ["", "guild:7"])
    assert "(feed summary)" not in (render.answer_embed(answer).description or "")
    assert len(await library.articles(["guild:7"])) == 3
