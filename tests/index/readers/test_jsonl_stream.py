"""A .jsonl file of any size is streamed: read a line at a time and cleaned a window at a time."""
from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from index import readers
from index.boilerplate import clean_articles
from index.errors import RejectedInput
from index.models import Article
from index.readers import jsonfile


def _line(n: int, source: str = "Harbour Times", extra: tuple[str, ...] = ()) -> str:
    text = "\n\n".join((f"Ferry number {n} left the harbour at dawn with {n} passengers aboard.", *extra))
    return json.dumps({"title": f"Ferry {n} sails", "text": text, "source": source})


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_over_the_upload_limit_streams_lazily_in_bounded_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 4096)
    monkeypatch.setattr(jsonfile, "REPEAT_WINDOW_ARTICLES", 10)
    windows: list[int] = []
    parsed: list[str] = []

    def cleaning(items: list[Article | RejectedInput]) -> list[Article | RejectedInput]:
        windows.append(len(items))
        return clean_articles(items)

    def one(obj: object, origin: str) -> Article | RejectedInput:
        parsed.append(origin)
        return jsonfile.parse_object(obj, origin)

    monkeypatch.setattr(jsonfile, "clean_articles", cleaning)
    monkeypatch.setattr(jsonfile, "_one", one)
    path = write_jsonl(tmp_path / "big.jsonl", [_line(n) for n in range(1, 96)])
    assert path.stat().st_size > readers.MAX_FILE_BYTES
    with pytest.raises(RejectedInput, match="too large"):
        readers.read_path(path)  # read whole (an upload) it is still refused

    items = readers.iter_path(path)
    assert inspect.isgenerator(items)
    first = next(items)
    assert isinstance(first, Article) and first.origin == f"{path}:1"
    assert len(parsed) == 10  # one window read, not the file
    rest = list(items)
    assert len(rest) == 94 and readers.count_items([path]) == 95
    assert windows == [10] * 9 + [5]
    assert all(isinstance(a, Article) and a.key.startswith("file:") for a in rest)


def test_lines_a_source_repeats_are_dropped_within_each_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonfile, "REPEAT_WINDOW_ARTICLES", 6)
    furniture = "Read the Harbour Times every morning"
    lines = [_line(n, extra=(furniture,)) for n in range(1, 13)]
    lines[7] = _line(8, source="Other Paper", extra=(furniture,))  # the second window has 5 of this source
    items = list(readers.iter_path(write_jsonl(tmp_path / "news.jsonl", lines)))
    paragraphs = [p for item in items if isinstance(item, Article) for p in item.paragraphs]
    assert len(items) == 12 and furniture not in paragraphs


def test_bad_lines_are_rejected_by_number_and_the_rest_read(tmp_path: Path) -> None:
    lines = [_line(1), "{not json", "", json.dumps({"title": "No text"}), _line(5)]
    articles, rejected = readers.partition(readers.iter_path(write_jsonl(tmp_path / "d.jsonl", lines)))
    assert [a.origin for a in articles] == [f"{tmp_path / 'd.jsonl'}:1", f"{tmp_path / 'd.jsonl'}:5"]
    assert [r.origin for r in rejected] == [f"{tmp_path / 'd.jsonl'}:2", f"{tmp_path / 'd.jsonl'}:4"]
    assert rejected[0].reason.startswith("not valid JSON")


@pytest.mark.parametrize("data, reason", [(b"", "no JSON lines"), (b"\n\n", "no JSON lines"),
                                          (b"\x00\x01binary\n", "binary content")])
def test_a_file_with_no_lines_is_one_rejection(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(data)
    [item] = readers.iter_path(path)
    assert isinstance(item, RejectedInput) and item.origin == str(path) and reason in item.reason


def test_each_line_falls_back_to_latin1_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(_line(1).encode() + b"\n" + '{"title": "Caf\u00e9", "text": "The caf\u00e9 reopened."}'.encode("latin-1"))
    [one, two] = readers.iter_path(path)
    assert isinstance(one, Article) and isinstance(two, Article) and two.title == "Café"
