"""The plain-text reader on the shipped, scraped Al Jazeera article and on the documented format."""
from __future__ import annotations

import pytest

from index.errors import RejectedInput
from index.readers import read_bytes, read_path
from tests.conftest import SHIPPED


@pytest.fixture(scope="module")
def article():  # type: ignore[no-untyped-def]
    [article] = read_path(SHIPPED)
    return article


def test_title_is_the_headline_not_the_template_junk(article) -> None:  # type: ignore[no-untyped-def]
    assert article.title == "Putin's Visit to North Korea After 24 Years"


def test_source_line_becomes_the_source(article) -> None:  # type: ignore[no-untyped-def]
    assert article.source == "ALJAZEERA"
    assert not any(p.startswith("Source:") for p in article.paragraphs)


def test_junk_header_repeated_title_footer_and_nbsp_lines_are_dropped(article) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(article.paragraphs)
    for junk in ("__temp__", "__location__", "`", "Leave a comment", "Your email address",
                 "ALJAZEERA MEDIA NETWORK", "\u00a0", "Required fields"):
        assert junk not in text
    assert article.title not in article.paragraphs
    assert all(p.strip() for p in article.paragraphs)


def test_heading_is_not_a_passage(article) -> None:  # type: ignore[no-untyped-def]
    assert "'Axis of transactionalism'" not in article.paragraphs


def test_paragraphs_are_the_articles_text_verbatim_in_order(article) -> None:  # type: ignore[no-untyped-def]
    raw = SHIPPED.read_text(encoding="utf-8")
    assert len(article.paragraphs) == 25
    assert article.paragraphs[0].startswith("Russian President Vladimir Putin to meet")
    assert article.paragraphs[-1] == "After concluding his visit to Pyongyang, Putin will travel to Vietnam."
    positions = [raw.index(p) for p in article.paragraphs]
    assert positions == sorted(positions)
    assert any("Andrei Belousov, Foreign Minister Sergey Lavrov" in p for p in article.paragraphs)


def test_front_matter_format() -> None:
    text = (
        "---\ntitle: Harbour reopens\nsource: Coast Times\nurl: https://example.org/harbour\n"
        "published: 2024-05-02\nauthor: A. Writer\n---\n\nThe harbour reopened on Monday.\n\n"
        "Fishing boats returned at dawn.\n"
    )
    [article] = read_bytes("harbour.md", text.encode())
    assert (article.title, article.source, article.url, article.published, article.author) == (
        "Harbour reopens", "Coast Times", "https://example.org/harbour", "2024-05-02", "A. Writer")
    assert article.paragraphs == ("The harbour reopened on Monday.", "Fishing boats returned at dawn.")


def test_markdown_title_and_wrapped_lines() -> None:
    [article] = read_bytes("a.md", b"# Storm warning\n\nHigh winds are\nexpected tonight.\n")
    assert article.title == "Storm warning"
    assert article.paragraphs == ("High winds are expected tonight.",)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n \xc2\xa0\n", "empty"),
        ("binary.txt", b"\x00\x01\x02garbage", "binary"),
        ("page.txt", b"<!DOCTYPE html><html><body>hi</body></html>", "HTML"),
        ("title-only.txt", b"Just a title\n", "no article text"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_bad_files_are_rejected_with_the_file_and_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput) as caught:
        read_bytes(name, data)
    assert caught.value.origin == name
    assert reason in caught.value.reason


def test_latin1_file_is_read() -> None:
    [article] = read_bytes("old.txt", "Café reopens\n\nThe café in Zürich reopened.\n".encode("latin-1"))
    assert article.paragraphs == ("The café in Zürich reopened.",)
