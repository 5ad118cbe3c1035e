"""RSS and Atom feeds (feedparser): the items a feed lists, each with a stable id, its page url and
its own text (the entry's content, else its summary) as clean paragraphs, for when the page cannot be
fetched (index.webingest)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from .boilerplate import clean_paragraphs
from .clean import normalize_line, split_paragraphs
from .dates import parse_date
from .errors import RejectedInput
from .readers.html import fragment_paragraphs

_FEED_FOOTER = re.compile(r"^(?:the post .+ appeared first on .+|continue reading\b.*|read (?:the )?(?:full|more)\b.*)$",
                          re.IGNORECASE)
"""Lines feed software appends to an entry's text ("The post X appeared first on Y.")."""


@dataclass(frozen=True)
class FeedItem:
    """One entry: `guid` identifies it across polls (the feed's id, else its url)."""

    guid: str
    url: str
    title: str = ""
    published: str = ""
    author: str = ""
    text: tuple[str, ...] = ()
    """The entry's own text as plain paragraphs: its content (Atom content, RSS content:encoded), else
    its summary (RSS description), markup and boilerplate gone; () when it has none."""


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and items, newest first as the feed lists them."""

    url: str
    title: str
    items: tuple[FeedItem, ...]


def _paragraphs(value: str, kind: str, title: str) -> list[str]:
    found = split_paragraphs(value) if kind == "text/plain" else fragment_paragraphs(value)
    return [p for p in clean_paragraphs(found) if p != title and not _FEED_FOOTER.match(p)]


def entry_text(entry: Mapping[str, Any], title: str = "") -> tuple[str, ...]:
    """An entry's content, else its summary, as clean plain paragraphs (the title not repeated)."""
    summary = entry.get("summary_detail") or {"value": entry.get("summary") or "", "type": "text/html"}
    for part in [*(entry.get("content") or []), summary]:
        paragraphs = _paragraphs(part.get("value") or "", (part.get("type") or "text/html").lower(), title)
        if paragraphs:
            return tuple(paragraphs)
    return ()


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
    title = normalize_line(entry.get("title") or "")
    return FeedItem(
        guid=guid,
        url=url,
        title=title,
        published=parse_date(published) if published else parse_date(entry.get("published") or ""),
        author=normalize_line(entry.get("author") or ""),
        text=entry_text(entry, title),
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
