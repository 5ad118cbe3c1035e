"""HTML pages become articles with their main text and metadata; page furniture is dropped."""
from __future__ import annotations

import pytest

from index.errors import RejectedInput
from index.readers import read_bytes, read_path
from index.readers.html import read_html
from tests.webfixtures import WEB


def test_news_page_keeps_article_and_drops_furniture() -> None:
    [article] = read_path(WEB / "news_page.html")
    assert article.title == "Harbour bridge reopens after repairs"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("The harbour bridge reopened to traffic on Tuesday morning")
    assert article.paragraphs[-1].startswith("The council said a weight limit")
    text = "\n".join(article.paragraphs)
    for furniture in ("cookies", "ADVERTISEMENT", "Subscribe", "Related stories", "Ferry workers",
                      "taxpayer money", "Copyright", "Weather"):
        assert furniture not in text, furniture


def test_news_page_metadata() -> None:
    [article] = read_path(WEB / "news_page.html")
    assert article.author == "Maria Delgado"
    assert article.source == "Coastline Courier"
    assert article.url == "https://courier.example.com/news/harbour-bridge-reopens"
    assert article.published.startswith("2024-03-05")
    assert article.origin.endswith("news_page.html")


def test_json_ld_metadata_wins_over_a_poor_title_tag() -> None:
    [article] = read_path(WEB / "jsonld_page.html")
    assert article.title == "Glacier retreat doubles in a decade, survey finds"
    assert article.author == "Henrik Olsen"
    assert article.published.startswith("2023-11-20")
    assert article.source == "Nordic Science Wire"
    assert article.url == "https://wire.example.org/science/glacier-retreat"
    assert len(article.paragraphs) == 4
    assert "Front page" not in " ".join(article.paragraphs)


def test_page_without_date_has_empty_published() -> None:
    [article] = read_path(WEB / "undated_page.html")
    assert article.title == "Library extends opening hours for exam season"
    assert article.published == ""
    assert len(article.paragraphs) == 3
    assert "café" in article.paragraphs[2]


def test_fetched_page_falls_back_to_its_url_and_host() -> None:
    data = (WEB / "undated_page.html").read_bytes()
    article = read_html(data, "https://www.uni.example.net/news/1", url="https://www.uni.example.net/news/1")
    assert article.url == "https://www.uni.example.net/news/1"
    assert article.source == "uni.example.net"


def test_line_breaks_inside_a_paragraph_become_spaces() -> None:
    page = (b"<html><head><title>Storm warning issued</title></head><body><article>"
            b"<h1>Storm warning issued</h1><p>Winds of up to 120 km/h are expected<br>along the coast tonight, "
            b"forecasters said on Friday.</p><p>Residents were told to stay indoors and secure loose objects.</p>"
            b"</article></body></html>")
    [article] = read_bytes("storm.html", page)
    assert article.paragraphs[0] == ("Winds of up to 120 km/h are expected along the coast tonight, "
                                     "forecasters said on Friday.")


@pytest.mark.parametrize("declared", [True, False])
def test_latin1_page_is_decoded(declared: bool) -> None:
    head = b'<meta charset="iso-8859-1">' if declared else b""
    page = (b"<html><head>" + head + b"<title>Caf\xe9 owners protest new r\xe8gles</title></head><body><article>"
            b"<h1>Caf\xe9 owners protest new r\xe8gles</h1>"
            b"<p>Owners of caf\xe9s in the old town protested on Monday against the new opening rules.</p>"
            b"<p>The mayor said the r\xe8gles would be reviewed in the autumn after a public consultation.</p>"
            b"</article></body></html>")
    [article] = read_bytes("cafe.htm", page)
    assert article.title == "Café owners protest new règles"
    assert "cafés" in article.paragraphs[0]


@pytest.mark.parametrize(
    "page",
    [b"<html><head><title>Nothing here</title></head><body></body></html>", b"   ", b"\x00\x01binary"],
)
def test_pages_without_an_article_are_rejected_by_name(page: bytes) -> None:
    with pytest.raises(RejectedInput) as info:
        read_bytes("empty.html", page)
    assert info.value.origin == "empty.html"
