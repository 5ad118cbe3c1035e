"""Plain-text and Markdown articles: the documented front-matter format and real scraped text.

Format (all front-matter keys optional; paragraphs separated by blank lines)::

    ---
    title: Putin's Visit to North Korea After 24 Years
    source: ALJAZEERA
    url: https://www.aljazeera.com/news/...
    published: 2024-06-18
    author: Al Jazeera Staff
    ---
    First paragraph...

    Second paragraph...

Without front matter, the first meaningful line is the title (a Markdown `# Title` too).
Scraped junk is cleaned: template placeholders and punctuation-only lines before the title,
the title repeated, `Source: NAME` lines (they become the source), all-caps network banners
after them, the comment-form footer, lines of only non-breaking spaces, short headings, and
the boilerplate paragraphs `index.boilerplate` knows (captions, promos, credits, datelines).
"""
from __future__ import annotations

import re
from collections import Counter

from ..boilerplate import clean_paragraphs, dropped, junk_rule
from ..clean import decode, normalize_text
from ..errors import RejectedInput
from ..models import Article

_FRONT_KEYS = {"title", "source", "url", "published", "date", "author"}
_JUNK_LINE = re.compile(r"^(?:[\W_]*|(?:__\w+__\s*)+)$")
_SOURCE_LINE = re.compile(r"^source\s*:\s*(.+)$", re.IGNORECASE)
_FOOTER = re.compile(
    r"^(?:leave a (?:comment|reply)\b|your email address will not be published"
    r"|required fields are marked|post a comment\b|comments? \(\d+\)$)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_HEADING_MAX = 80


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    meta: dict[str, str] = {}
    for line in text[4:end].split("\n"):
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if sep and key in _FRONT_KEYS:
            meta["published" if key == "date" else key] = value.strip().strip("\"'")
    return meta, text[end + 4 :].lstrip("\n")


def _blocks(text: str) -> list[list[str]]:
    return [[line for line in block.split("\n") if line] for block in text.split("\n\n")]


def _is_heading(lines: list[str]) -> bool:
    line = lines[0]
    return len(lines) == 1 and len(line) <= _HEADING_MAX and not _SENTENCE_END.search(line)


def _clean_lines(blocks: list[list[str]], meta: dict[str, str]) -> list[list[str]]:
    """Drop junk, footer and source lines; record the source in `meta`."""
    out: list[list[str]] = []
    seen_source = False
    for block in blocks:
        kept: list[str] = []
        for line in block:
            if _FOOTER.match(line):
                if kept:
                    out.append(kept)
                return out
            source = _SOURCE_LINE.match(line)
            banner = seen_source and line.upper() == line and len(line) <= _HEADING_MAX
            if (source or banner) and kept:  # never join the lines around a dropped one
                out.append(kept)
                kept = []
            if source:
                meta.setdefault("source", source.group(1).strip())
                seen_source = True
            elif banner:
                continue  # network banner after the source line, e.g. "ALJAZEERA MEDIA NETWORK"
            elif not out and not kept and _JUNK_LINE.match(line):
                continue  # template junk before the title
            else:
                kept.append(line)
        if kept:
            out.append(kept)
    return out


def parse(text: str, origin: str) -> Article:
    """Parse normalized article text into an Article; raises RejectedInput if nothing is left."""
    meta, body = _front_matter(normalize_text(text))
    blocks = _clean_lines(_blocks(body), meta)
    if not meta.get("title") and blocks:
        first = blocks[0].pop(0)
        meta["title"] = first.lstrip("#").strip()
        if not blocks[0]:
            blocks.pop(0)
    title = meta.get("title", "")
    paragraphs: list[str] = []
    counts: Counter[str] = Counter()
    for block in blocks:
        if block == [title] or block == [f"# {title}"]:
            continue
        if _is_heading(block):
            rule = junk_rule(block[0])  # "Advertisement", "Show Caption": dropped as short lines, counted as what they are
            if rule:
                counts[rule] += 1
            continue
        paragraph = " ".join(block)
        if paragraph not in paragraphs:
            paragraphs.append(paragraph)
    paragraphs = clean_paragraphs(paragraphs, counts=counts)
    if not title or not paragraphs:
        raise RejectedInput(origin, "no article text found (needs a title and at least one paragraph)")
    return Article(
        title=title,
        paragraphs=tuple(paragraphs),
        source=meta.get("source", ""),
        url=meta.get("url", ""),
        published=meta.get("published", ""),
        author=meta.get("author", ""),
        origin=origin,
        dropped=dropped(counts),
    )


def read(data: bytes, origin: str) -> list[Article]:
    """Reader entry point for .txt and .md files."""
    text = decode(data, origin)
    if re.match(r"\s*<(?:!doctype html|html)\b", text[:1000], re.IGNORECASE):
        raise RejectedInput(origin, "looks like an HTML page, not plain text (save it as .html)")
    return [parse(text, origin)]
