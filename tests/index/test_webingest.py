"""Feeds and urls into a library (index.webingest): a local news site on 127.0.0.1, allowed by setting."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from index.clock import utc_now, utc_stamp
from index.config import Settings
from index.embed import HashEmbedder
from index.errors import RejectedInput
from index.fetch import FetchSettings, parse_allow
from index.library import Library
from index.webingest import add_feed, ingest_url, list_feeds, poll_feeds, remove_feed
from tests.webfixtures import EXTRA_ITEM, Site, site  # noqa: F401 (site is a fixture)

LOCAL = FetchSettings(allow_networks=parse_allow("127.0.0.1/32")[1], timeout=5)


@pytest.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_EMBEDDER": "hash"}, dotenv=None)
    async with Library(settings, embedder=HashEmbedder()) as library:
        yield library


async def test_ingest_url_stores_the_article_once(lib: Library, site: Site) -> None:
    [first] = await ingest_url(lib, site.url("news_page.html"), "", LOCAL)
    assert (first.status, first.title, first.passages) == ("added", "Harbour bridge reopens after repairs", 5)
    [again] = await ingest_url(lib, site.url("news_page.html"), "", LOCAL)
    assert again.status == "unchanged"
    [stored] = await lib.articles()
    assert stored.url == "https://courier.example.com/news/harbour-bridge-reopens"
    assert (stored.source, stored.author) == ("Coastline Courier", "Maria Delgado")
    assert stored.published.startswith("2024-03-05")


async def test_ingest_url_rejections_name_the_url(lib: Library, site: Site) -> None:
    [refused] = await ingest_url(lib, site.url("news_page.html"), "", FetchSettings())
    assert (refused.status, refused.origin) == ("rejected", site.url("news_page.html"))
    assert refused.reason == "refused address: 127.0.0.1 is not a public address"
    [feed] = await ingest_url(lib, site.url("feed.rss"), "", LOCAL)
    assert "feeds add" in feed.reason
    [missing] = await ingest_url(lib, site.url("gone.html"), "", LOCAL)
    assert missing.reason == "HTTP status 404 Not Found"
    assert site.hits == ["/feed.rss", "/gone.html"]
    assert await lib.articles() == []


async def test_poll_ingests_each_new_item_once_with_conditional_requests(lib: Library, site: Site) -> None:
    feed = await add_feed(lib, site.url("feed.rss"), "guild:1", LOCAL)
    assert feed.title == "Coastline Courier" and feed.scope == "guild:1"

    [poll] = await poll_feeds(lib, LOCAL)
    assert poll.status == "updated"
    assert [(r.status, r.title) for r in poll.results] == [
        ("added", "Library extends opening hours for exam season"),  # oldest first
        ("added", "Harbour bridge reopens after repairs"),
    ]
    stored = {a.title: a for a in await lib.articles(["guild:1"])}
    assert stored["Library extends opening hours for exam season"].published == "2024-03-06T10:00:00+00:00"

    [quiet] = await poll_feeds(lib, LOCAL)
    assert quiet.status == "not modified" and quiet.results == []
    assert site.conditional[-1] == ('"feed-v1"', "Tue, 05 Mar 2024 09:00:00 GMT")

    site.extra_items.append(EXTRA_ITEM.format(base=site.base))
    [third] = await poll_feeds(lib, LOCAL)
    assert [(r.status, r.title) for r in third.results] == [("added", "Glacier retreat doubles in a decade, survey finds")]
    assert site.hits.count("/news_page.html") == 1 and site.hits.count("/undated_page.html") == 1
    assert len(await lib.articles(["guild:1"])) == 3


async def test_atom_feed_and_bad_items_do_not_stop_the_poll(lib: Library, site: Site) -> None:
    await add_feed(lib, site.url("feed.atom"), "", LOCAL)
    site.extra_items.append("")  # no effect on Atom; keeps the RSS feed fresh too
    await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
    site.extra_items[:] = [
        '<item><title>Private</title><link>http://10.0.0.1/secret</link><guid>p1</guid></item>',
        f'<item><title>Gone</title><link>{site.base}/gone.html</link><guid>g1</guid></item>',
    ]
    atom, rss = await poll_feeds(lib, LOCAL)
    assert [r.title for r in atom.results] == ["Glacier retreat doubles in a decade, survey finds"]
    reasons = {r.origin: r.reason for r in rss.results if r.status == "rejected"}
    assert reasons == {"http://10.0.0.1/secret": "refused address: 10.0.0.1 is not a public address",
                       f"{site.base}/gone.html": "HTTP status 404 Not Found"}
    assert sum(r.status == "added" for r in rss.results) == 2
    site.extra_items.append("<!-- changed -->")
    _, again = await poll_feeds(lib, LOCAL)
    assert again.results == []  # permanent rejections are remembered, not retried
    assert site.hits.count("/gone.html") == 1


async def test_a_failing_feed_is_reported_and_others_still_poll(lib: Library, site: Site) -> None:
    await add_feed(lib, site.url("missing.rss"), "", LOCAL, check=False)
    await add_feed(lib, site.url("feed.atom"), "", LOCAL)
    broken, good = await poll_feeds(lib, LOCAL)
    assert (broken.status, broken.reason) == ("error", "HTTP status 404 Not Found")
    assert good.status == "updated" and len(good.results) == 1
    [listed, _] = await list_feeds(lib)
    assert listed.last_error == "HTTP status 404 Not Found"


async def test_subscriptions_are_per_scope(lib: Library, site: Site) -> None:
    with pytest.raises(RejectedInput, match="unsupported content type 'text/html'"):
        await add_feed(lib, site.url("news_page.html"), "", LOCAL)
    with pytest.raises(RejectedInput, match="refused address"):
        await add_feed(lib, "http://169.254.169.254/feed", "", FetchSettings())
    mine = await add_feed(lib, site.url("feed.rss"), "guild:1", LOCAL, check=False)
    await add_feed(lib, site.url("feed.rss"), "guild:2", LOCAL, check=False)
    with pytest.raises(RejectedInput, match=f"already subscribed \\(feed {mine.id}\\)"):
        await add_feed(lib, site.url("feed.rss"), "guild:1", LOCAL, check=False)
    assert [f.scope for f in await list_feeds(lib, ["guild:1"])] == ["guild:1"]
    assert not await remove_feed(lib, mine.id, ["guild:2"])
    assert await remove_feed(lib, mine.id, ["guild:1"])
    assert [f.scope for f in await list_feeds(lib)] == ["guild:2"]


async def test_a_feed_another_process_is_polling_is_left_to_it(lib: Library, site: Site) -> None:
    feed = await add_feed(lib, site.url("feed.rss"), "guild:1", LOCAL)
    now = utc_now()
    assert await lib.store.claim_feed(feed.id, "another-process", utc_stamp(now), utc_stamp(now + timedelta(minutes=15)))
    assert await poll_feeds(lib, LOCAL) == [] and await lib.articles() == []
    await lib.store.release_feed(feed.id, "another-process")
    [poll] = await poll_feeds(lib, LOCAL)
    assert poll.status == "updated" and len(await lib.articles()) == 2
    assert await lib.store.claim_feed(feed.id, "another-process", utc_stamp(now), utc_stamp(now))  # released after
