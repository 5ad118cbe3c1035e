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


RSS_TEXTS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Courier</title>
<item><title>Bridge</title><link>https://c.example/bridge</link>
<description>&lt;p&gt;The bridge &lt;b&gt;reopened&lt;/b&gt; on&amp;nbsp;Tuesday &amp;amp; traffic
 moved again.&lt;br&gt;Drivers cheered.&lt;br&gt;&lt;br&gt;Tolls stay.&lt;/p&gt;&lt;script&gt;track("x")&lt;/script&gt;
&lt;img src="a.jpg"&gt;&lt;p&gt;Advertisement&lt;/p&gt;&lt;p&gt;The post Bridge appeared first on Courier.&lt;/p&gt;</description></item>
<item><title>Ferry</title><link>https://c.example/ferry</link><description>A short teaser.</description>
<content:encoded><![CDATA[<h2>Ferry</h2><p>The ferry runs again.</p><ul><li>Hourly</li><li>Until ten</li></ul>]]></content:encoded></item>
<item><title>Bare</title><link>https://c.example/bare</link></item>
</channel></rss>"""
ATOM_TEXTS = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>w</id>
<entry><title>Plain</title><link href="https://w.example/plain"/><id>p</id>
<summary type="text">Five &lt;b&gt; is not markup here.

A second paragraph.</summary></entry>
<entry><title>Xhtml</title><link href="https://w.example/x"/><id>x</id>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>From the <em>content</em>.</p></div></content>
<summary type="html">Not this summary.</summary></entry>
</feed>"""


def test_an_item_carries_its_own_text_as_clean_plain_paragraphs() -> None:
    bridge, ferry, bare = parse_feed(RSS_TEXTS, "https://c.example/rss").items
    # words verbatim, spaces as a browser shows them; markup, script, image, ad and feed footer gone
    assert bridge.text == ("The bridge reopened on Tuesday & traffic moved again. Drivers cheered.", "Tolls stay.")
    assert ferry.text == ("The ferry runs again.", "Hourly", "Until ten")  # content:encoded before the teaser
    assert bare.text == ()
    plain, xhtml = parse_feed(ATOM_TEXTS, "https://w.example/atom").items
    assert plain.text == ("Five <b> is not markup here.", "A second paragraph.")  # type="text" is not HTML
    assert xhtml.text == ("From the content.",)
