"""HTML news pages: the main text and metadata, extracted with trafilatura.

Navigation, ads, cookie banners, "related stories", comments and tables are dropped (by
trafilatura, then the paragraph rules of `index.boilerplate` for what it lets through); each
paragraph, quote and list item of the article body becomes one paragraph. Metadata comes
from JSON-LD, OpenGraph and meta tags: title, author, published date (ISO 8601), site name
(the source; else the host name) and canonical url (else the url the page was fetched from).
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..boilerplate import clean_paragraphs, dropped
from ..clean import decode, normalize_line, split_paragraphs
from ..dates import parse_date
from ..errors import RejectedInput
from ..models import Article

if TYPE_CHECKING:
    from lxml.etree import _Element

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BODY_TAGS = {"p", "quote", "item"}
_MIN_CHARS = 2  # keep short paragraphs ("Yes."), drop lone symbols


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding.strip()).name
    except LookupError:
        return None


def decode_html(data: bytes, origin: str, encoding: str | None = None) -> str:
    """Text of an HTML page: BOM, then the HTTP charset, then `<meta charset>`, then UTF-8/cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    for candidate in (_known(encoding), _known(declared.group(1).decode("ascii")) if declared else None):
        if candidate:
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                continue
    return decode(data, origin)


def _text(element: _Element) -> str:
    for br in element.iter("lb"):
        br.tail = " " + (br.tail or "")
    return normalize_line("".join(element.itertext()))


def _paragraphs(body: _Element, title: str) -> list[str]:
    out: list[str] = []
    for element in body.iter(*_BODY_TAGS):
        if element.tag == "p" and element.getparent() is not None and element.getparent().tag in _BODY_TAGS:
            continue  # a <p> inside a quote or list item is part of that block
        text = _text(element)
        if len(text) >= _MIN_CHARS and text != title and text not in out:
            out.append(text)
    return out


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def read_html(data: bytes, origin: str, encoding: str | None = None, url: str = "") -> Article:
    """Extract one article; `url` is where the page came from (when fetched); raises RejectedInput."""
    import trafilatura
    from trafilatura.settings import Document

    text = decode_html(data, origin, encoding)
    page_url = url or (origin if origin.startswith(("http://", "https://")) else "")
    doc = trafilatura.bare_extraction(
        text,
        url=page_url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    if not isinstance(doc, Document) or doc.body is None:  # a dict only with as_dict=True
        raise RejectedInput(origin, "no article text found in the HTML page")
    title = normalize_line(doc.title or "")
    counts: Counter[str] = Counter()
    paragraphs = clean_paragraphs(_paragraphs(doc.body, title), counts=counts)
    if not title or not paragraphs:
        raise RejectedInput(origin, "no article text found in the HTML page (needs a title and a paragraph)")
    doc_url = doc.url or ""
    canonical = doc_url if doc_url.startswith(("http://", "https://")) else page_url
    return Article(
        title=title,
        paragraphs=tuple(paragraphs),
        source=normalize_line(doc.sitename or "") or _host(canonical),
        url=canonical,
        published=parse_date(doc.date),
        author=normalize_line(doc.author or ""),
        origin=origin,
        dropped=dropped(counts),
    )


_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header hr li main "
    "nav ol p pre section table td th tr ul".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "figcaption", "head", "title"})
_RUN = re.compile(r"\s+")


def _fragment_pieces(element: _Element, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""  # comments and processing instructions: no tag
    if tag and tag.lower() not in _SKIPPED_TAGS:
        block = tag.lower() in _BLOCK_TAGS
        pieces.append("\n\n" if block else "\n" if tag.lower() == "br" else "")
        pieces.append(_RUN.sub(" ", element.text or ""))
        for child in element:
            _fragment_pieces(child, pieces)
        pieces.append("\n\n" if block else "")
    pieces.append(_RUN.sub(" ", element.tail or ""))


def fragment_paragraphs(fragment: str) -> list[str]:
    """The paragraphs of an HTML fragment (a feed item's summary or content) as plain text, words
    verbatim: each block (p, li, blockquote, heading, div...) its own paragraph, `<br><br>` a break,
    markup, scripts and captions gone, entities decoded, spaces collapsed as a browser shows them."""
    import lxml.html
    from lxml.etree import ParserError

    if not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return []  # not readable as HTML: no text rather than markup
    pieces: list[str] = []
    _fragment_pieces(root, pieces)
    return split_paragraphs("".join(pieces))


def read(data: bytes, origin: str) -> list[Article]:
    """Reader entry point for .html and .htm files."""
    return [read_html(data, origin)]
