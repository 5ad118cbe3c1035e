"""Bulk JSON and JSON Lines: one article per object; a bad item is reported and the rest still read."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import RejectedInput
from index.models import Article
from index.readers import iter_files, partition, read_bytes, read_path

GOOD = {
    "title": "Port strike ends after pay deal",
    "text": "Dock workers returned to work on Monday.\n\nThe deal raises pay by six percent over two years.",
    "source": "Harbour Times",
    "url": "https://harbour.example.com/strike-ends",
    "published": "Mon, 04 Mar 2024 07:00:00 GMT",
    "author": "Ana Ruiz",
}


def _jsonl(*objects: object) -> bytes:
    return "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objects).encode()


def test_jsonl_reads_every_field() -> None:
    [article] = read_bytes("dump.jsonl", _jsonl(GOOD))
    assert article == Article(
        title="Port strike ends after pay deal",
        paragraphs=("Dock workers returned to work on Monday.", "The deal raises pay by six percent over two years."),
        source="Harbour Times",
        url="https://harbour.example.com/strike-ends",
        published="2024-03-04T07:00:00+00:00",
        author="Ana Ruiz",
        origin="dump.jsonl:1",
    )


def test_bad_lines_are_reported_by_line_and_the_rest_are_read() -> None:
    second = dict(GOOD, title="Ferry timetable changes", url="")
    data = _jsonl(GOOD, "{not json", {"title": "No text"}, "", [1, 2], {"text": "no title"},
                  dict(GOOD, url="javascript:alert(1)"), second)
    articles, rejected = partition(read_bytes("dump.jsonl", data))
    assert [a.title for a in articles] == ["Port strike ends after pay deal", "Ferry timetable changes"]
    assert [a.origin for a in articles] == ["dump.jsonl:1", "dump.jsonl:8"]
    reasons = {r.origin: r.reason for r in rejected}
    assert set(reasons) == {"dump.jsonl:2", "dump.jsonl:3", "dump.jsonl:5", "dump.jsonl:6", "dump.jsonl:7"}
    assert reasons["dump.jsonl:2"].startswith("not valid JSON")
    assert "text" in reasons["dump.jsonl:3"]
    assert "title" in reasons["dump.jsonl:6"]
    assert "url" in reasons["dump.jsonl:7"]
    assert str(rejected[0]).startswith("dump.jsonl:2: ")


def test_single_line_breaks_separate_paragraphs_when_there_are_no_blank_lines() -> None:
    [article] = read_bytes("a.jsonl", _jsonl(dict(GOOD, text="One.\nTwo.\r\nThree.")))
    assert article.paragraphs == ("One.", "Two.", "Three.")


def test_paragraph_lists_aliases_and_json_ld_style_authors() -> None:
    obj = {"headline": "Snow closes mountain pass", "paragraphs": ["First\u00a0 para.", "", "Second para."],
           "link": "https://alps.example.com/pass", "date": "18 June 2024",
           "author": {"@type": "Person", "name": "Jo Weiss"}}
    [article] = read_bytes("one.json", json.dumps(obj).encode())
    assert article.title == "Snow closes mountain pass"
    assert article.paragraphs == ("First para.", "Second para.")
    assert article.published == "2024-06-18"
    assert article.author == "Jo Weiss"
    assert article.origin == "one.json"


def test_json_list_and_articles_wrapper_name_items() -> None:
    items = read_bytes("many.json", json.dumps({"articles": [GOOD, {"title": 5, "text": {}}]}).encode())
    articles, rejected = partition(items)
    assert [a.origin for a in articles] == ["many.json:item 1"]
    assert rejected[0].origin == "many.json:item 2"


def test_jsonl_saved_as_json_still_reads() -> None:
    articles, rejected = partition(read_bytes("lines.json", _jsonl(GOOD, GOOD)))
    assert len(articles) == 2 and not rejected


@pytest.mark.parametrize("data", [b"", b"{broken", b"[]", b"42"])
def test_unreadable_json_files_are_rejected_whole(data: bytes) -> None:
    with pytest.raises(RejectedInput) as info:
        read_bytes("bad.json", data)
    assert info.value.origin == "bad.json"


def test_latin1_jsonl_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    path.write_bytes('{"title": "Caf\u00e9 reopens", "text": "The caf\u00e9 reopened."}'.encode("latin-1"))
    [article] = read_path(path)
    assert article.title == "Café reopens"


def test_folders_include_html_json_and_jsonl(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "c.html", "d.json", "sub/e.jsonl", "f.pdf", ".hidden.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a.txt", "b.md", "c.html", "d.json", "sub/e.jsonl"]
