"""Scraped pages lose their navigation, captions, ads and promos at ingest; the news stays verbatim."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from index.boilerplate import clean_articles, clean_paragraphs, junk_rule, strip_dateline
from index.errors import RejectedInput
from index.models import Article
from index.readers import partition, read_bytes, read_path
from tests.conftest import ROOT

NEWS = [
    "The city council voted 7-2 on Tuesday to close the Elm Street bridge for repairs.",
    "Repairs are expected to take eight months and cost $4.2 million, officials said.",
]


def _article(*junk: str) -> list[str]:
    """A short news article with `junk` paragraphs between its two real ones."""
    return [NEWS[0], *junk, NEWS[1]]


@pytest.mark.parametrize(
    ("rule", "junk"),
    [
        ("dateline", ["Lisbon CNN —"]),
        ("dateline", ["CNN —"]),
        ("caption", ["Show Caption", "Hide Caption", "Image 3 of 12"]),
        ("caption", ["Workers inspect the bridge deck on Monday. Maria Lopes/Harbour Press/Getty Images"]),
        ("caption", ["Getty Images", "(Image credit: Getty Images)", "Photo: Tom Reed/AP"]),
        ("advertisement", ["Advertisement", "ADVERTISEMENT", "Story continues below advertisement"]),
        ("advertisement", ["Prices were accurate at the time of writing but may change."]),
        ("promo", ["Sign up for our Morning Bridge newsletter. Get the day's top stories delivered to your inbox."]),
        ("promo", ["Support local journalism. Subscribe to the Riverside Gazette today."]),
        ("navigation", ["Read more:", "RELATED:", "Up next"]),
        ("social", ["Share this article", "Facebook", "Follow Ana Ruiz on Twitter: @anaruiz_news"]),
        ("update note", ["This story has been updated with additional details."]),
        ("update note", ["A version of this story first appeared in the Weekend Wrap newsletter."]),
        ("author bio", ["Ana Ruiz covers transport for the Gazette. Reach her at aruiz@gazette.example."]),
        ("author bio", ["Contact Tom Reed at (555) 201-3344 or follow him on Twitter @tomreed."]),
        ("credit", ["Contributing: Tom Reed, Riverside Gazette", "Associated Press", "From staff and wire reports"]),
        ("signoff", ["— Ana Ruiz", "-- Tom Reed, Riverside Gazette"]),
        ("consent", ["We use cookies to improve your experience. Read our privacy policy."]),
        ("no words", ["___", "* * *", "◆ ◆ ◆"]),
    ],
)
def test_each_rule_drops_its_kind_of_line(rule: str, junk: list[str]) -> None:
    counts: Counter[str] = Counter()
    assert clean_paragraphs(_article(*junk), counts=counts) == NEWS
    assert counts == {rule: len(junk)}


@pytest.mark.parametrize(
    "sentence",
    [
        "He signed up for the Army at 18 and served two tours overseas.",
        "The caption read: \"Never again,\" and the photo went viral within hours.",
        "More than 2 million people subscribe to the streaming service, the company said.",
        "Advertisers pulled $40 million from the network after the broadcast.",
        "Anyone with information is asked to call police at 555-201-9000.",
        "Lawmakers questioned the app's terms of service, which ban the sale of drugs.",
        "The story has been told many times, but never by the survivors themselves.",
        "Related: the mayor said the closure had nothing to do with the election.",
        "Officials said the bridge, built in 1931, carries 20,000 cars a day.",
        "Loan assistance: $5,000 per household, paid in two installments.",
        "WASHINGTON (AP) — The Senate passed the bill 52-48 late Thursday.",
        "Leeds v Hull/Bristol",
        "12,500",
    ],
)
def test_real_sentences_with_trigger_words_are_kept(sentence: str) -> None:
    assert junk_rule(sentence) is None
    assert clean_paragraphs([sentence]) == [sentence]


def test_a_dateline_is_stripped_and_the_rest_kept_verbatim() -> None:
    paragraph = "CNN — The Elm Street bridge will close on Monday, the city said – for eight months."
    rest = "The Elm Street bridge will close on Monday, the city said – for eight months."
    assert strip_dateline(paragraph) == rest
    counts: Counter[str] = Counter()
    [kept] = clean_paragraphs([paragraph], counts=counts)
    assert paragraph.endswith(kept) and kept.startswith("The Elm Street")
    assert counts == {"dateline stripped": 1}


def test_a_place_dateline_inside_a_paragraph_is_kept() -> None:
    paragraph = "LISBON (AP) — Portugal's parliament approved the budget on Friday."
    assert strip_dateline(paragraph) == paragraph


def _site_article(number: int, extra: str) -> Article:
    return Article(
        title=f"Story {number}",
        paragraphs=(f"Story {number} begins with its own news, told in a full sentence.", extra),
        source="gazette.example",
    )


def test_lines_a_source_repeats_across_an_import_are_dropped() -> None:
    heading = "Around the Riverside region"
    fact = "The state lottery draws its numbers every Tuesday and Friday at 11 p.m."
    articles = [_site_article(n, heading) for n in range(5)] + [_site_article(n, fact) for n in range(5, 10)]
    cleaned = clean_articles(articles)
    assert all(heading not in a.paragraphs for a in cleaned)  # type: ignore[union-attr]
    assert [fact in a.paragraphs for a in cleaned[5:]] == [True, False, False, False, False]  # type: ignore[union-attr]
    assert clean_articles(articles[:4]) == articles[:4]  # four articles are not yet a pattern


def test_an_article_of_only_boilerplate_is_rejected() -> None:
    [item] = clean_articles([Article(title="Newsletter", paragraphs=("Advertisement", "Show Caption"), origin="x:1")])
    assert isinstance(item, RejectedInput)
    assert "boilerplate" in str(item)


def test_jsonl_through_the_readers_gives_the_cleaned_paragraphs(tmp_path: Path) -> None:
    text = "\n\n".join(
        ["Lisbon CNN —", NEWS[0], "Workers inspect the deck. Maria Lopes/Harbour Press/Getty Images",
         "Sign up for our Morning Bridge newsletter here.", NEWS[1], "Advertisement", "— Ana Ruiz"]
    )
    row = {"title": "Elm Street bridge to close", "text": text, "url": "https://gazette.example/bridge"}
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps(row) + "\n" + json.dumps({**row, "title": "Only ads", "text": "Advertisement"}))
    articles, rejected = partition(read_path(path))
    assert [a.paragraphs for a in articles] == [tuple(NEWS)]
    assert [r.origin for r in rejected] == [f"{path}:2"]


def test_text_and_json_readers_clean_too() -> None:
    text = "Elm Street bridge to close\n\n" + "\n\n".join(_article("Show Caption", "Advertisement"))
    [article] = read_bytes("bridge.txt", text.encode())
    assert article.paragraphs == tuple(NEWS)
    [article] = read_bytes("bridge.json", json.dumps({"title": "Bridge", "text": _article("Read more:")}).encode())
    assert article.paragraphs == tuple(NEWS)


def test_the_shipped_article_keeps_every_paragraph() -> None:
    [article] = read_path(ROOT / "data" / "aljazeera-putin-north-korea-visit.txt")
    assert len(article.paragraphs) == 25
    assert any("Belousov" in p and "Lavrov" in p and "Novak" in p for p in article.paragraphs)
