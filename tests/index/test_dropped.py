"""What cleaning dropped from scraped pages is counted per article and told to the user in words."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from index.boilerplate import REASON_WORDS, RULES, dropped, dropped_in, dropped_summary
from index.ingesting import content_hash, identity_key
from index.library import Library
from index.models import Article, IngestResult
from index.readers import partition, read_bytes, read_path
from tests.conftest import ROOT

SCRAPED = ROOT / "tests" / "fixtures" / "scraped"


def test_a_scraped_text_page_counts_what_each_rule_dropped() -> None:
    [article] = read_path(SCRAPED / "ferry-strike.txt")
    assert isinstance(article, Article)
    assert len(article.paragraphs) == 4 and article.paragraphs[0].startswith("Ferry crews")
    assert dict(article.dropped) == {"caption": 2, "dateline": 1, "promo": 1, "social": 1,
                                     "advertisement": 1, "credit": 1, "signoff": 1}
    assert article.dropped[0] == ("caption", 2)  # most first


def test_a_scraped_html_page_counts_what_trafilatura_let_through_and_the_rules_dropped() -> None:
    [article] = read_path(SCRAPED / "tram-line.html")
    assert isinstance(article, Article)
    assert len(article.paragraphs) == 4
    assert dict(article.dropped) == {"advertisement": 1, "caption": 1, "promo": 1, "social": 1, "signoff": 1}


def test_a_scraped_jsonl_counts_per_article_with_the_lines_a_site_repeats() -> None:
    articles, rejected = partition(read_path(SCRAPED / "matches.jsonl"))
    assert [len(a.paragraphs) for a in articles] == [2] * 6
    assert all("Follow every game" not in p for a in articles for p in a.paragraphs)
    assert [dict(a.dropped).get("repeated", 0) for a in articles] == [1, 1, 1, 1, 1, 0]
    assert dict(articles[2].dropped) == {"caption": 1, "repeated": 1, "navigation": 1, "social": 1}
    assert dropped_in(articles) == Counter(caption=6, repeated=5, navigation=1, social=1, promo=1)
    assert [r.origin for r in rejected] == [f"{SCRAPED / 'matches.jsonl'}:7"]  # only boilerplate


def test_the_summary_says_how_many_and_why_most_frequent_first() -> None:
    articles, _ = partition(read_path(SCRAPED / "matches.jsonl"))
    assert dropped_summary(dropped_in(articles)) == (
        "dropped 14 paragraphs that carry no content: 6 photo captions and credits, "
        "5 lines a site repeats in its articles, 1 navigation label, 1 newsletter or subscription promo, "
        "1 share or follow button"
    )
    assert dropped_summary(Counter(advertisement=1)) == "dropped 1 paragraph that carries no content: 1 ad"
    assert dropped_summary(Counter(caption=1204)) == (
        "dropped 1,204 paragraphs that carry no content: 1,204 photo captions and credits"
    )
    assert dropped_summary(Counter()) == ""
    assert dropped_summary({"dateline stripped": 3}) == ""  # the rest of the paragraph was kept


def test_every_rule_has_words_for_the_user() -> None:
    assert set(REASON_WORDS) == {name for name, _ in RULES} | {"repeated"}


def test_a_clean_article_drops_nothing_and_says_nothing() -> None:
    [article] = read_path(ROOT / "data" / "aljazeera-putin-north-korea-visit.txt")
    assert isinstance(article, Article)
    assert article.dropped == ()
    assert dropped_summary(dropped_in([article])) == ""


def test_the_counts_are_not_part_of_the_articles_identity_or_content() -> None:
    [article] = read_path(SCRAPED / "ferry-strike.txt")
    assert isinstance(article, Article) and article.dropped
    bare = replace(article, dropped=())
    assert article == bare and hash(article) == hash(bare)
    assert content_hash(article) == content_hash(bare)
    assert identity_key(article) == identity_key(bare)


def test_dropped_leaves_out_stripped_datelines_and_orders_ties_by_name() -> None:
    assert dropped({"social": 2, "caption": 2, "dateline stripped": 5, "promo": 0}) == (("caption", 2), ("social", 2))


async def test_ingest_results_carry_the_counts_added_or_unchanged(library: Library) -> None:
    text = (SCRAPED / "ferry-strike.txt").read_bytes()
    [first] = await library.ingest_bytes("ferry-strike.txt", text)
    [again] = await library.ingest_bytes("ferry-strike.txt", text)
    assert (first.status, again.status) == ("added", "unchanged")
    assert first.dropped == again.dropped and dict(first.dropped)["caption"] == 2
    assert first.passages == 4
    stored = await library.passages(first.article_id)
    assert [p.text for p in stored][0].startswith("Ferry crews")
    rejected = IngestResult.rejected("x.txt", "binary content")
    assert dropped_in([first, rejected]) == Counter(dict(first.dropped))


def test_uploaded_bytes_are_counted_as_files_are() -> None:
    [article] = read_bytes("ferry-strike.txt", (SCRAPED / "ferry-strike.txt").read_bytes())
    assert isinstance(article, Article) and sum(n for _, n in article.dropped) == 8
