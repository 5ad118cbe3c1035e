"""Feed items whose page cannot be fetched (index.webingest): stored from the feed's own text, marked,
and replaced by the page when a later poll fetches it. A local news site on 127.0.0.1."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from index import clock, webingest
from index.clock import utc_now
from index.config import Settings
from index.embed import HashEmbedder
from index.feedtext import FEED_TEXT, PAGE_TRIES
from index.fetch import FetchSettings, parse_allow
from index.library import Library
from index.models import Article, StoredArticle
from index.render import answer_text, article_line
from index.webingest import add_feed, poll_feeds
from tests.webfixtures import SUMMARY_ITEM, SUMMARY_TEXT, SilentServer, Site, site  # noqa: F401 (site is a fixture)

LOCAL = FetchSettings(allow_networks=parse_allow("127.0.0.1/32")[1], timeout=5)
QUESTION = "How fast did the glaciers in the north lose ice?"


@pytest.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_EMBEDDER": "hash"}, dotenv=None)
    async with Library(settings, embedder=HashEmbedder()) as library:
        yield library


def later(monkeypatch: pytest.MonkeyPatch, **delta: float) -> datetime:
    """Polls from now on happen `delta` later than now."""
    moment = utc_now() + timedelta(**delta)
    monkeypatch.setattr(webingest, "utc_now", lambda: moment)
    monkeypatch.setattr(clock, "utc_now", lambda: moment)
    return moment


async def by_title(lib: Library, title: str) -> list[StoredArticle]:
    return [a for a in await lib.articles(None) if a.title == title]


async def test_a_paywalled_item_is_stored_from_its_summary_then_replaced_by_its_page(
    lib: Library, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.statuses["/jsonld_page.html"] = 403
    site.extra_items.append(SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html", guid=2001))
    feed = await add_feed(lib, site.url("feed.rss"), "guild:1", LOCAL)

    [poll] = await poll_feeds(lib, LOCAL)
    summary = next(r for r in poll.results if r.title == "Glaciers melt twice as fast")
    assert summary.status == "added" and poll.feed_text == [summary.article_id]
    assert "HTTP status 403 Forbidden" in summary.reason
    [stored] = await by_title(lib, "Glaciers melt twice as fast")
    assert (stored.from_feed, stored.url, stored.source) == (True, site.url("jsonld_page.html"), "Coastline Courier")
    assert stored.published == "2024-03-07T10:00:00+00:00"
    assert [p.text for p in await lib.passages(stored.id)] == list(SUMMARY_TEXT)  # no markup, script or footer
    [record] = [r for r in await lib.store.feed_items(feed.id) if r.guid == "courier-2001"]
    assert (record.status, record.tries, record.article_id) == (FEED_TEXT, 1, stored.id)

    answer = await lib.ask(QUESTION, ["guild:1"])
    assert answer.quotes[0].article_id == stored.id and answer.quotes[0].from_feed
    assert answer.quotes[0].text in SUMMARY_TEXT[0]
    assert "Coastline Courier · 2024-03-07 · paragraph 1 · " in answer_text(answer)
    assert answer_text(answer).split("\n")[1].endswith(f"{site.url('jsonld_page.html')} (feed summary)")
    assert article_line(stored).split("\t")[2] == "Coastline Courier (feed summary)"

    [soon] = await poll_feeds(lib, LOCAL)  # too soon to fetch the page again
    assert soon.results == [] and site.hits.count("/jsonld_page.html") == 1

    del site.statuses["/jsonld_page.html"]
    later(monkeypatch, minutes=31)
    [again] = await poll_feeds(lib, LOCAL)
    [replaced] = again.results
    assert replaced.status == "replaced" and again.refetched == [replaced.article_id] and again.feed_text == []
    assert await by_title(lib, "Glaciers melt twice as fast") == []
    [page] = await by_title(lib, "Glacier retreat doubles in a decade, survey finds")  # one article, not two
    assert (page.id, page.from_feed, page.paragraphs, page.url) == (replaced.article_id, False, 4, stored.url)
    assert (page.key, page.author) == (stored.key, "Henrik Olsen")  # the same identity: the feed text is gone
    assert len(await lib.articles(["guild:1"])) == 3
    [record] = [r for r in await lib.store.feed_items(feed.id) if r.guid == "courier-2001"]
    assert (record.status, record.article_id) == ("replaced", page.id)
    quote = (await lib.ask(QUESTION, ["guild:1"])).quotes[0]
    assert quote.article_id == page.id and not quote.from_feed and "(feed summary)" not in answer_text(
        await lib.ask(QUESTION, ["guild:1"]))

    later(monkeypatch, days=10)
    [done] = await poll_feeds(lib, LOCAL)
    assert done.results == [] and site.hits.count("/jsonld_page.html") == 2


async def test_a_page_that_never_comes_is_tried_a_bounded_number_of_times(
    lib: Library, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.statuses["/jsonld_page.html"] = 402
    site.extra_items.append(SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html", guid=2002))
    feed = await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
    await poll_feeds(lib, LOCAL)
    [record] = [r for r in await lib.store.feed_items(feed.id) if r.guid == "courier-2002"]
    for day in range(2, 2 * PAGE_TRIES + 6, 2):  # each wait (30 min, doubling to 32 h) has run out
        later(monkeypatch, days=day)
        [poll] = await poll_feeds(lib, LOCAL)
        assert poll.results == [] and poll.refetched == []
    assert site.hits.count("/jsonld_page.html") == PAGE_TRIES
    [record] = [r for r in await lib.store.feed_items(feed.id) if r.guid == "courier-2002"]
    assert (record.status, record.tries, record.reason) == (FEED_TEXT, PAGE_TRIES, "HTTP status 402 Payment Required")
    [stored] = await by_title(lib, "Glaciers melt twice as fast")
    assert stored.from_feed  # the feed's text stays


async def test_a_later_fetch_waits_longer_after_each_failure(
    lib: Library, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.statuses["/jsonld_page.html"] = 503
    site.extra_items.append(SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html", guid=2003))
    await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
    await poll_feeds(lib, LOCAL)
    fetched = []
    for minutes in (20, 31, 60, 95, 200, 215):  # due 30 min after the first failure, then 1 h, then 2 h after
        later(monkeypatch, minutes=minutes)
        await poll_feeds(lib, LOCAL)
        fetched.append(site.hits.count("/jsonld_page.html"))
    assert fetched == [1, 2, 2, 3, 3, 4]


async def test_a_timeout_or_a_refused_address_also_falls_back_to_the_feed_text(lib: Library, site: Site) -> None:
    silent = await SilentServer().start()
    try:
        slow = SUMMARY_ITEM.format(base=silent.url.rstrip("/"), page="slow", guid=3002)
        site.extra_items[:] = [
            SUMMARY_ITEM.format(base="http://10.0.0.1", page="secret", guid=3001),
            slow.replace("Glaciers melt twice as fast", "Slow glaciers").replace("a survey", "a study"),
        ]
        await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
        [poll] = await poll_feeds(lib, FetchSettings(allow_networks=LOCAL.allow_networks, timeout=1))
    finally:
        await silent.stop()
    reasons = {r.title: r.reason for r in poll.results if r.article_id in poll.feed_text}
    assert "refused address: 10.0.0.1 is not a public address" in reasons["Glaciers melt twice as fast"]
    assert "timed out after 1 seconds" in reasons["Slow glaciers"]
    assert [a.from_feed for t in reasons for a in await by_title(lib, t)] == [True, True]
    [feed] = await webingest.list_feeds(lib)
    assert feed.etag == '"feed-v1"'  # nothing left to take from the feed itself: its validators are kept


async def test_an_item_without_usable_feed_text_is_rejected_as_before(lib: Library, site: Site) -> None:
    site.statuses["/jsonld_page.html"] = 403
    site.extra_items[:] = [
        f"<item><title>No summary</title><link>{site.base}/jsonld_page.html?bare</link><guid>g1</guid></item>",
        f"<item><title>Teaser</title><link>{site.base}/jsonld_page.html?teaser</link><guid>g2</guid>"
        "<description>&lt;p&gt;Glaciers are melting. &lt;a href='x'&gt;Read more&lt;/a&gt;&lt;/p&gt;</description></item>",
    ]
    await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
    [poll] = await poll_feeds(lib, LOCAL)
    rejected = {r.origin: r.reason for r in poll.results if r.status == "rejected"}
    assert rejected == {site.url("jsonld_page.html?bare"): "HTTP status 403 Forbidden",
                        site.url("jsonld_page.html?teaser"): "HTTP status 403 Forbidden"}
    assert poll.feed_text == [] and not any(a.from_feed for a in await lib.articles(None))


async def test_feed_text_never_overwrites_a_page_stored_already(lib: Library, site: Site) -> None:
    url = site.url("jsonld_page.html?id=7")
    [page] = await lib.ingest_articles([Article("Glaciers", ("The page's own text, stored before.",), url=url)])
    site.statuses["/jsonld_page.html"] = 403
    site.extra_items[:] = [SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html?id=7", guid=5001)]
    await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
    [poll] = await poll_feeds(lib, LOCAL)
    [kept] = [r for r in poll.results if r.origin == url]
    assert (kept.status, kept.article_id, poll.feed_text) == ("unchanged", page.article_id, [])
    assert not any(a.from_feed for a in await lib.articles(None))


async def test_a_page_stored_meanwhile_under_its_own_url_takes_the_place_of_the_feed_text(
    lib: Library, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.statuses["/jsonld_page.html"] = 403
    site.extra_items[:] = [SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html?via=rss", guid=6001)]
    await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
    await poll_feeds(lib, LOCAL)
    [summary] = await by_title(lib, "Glaciers melt twice as fast")
    del site.statuses["/jsonld_page.html"]
    [page] = await webingest.ingest_url(lib, site.url("jsonld_page.html"), "", LOCAL)  # its canonical url
    later(monkeypatch, hours=1)
    [again] = await poll_feeds(lib, LOCAL)
    assert [(r.status, r.article_id) for r in again.results] == [("duplicate", page.article_id)]
    assert await lib.article(summary.id) is None
    assert [a.id for a in await by_title(lib, "Glacier retreat doubles in a decade, survey finds")] == [page.article_id]


async def test_the_page_is_tried_again_when_the_feed_is_not_modified_or_no_longer_lists_the_item(
    lib: Library, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.statuses["/jsonld_page.html"] = 403
    site.extra_items[:] = [SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html", guid=7001)]
    await add_feed(lib, site.url("feed.rss"), "", LOCAL, check=False)
    await poll_feeds(lib, LOCAL)
    site.extra_items.clear()  # the feed drops the item and answers 304 from now on
    del site.statuses["/jsonld_page.html"]
    later(monkeypatch, hours=1)
    [poll] = await poll_feeds(lib, LOCAL)
    assert poll.status == "not modified" and [r.status for r in poll.results] == ["replaced"]
    [page] = await by_title(lib, "Glacier retreat doubles in a decade, survey finds")
    assert (page.from_feed, page.published, page.author) == (False, "2023-11-20", "Henrik Olsen")  # the page's own
