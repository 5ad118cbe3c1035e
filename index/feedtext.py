"""Feed items whose page cannot be fetched (paywall 401/402/403, timeout, refused address, not HTML,
no article text): the article their feed's own text makes, and when their page is tried again.

Such an item is stored from its feed text (index.feeds: the entry's content, else its summary) when
that text holds a sentence of at least FEED_TEXT_MIN_WORDS words, marked Article.from_feed: quotes
and listings say "(feed summary)". Its feed_items row has status FEED_TEXT and counts the failed
fetches in `tries`. Polls fetch its page again (index.webingest) RETRY_AFTER after the first failure,
then twice as long after each next one, PAGE_TRIES fetches in all (the last about 2.6 days after the
first); the first that succeeds replaces the article with the page's text, mark gone. After that the
feed text stays.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from .feeds import Feed, FeedItem
from .models import Article, FeedItemRecord
from .text import sentence_spans

FEED_TEXT = "feed text"  # the feed_items status of an item stored from the feed's own text
FEED_TEXT_MIN_WORDS = 10
"""An item is stored from its feed text only when one of its sentences has at least this many words."""
PAGE_TRIES = 8
"""Fetches of the page of an item stored from feed text (the first included) before it keeps that text."""
RETRY_AFTER = timedelta(minutes=30)
"""Wait before fetching such a page again, doubled after each failure (30 min, 1 h, 2 h ... 32 h)."""


def _long_sentence(paragraph: str) -> bool:
    spans = sentence_spans(paragraph) or [(0, len(paragraph))]
    return any(len(paragraph[a:b].split()) >= FEED_TEXT_MIN_WORDS for a, b in spans)


def feed_text_article(item: FeedItem, source: str) -> Article | None:
    """The article an item's own feed text makes, marked `from_feed`; None without a title or a
    sentence of FEED_TEXT_MIN_WORDS words."""
    if not item.title or not any(_long_sentence(p) for p in item.text):
        return None
    return Article(title=item.title, paragraphs=item.text, source=source, url=item.url, published=item.published,
                   author=item.author, origin=item.url, from_feed=True)


def source_of(feed: Feed, item: FeedItem) -> str:
    """Who an item stored from feed text is credited to: the feed's title, else the item's site."""
    if feed.title and feed.title != feed.url:
        return feed.title
    return (urlsplit(item.url).hostname or "").removeprefix("www.")


def due(record: FeedItemRecord, now: datetime) -> bool:
    """Whether the page of an item stored from feed text is to be fetched again at `now`."""
    if record.status != FEED_TEXT or not record.article_id or record.tries >= PAGE_TRIES:
        return False
    try:
        last = datetime.fromisoformat(record.seen)
    except ValueError:
        return True
    last = last if last.tzinfo else last.replace(tzinfo=UTC)
    return now >= last + RETRY_AFTER * (1 << max(record.tries - 1, 0))
