"""Bulk JSON and JSON Lines: one article per object.

Each object has `title` and `text` (paragraphs separated by blank lines, or by single line
breaks when there are no blank lines; a list of strings is taken as the paragraphs), and
optionally `source`, `url`, `published` (any format `index.dates` reads; `date` also works)
and `author`. A `.jsonl` file holds one object per line; a `.json` file holds one object, a
list of objects, or `{"articles": [...]}`.

One bad object never stops the others: it is returned in the list as a `RejectedInput`
(not raised) whose origin names the file and line (`feed.jsonl:12`) or item (`dump.json:item 3`).
"""
from __future__ import annotations

import json
from typing import Any

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


def parse_jsonl(data: bytes, origin: str) -> list[Article | RejectedInput]:
    """The objects of a .jsonl file (one per line, blank lines skipped) as read, before cleaning."""
    items: list[Article | RejectedInput] = []
    for number, line in enumerate(decode(data, origin).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(RejectedInput(where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        items.append(_one(obj, where))
    if not items:
        raise RejectedInput(origin, "no JSON lines found")
    return items


def read_jsonl(data: bytes, origin: str) -> list[Article | RejectedInput]:
    """Reader for .jsonl: its articles without boilerplate paragraphs (`index.boilerplate`)."""
    return clean_articles(parse_jsonl(data, origin))


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
