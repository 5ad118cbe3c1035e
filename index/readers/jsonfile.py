"""Bulk JSON and JSON Lines: one article per object.

Each object has `title` and `text` (paragraphs separated by blank lines, or by single line
breaks when there are no blank lines; a list of strings is taken as the paragraphs), and
optionally `source`, `url`, `published` (any format `index.dates` reads; `date` also works)
and `author`. A `.jsonl` file holds one object per line; a `.json` file holds one object, a
list of objects, or `{"articles": [...]}`.

One bad object never stops the others: it is returned in the list as a `RejectedInput`
(not raised) whose origin names the file and line (`feed.jsonl:12`) or item (`dump.json:item 3`).

A `.jsonl` file of any size is streamed (`stream_jsonl`): read a line at a time and cleaned in
windows of at most REPEAT_WINDOW_ARTICLES articles (and REPEAT_WINDOW_BYTES of lines), so memory
holds one window, never the file. The lines one source repeats in 5+ articles
(`boilerplate.repeated`) are found within each window: a file up to a window long is cleaned
exactly as a whole; in a longer one a site's furniture is caught in every window holding 5 of
that source's articles. The windows depend only on the file, so a re-run cleans every article the
same way and finds it unchanged (an interrupted import resumes).
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from ..boilerplate import clean_articles
from ..clean import decode, normalize_line, normalize_text, split_paragraphs
from ..dates import parse_date
from ..errors import RejectedInput
from ..models import Article

_ALIASES = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "paragraphs"),
    "source": ("source", "site", "sitename", "publisher"),
    "url": ("url", "link"),
    "published": ("published", "date", "published_at", "pubDate"),
    "author": ("author", "byline"),
}


def _field(obj: dict[str, Any], name: str) -> Any:
    for key in _ALIASES[name]:
        value = obj.get(key)
        if value not in (None, ""):
            return value
    return ""


def _string(value: Any, name: str, origin: str) -> str:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        value = value["name"]  # {"name": ...} as in JSON-LD authors and publishers
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)
    if not isinstance(value, str | int | float):
        raise RejectedInput(origin, f"field {name!r} must be text, not {type(value).__name__}")
    return normalize_line(str(value))


def _paragraphs(value: Any, origin: str) -> list[str]:
    if isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise RejectedInput(origin, "field 'text' must be text or a list of paragraphs (strings)")
        return [p for p in (normalize_line(item) for item in value) if p]
    if not isinstance(value, str):
        raise RejectedInput(origin, f"field 'text' must be text, not {type(value).__name__}")
    text = normalize_text(value)
    if "\n\n" not in text:
        return [line for line in text.split("\n") if line]
    return split_paragraphs(text)


def parse_object(obj: Any, origin: str) -> Article:
    """One JSON object to an Article; raises RejectedInput naming `origin` and the problem."""
    if not isinstance(obj, dict):
        raise RejectedInput(origin, f"expected a JSON object with 'title' and 'text', got {type(obj).__name__}")
    title = _string(_field(obj, "title"), "title", origin)
    if not title:
        raise RejectedInput(origin, "missing 'title'")
    paragraphs = _paragraphs(_field(obj, "text"), origin)
    if not paragraphs:
        raise RejectedInput(origin, "missing 'text' (no paragraphs)")
    url = _string(_field(obj, "url"), "url", origin)
    if url and not url.startswith(("http://", "https://")):
        raise RejectedInput(origin, f"'url' must be an http(s) address, got {url[:80]!r}")
    return Article(
        title=title,
        paragraphs=tuple(paragraphs),
        source=_string(_field(obj, "source"), "source", origin),
        url=url,
        published=parse_date(_field(obj, "published")),
        author=_string(_field(obj, "author"), "author", origin),
        origin=origin,
    )


def _one(obj: Any, origin: str) -> Article | RejectedInput:
    try:
        return parse_object(obj, origin)
    except RejectedInput as exc:
        return exc


REPEAT_WINDOW_ARTICLES = 2000
REPEAT_WINDOW_BYTES = 32 * 1024 * 1024
"""A window of a streamed .jsonl file: cleaned together, so its repeated lines are found."""


def _line_text(raw: bytes, first: bool) -> str:
    """One line's text: UTF-8 (a BOM on the first line), else cp1252/Latin-1, as `clean.decode` does."""
    try:
        return raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _refuse_binary(stream: BinaryIO, origin: str) -> None:
    """Binary content is refused whole, as `clean.decode` refuses a read file (by its first 8 KiB)."""
    head = stream.read(8192)
    stream.seek(0)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            head = head[: exc.start]
    if head.strip():
        decode(head, origin)


def iter_jsonl(stream: BinaryIO, origin: str) -> Iterator[Article | RejectedInput]:
    """The objects of a .jsonl stream (one per line, blank lines skipped) as read, before cleaning.

    A line at a time: memory holds one line. A file with no JSON line at all, or binary content,
    is one RejectedInput for the file, raised.
    """
    _refuse_binary(stream, origin)
    found = False
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        found = True
        where = f"{origin}:{number}"
        try:
            obj = json.loads(_line_text(raw, number == 1))
        except json.JSONDecodeError as exc:
            yield RejectedInput(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        yield _one(obj, where)
    if not found:
        raise RejectedInput(origin, "no JSON lines found")


def cleaned_windows(items: Iterable[Article | RejectedInput]) -> Iterator[Article | RejectedInput]:
    """`clean_articles` over consecutive windows of `items` (see the module's note), in order."""
    window: list[Article | RejectedInput] = []
    size = 0
    for item in items:
        window.append(item)
        if isinstance(item, Article):
            size += sum(len(p) for p in item.paragraphs) + len(item.title)
        if len(window) >= REPEAT_WINDOW_ARTICLES or size >= REPEAT_WINDOW_BYTES:
            yield from clean_articles(window)
            window, size = [], 0
    yield from clean_articles(window)


def stream_jsonl(stream: BinaryIO, origin: str) -> Iterator[Article | RejectedInput]:
    """Streaming reader for .jsonl: its articles without boilerplate paragraphs, window by window."""
    return cleaned_windows(iter_jsonl(stream, origin))


def parse_jsonl(data: bytes, origin: str) -> list[Article | RejectedInput]:
    """The objects of .jsonl bytes (one per line, blank lines skipped) as read, before cleaning."""
    if not data.strip():
        raise RejectedInput(origin, "empty file (no text)")
    return list(iter_jsonl(io.BytesIO(data), origin))


def read_jsonl(data: bytes, origin: str) -> list[Article | RejectedInput]:
    """Reader for .jsonl bytes (an upload): its articles without boilerplate paragraphs (`index.boilerplate`)."""
    return list(stream_jsonl(io.BytesIO(data), origin))


def read_json(data: bytes, origin: str) -> list[Article | RejectedInput]:
    """Reader for .json: its articles without boilerplate paragraphs (`index.boilerplate`)."""
    return clean_articles(parse_json(data, origin))


def parse_json(data: bytes, origin: str) -> list[Article | RejectedInput]:
    """A .json file's articles (one object, a list of them, or {"articles": [...]}) before cleaning."""
    try:
        doc = json.loads(decode(data, origin))
    except json.JSONDecodeError as exc:
        if "\n{" in data.decode("utf-8", errors="replace"):
            return parse_jsonl(data, origin)  # JSON Lines saved as .json
        raise RejectedInput(origin, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    if isinstance(doc, dict):
        return [_one(doc, origin)]
    if not isinstance(doc, list) or not doc:
        raise RejectedInput(origin, "expected a JSON object or a non-empty list of article objects")
    return [_one(obj, f"{origin}:item {index}") for index, obj in enumerate(doc, start=1)]
