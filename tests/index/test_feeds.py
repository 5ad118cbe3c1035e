"""RSS and Atom feeds parsed into items; a web page is not a feed."""
from __future__ import annotations

import pytest

from index.errors import RejectedInput
from index.feeds import parse_feed
from tests.webfixtures import WEB


def test_parses_rss_and_atom_items() -> None:
    rss = parse_feed((WEB / "feed.rss").read_bytes().replace(b"http://HOST", b"https://c.example"), "https://c.example/rss")
    assert rss.title == "Coastline Courier"
    assert [(i.guid, i.url, i.published) for i in rss.items] == [
        ("courier-1001", "https://c.example/news_page.html", "2024-03-05T08:30:00+00:00"),
        ("courier-1002", "https://c.example/undated_page.html", "2024-03-06T10:00:00+00:00"),
    ]
    atom = parse_feed((WEB / "feed.atom").read_bytes().replace(b"http://HOST", b"https://w.example"), "https://w.example/a")
    [item] = atom.items
    assert item.guid == "urn:uuid:7a1d4c52-0000-4000-8000-000000000002"
    assert (item.url, item.author, item.published) == ("https://w.example/jsonld_page.html", "Henrik Olsen", "2023-11-20T14:05:00+00:00")


def test_a_web_page_is_not_a_feed() -> None:
    with pytest.raises(RejectedInput, match="not an RSS or Atom feed"):
        parse_feed((WEB / "news_page.html").read_bytes(), "https://c.example/page")
