"""Readers turn files into Articles; each format is one module registered here by suffix."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from ..errors import RejectedInput
from ..models import Article
from . import html, jsonfile, plaintext

ReadItem = Article | RejectedInput
"""A reader returns articles, and for bulk formats also the items it rejected (returned, not raised)."""
Reader = Callable[[bytes, str], Sequence[ReadItem]]
StreamReader = Callable[[BinaryIO, str], Iterator[ReadItem]]
MAX_FILE_BYTES = 20 * 1024 * 1024
"""The most read whole: an upload, or a file of a format that is not streamed (a .jsonl file is, at any size)."""

READERS: dict[str, Reader] = {
    ".txt": plaintext.read,
    ".md": plaintext.read,
    ".html": html.read,
    ".htm": html.read,
    ".json": jsonfile.read_json,
    ".jsonl": jsonfile.read_jsonl,
}

STREAMED: dict[str, StreamReader] = {
    ".jsonl": jsonfile.stream_jsonl,
}
"""Formats read from a file as a stream, with bounded memory and no size limit (`iter_path`)."""


def read_bytes(name: str, data: bytes, origin: str | None = None) -> list[ReadItem]:
    """Read the articles in `data`, choosing the reader by the suffix of `name`."""
    origin = origin or name
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise RejectedInput(origin, f"unsupported file type {suffix or '(none)'!r}; expected one of {known}")
    if len(data) > MAX_FILE_BYTES:
        raise RejectedInput(origin, f"too large ({len(data):,} bytes; the limit is {MAX_FILE_BYTES:,})")
    return list(reader(data, origin))


def read_path(path: Path) -> list[ReadItem]:
    """Read one file; every failure is a RejectedInput naming the file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RejectedInput(str(path), f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise RejectedInput(str(path), f"unreadable ({exc.strerror or exc})") from None
    return [_keyed(item, path) for item in read_bytes(path.name, data, origin=str(path))]


def iter_path(path: Path) -> Iterator[ReadItem]:
    """One file's items as they are read: a streamed format a line at a time, others whole.

    Every failure is a RejectedInput naming the file (or line), yielded, never raised.
    """
    stream = STREAMED.get(path.suffix.lower())
    if stream is None:
        try:
            yield from read_path(path)
        except RejectedInput as exc:
            yield exc
        return
    try:
        with path.open("rb") as handle:
            for item in stream(handle, str(path)):
                yield _keyed(item, path)
    except RejectedInput as exc:
        yield exc
    except OSError as exc:
        yield RejectedInput(str(path), f"unreadable ({exc.strerror or exc})")


def iter_items(paths: Iterable[Path]) -> Iterator[ReadItem]:
    """The items of files and folders (`iter_files`), streamed file after file."""
    for path in iter_files(paths):
        yield from iter_path(path)


def count_items(paths: Iterable[Path]) -> int:
    """About how many items `iter_items` yields, for a progress bar: the non-blank lines of a
    streamed file (a line at a time), one for any other file."""
    total = 0
    for path in iter_files(paths):
        if path.suffix.lower() not in STREAMED:
            total += 1
            continue
        try:
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            total += 1
    return total


def _keyed(item: ReadItem, path: Path) -> ReadItem:
    """Give an article without a url its file (and item within it) as identity, for re-ingests."""
    if isinstance(item, RejectedInput) or item.url:
        return item
    within = item.origin[len(str(path)) :] if item.origin.startswith(str(path)) else ""
    return replace(item, key=f"file:{path.resolve()}{within}")


def partition(items: Iterable[ReadItem]) -> tuple[list[Article], list[RejectedInput]]:
    """Split a reader's result into the articles and the rejected items."""
    articles: list[Article] = []
    rejected: list[RejectedInput] = []
    for item in items:
        if isinstance(item, RejectedInput):
            rejected.append(item)
        else:
            articles.append(item)
    return articles, rejected


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and files of a known type inside folders (recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in READERS and not child.name.startswith("."):
                    yield child
        else:
            yield path
