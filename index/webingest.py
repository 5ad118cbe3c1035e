"""Ingesting from the web into a Library: single urls, and subscribed RSS/Atom feeds.

Feed subscriptions live in the library's store (`Store.add_feed`, `feeds`, `feed_items`...).
A poll sends the stored ETag / Last-Modified; each new item (by guid, and by url within the
feed) has its page fetched and ingested once. Items that failed for a passing reason (timeout,
network, HTTP 5xx/429) are not recorded, so the next poll tries them again.

An item whose page cannot be fetched for any reason is stored from the feed's own text instead, when
it has enough (index.feedtext), and its page is fetched again on later polls until one succeeds and
replaces that text (same identity, status "replaced"). An item without such text is rejected as before.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from .clock import utc_now, utc_stamp
from .errors import RejectedInput
from .feeds import FeedItem, parse_feed
from .feedtext import FEED_TEXT, due, feed_text_article, source_of
from .fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchSettings, check_url
from .ingesting import content_hash, identity_key
from .models import Article, FeedItemRecord, IngestResult, StoredArticle, Subscription
from .readers.html import read_html

if TYPE_CHECKING:
    from .library import Library

MAX_ITEMS_PER_POLL = 50
LEASE = timedelta(minutes=15)  # longer than one feed's poll; a process that dies frees its feeds after it
OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"  # this process, as a lease holder
_TRANSIENT = ("timed out", "could not fetch", "cannot resolve", "HTTP status 5", "HTTP status 429")

@dataclass
class PollResult:
    """What one poll of one feed did: status is "updated", "not modified" or "error". `feed_text`: the
    articles stored from the feed's own text (their pages could not be fetched); `refetched`: articles
    stored from feed text earlier whose page was fetched now and replaced that text."""

    feed: Subscription
    status: str
    results: list[IngestResult] = field(default_factory=list)
    reason: str = ""
    feed_text: list[int] = field(default_factory=list)
    refetched: list[int] = field(default_factory=list)


@contextlib.asynccontextmanager
async def _session(settings: FetchSettings, fetcher: Fetcher | None) -> AsyncIterator[Fetcher]:
    if fetcher is not None:
        yield fetcher
        return
    async with Fetcher(settings) as own:
        yield own


async def fetch_article(fetcher: Fetcher, url: str, item: FeedItem | None = None) -> Article:
    """Fetch a news page and extract its article; a feed item fills in a missing date or author."""
    page = await fetcher.get(url, accept=HTML_TYPES + FEED_TYPES)
    if page.content_type in FEED_TYPES:
        raise RejectedInput(url, "this is an RSS/Atom feed, not an article page; subscribe with `feeds add`")
    article = await asyncio.to_thread(read_html, page.body, url, page.charset, page.url)
    if item is not None:
        article = replace(article, published=article.published or item.published,
                          author=article.author or item.author)
    return article


async def ingest_url(
    lib: Library, url: str, scope: str, settings: FetchSettings, fetcher: Fetcher | None = None
) -> list[IngestResult]:
    """Fetch one news page and store its article; failures come back as one "rejected" result."""
    try:
        async with _session(settings, fetcher) as session:
            article = await fetch_article(session, url)
    except RejectedInput as exc:
        return [IngestResult.rejected(exc.origin, exc.reason)]
    return await lib.ingest_articles([article], scope)


# ---- subscriptions ---------------------------------------------------------------------

async def add_feed(
    lib: Library, url: str, scope: str, settings: FetchSettings, fetcher: Fetcher | None = None,
    check: bool = True, announce_channel: int | None = None,
) -> Subscription:
    """Subscribe `scope` to a feed; with `check`, fetch it once to make sure it is a feed. Its new
    articles are announced in `announce_channel` (a Discord channel id) when one is given."""
    url = check_url(url, settings)
    title = ""
    if check:
        async with _session(settings, fetcher) as session:
            page = await session.get(url, accept=FEED_TYPES)
        feed = await asyncio.to_thread(parse_feed, page.body, page.url)
        title = feed.title
    return await lib.store.add_feed(url, scope, title, utc_stamp(), announce_channel)


async def get_feed(lib: Library, feed_id: int, scopes: Sequence[str] | None = None) -> Subscription | None:
    """One subscription by id (only within `scopes` when given)."""
    feeds = await list_feeds(lib, scopes)
    return next((feed for feed in feeds if feed.id == feed_id), None)


async def list_feeds(lib: Library, scopes: Sequence[str] | None = None) -> list[Subscription]:
    """Subscriptions, oldest first; only those of `scopes` when given."""
    return await lib.store.feeds(scopes)


async def remove_feed(lib: Library, feed_id: int, scopes: Sequence[str] | None = None) -> bool:
    """Unsubscribe; articles already taken from the feed stay. False if no such feed (in `scopes`)."""
    return await lib.store.remove_feed(feed_id, scopes)


async def set_announce_channel(
    lib: Library, feed_id: int, channel_id: int | None, scopes: Sequence[str] | None = None,
) -> bool:
    """Announce a feed's new articles in `channel_id` (None: nowhere chosen); kept in the library, so
    every bot process on it sees the choice. False if no such feed (in `scopes`)."""
    return await lib.store.set_feed_announce(feed_id, channel_id, scopes)


# ---- polling ---------------------------------------------------------------------------


async def _known(lib: Library, feed_id: int) -> tuple[set[str], set[str]]:
    items = await lib.store.feed_items(feed_id)
    return {item.guid for item in items}, {item.url for item in items if item.url}


async def _record(lib: Library, feed_id: int, item: FeedItem, result: IngestResult) -> None:
    record = FeedItemRecord(item.guid, item.url, result.article_id or None, result.status, result.reason)
    await lib.store.record_feed_item(feed_id, record, utc_stamp())


async def _store_feed_text(
    lib: Library, feed: Subscription, item: FeedItem, source: str, failure: str
) -> IngestResult | None:
    """Store an item whose page failed from its feed text (and record it to fetch again); None when
    its text is too short. A page of the same identity stored already is kept, not overwritten."""
    article = feed_text_article(item, source)
    if article is None:
        return None
    found = await lib.store.find_existing(feed.scope, identity_key(article), content_hash(article))
    page = await lib.store.article(found[0], None) if found and found[2] == identity_key(article) else None
    if page is not None and not page.from_feed:
        result = IngestResult("unchanged", item.url, page.title, page.id, reason="its page is stored already")
        await _record(lib, feed.id, item, result)
        return result
    [result] = await lib.ingest_articles([article], feed.scope)
    if result.status in ("added", "replaced", "unchanged"):
        record = FeedItemRecord(item.guid, item.url, result.article_id, FEED_TEXT, failure, tries=1)
        await lib.store.record_feed_item(feed.id, record, utc_stamp())
        return replace(result, reason=f"stored from the feed's text: its page could not be fetched ({failure})")
    await _record(lib, feed.id, item, result)
    return result


async def _update_feed(lib: Library, feed: Subscription, **values: str) -> Subscription:
    values["last_polled"] = utc_stamp()
    await lib.store.update_feed(feed.id, values)
    return Subscription(**{**asdict(feed), **values})


async def _ingest_item(
    lib: Library, fetcher: Fetcher, feed: Subscription, item: FeedItem, source: str, poll: PollResult
) -> None:
    try:
        article = await fetch_article(fetcher, item.url, item)
    except RejectedInput as exc:
        stored = await _store_feed_text(lib, feed, item, source, exc.reason)
        if stored is not None:
            poll.results.append(stored)
            if stored.status in ("added", "replaced"):
                poll.feed_text.append(stored.article_id)
            return
        result = IngestResult.rejected(exc.origin, exc.reason)
        if not exc.reason.startswith(_TRANSIENT):
            await _record(lib, feed.id, item, result)
        poll.results.append(result)
        return
    results = await lib.ingest_articles([article], feed.scope)
    await _record(lib, feed.id, item, results[0])
    poll.results += results


async def _refetch(
    lib: Library, fetcher: Fetcher, feed: Subscription, record: FeedItemRecord, stored: StoredArticle,
    listed: Mapping[str, FeedItem], poll: PollResult,
) -> None:
    item = listed.get(record.guid) or FeedItem(record.guid, record.url, stored.title, stored.published, stored.author)
    try:
        article = await fetch_article(fetcher, record.url, item)
    except RejectedInput as exc:
        tried = replace(record, reason=exc.reason, tries=record.tries + 1)
        await lib.store.record_feed_item(feed.id, tried, utc_stamp())
        return
    page = replace(article, url=stored.url)  # the feed text's identity, whatever canonical url the page names
    twin = await lib.store.find_existing(feed.scope, "", content_hash(page))  # by its text alone
    if twin is not None:  # the page is stored already (another feed's url, /ingest): the feed text goes
        await lib.forget(stored.id, feed.scope)
        result = IngestResult("duplicate", record.url, page.title, twin[0], reason=f"same text as article {twin[0]}")
    else:
        [result] = await lib.ingest_articles([page], feed.scope)
    await _record(lib, feed.id, item, result)
    poll.results.append(result)
    if result.status == "replaced":
        poll.refetched.append(result.article_id)


async def _refetch_pages(
    lib: Library, fetcher: Fetcher, feed: Subscription, listed: Mapping[str, FeedItem], poll: PollResult
) -> None:
    """Fetch again the pages of the items stored from feed text that are due (MAX_ITEMS_PER_POLL at most)."""
    now = utc_now()
    waiting = [r for r in await lib.store.feed_items(feed.id) if due(r, now)][:MAX_ITEMS_PER_POLL]
    for record in waiting:
        stored = await lib.store.article(record.article_id or 0, None)
        if stored is None:
            continue
        if not stored.from_feed:  # its page was stored meanwhile (another feed, /ingest)
            await lib.store.record_feed_item(feed.id, replace(record, status="unchanged", tries=0), utc_stamp())
            continue
        await _refetch(lib, fetcher, feed, record, stored, listed, poll)


async def poll_feed(lib: Library, feed: Subscription, fetcher: Fetcher) -> PollResult:
    """Fetch one feed (conditionally) and ingest each item not taken before, oldest first; then fetch
    again the pages due of items stored from feed text (also when the feed is not modified)."""
    try:
        page = await fetcher.get(feed.url, accept=FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified)
        parsed = None if page.not_modified else await asyncio.to_thread(parse_feed, page.body, feed.url)
    except RejectedInput as exc:
        return PollResult(await _update_feed(lib, feed, last_error=exc.reason), "error", reason=exc.reason)
    if parsed is None:
        poll = PollResult(feed, "not modified")
        await _refetch_pages(lib, fetcher, feed, {}, poll)
        poll.feed = await _update_feed(lib, feed, last_error="")
        return poll
    guids, urls = await _known(lib, feed.id)
    new = [item for item in parsed.items if item.guid not in guids and item.url not in urls]
    poll = PollResult(feed, "updated")
    for item in reversed(new[:MAX_ITEMS_PER_POLL]):
        await _ingest_item(lib, fetcher, feed, item, source_of(parsed, item), poll)
    retry = any(r.status == "rejected" and r.reason.startswith(_TRANSIENT) for r in poll.results)
    await _refetch_pages(lib, fetcher, feed, {item.guid: item for item in parsed.items}, poll)
    validators = {} if retry else {"etag": page.etag, "last_modified": page.last_modified}
    poll.feed = await _update_feed(lib, feed, title=parsed.title, last_error="", **validators)
    return poll


async def poll_feeds(
    lib: Library, settings: FetchSettings, scopes: Sequence[str] | None = None,
    fetcher: Fetcher | None = None, feed_ids: Sequence[int] | None = None,
) -> list[PollResult]:
    """Poll every subscription (of `scopes`, or only `feed_ids`); one failing feed never stops the rest."""
    feeds = [f for f in await list_feeds(lib, scopes) if feed_ids is None or f.id in feed_ids]
    polls = []
    async with _session(settings, fetcher) as session:
        for feed in feeds:
            now = utc_now()
            if not await lib.store.claim_feed(feed.id, OWNER, utc_stamp(now), utc_stamp(now + LEASE)):
                continue  # another process on this library is polling it
            try:
                polls.append(await poll_feed(lib, feed, session))
            finally:
                await lib.store.release_feed(feed.id, OWNER)
    return polls
