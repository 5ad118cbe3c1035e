"""RSS and Atom feeds (feedparser): the items a feed lists, each with a stable id and its page url."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from .clean import normalize_line
from .dates import parse_date
from .errors import RejectedInput


@dataclass(frozen=True)
class FeedItem:
    """One entry: `guid` identifies it across polls (the feed's id, else its url)."""

    guid: str
    url: str
    title: str = ""
    published: str = ""
    author: str = ""


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and items, newest first as the feed lists them."""

    url: str
    title: str
    items: tuple[FeedItem, ...]


def _item(entry: Mapping[str, Any], base: str) -> FeedItem | None:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    url = urljoin(base, link.strip()) if link else ""
    if not url.startswith(("http://", "https://")):
        return None  # nothing to fetch: no page or an odd scheme
    guid = (entry.get("id") or "").strip() or url
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return FeedItem(
        guid=guid,
        url=url,
        title=normalize_line(entry.get("title") or ""),
        published=parse_date(published) if published else parse_date(entry.get("published") or ""),
        author=normalize_line(entry.get("author") or ""),
    )


def parse_feed(data: bytes, url: str) -> Feed:
    """Parse RSS 0.9x/1.0/2.0 or Atom bytes fetched from `url`; raises RejectedInput if it is not a feed."""
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({type(problem).__name__})" if problem else ""
        raise RejectedInput(url, f"not an RSS or Atom feed{detail}")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        item = _item(entry, url)
        if item is not None and item.guid not in seen:
            seen.add(item.guid)
            items.append(item)
    title = normalize_line(parsed.feed.get("title") or "") or url
    return Feed(url=url, title=title, items=tuple(items))
