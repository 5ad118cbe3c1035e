"""Stale matches: a weak answer quoting only articles far older than the library's news is refused."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from index.embed import HashEmbedder
from index.library import Library
from index.models import Answer, Article, Quote
from index.staleness import reference_day, stale_reason
from tests.conftest import settings_for

HARBOUR = Article(
    title="Harbour reopens after storm",
    paragraphs=("The harbour reopened on Tuesday after the storm damaged two piers.",),
    source="Coast Gazette",
    published="2021-03-02",
    origin="harbour.txt",
)
BUDGET = Article(
    title="Council passes budget",
    paragraphs=("The council passed a budget that raises library funding by 4 percent.",),
    source="City Journal",
    published="2023-06-01",
    origin="budget.txt",
)
ASKED = date(2023, 6, 10)


def quote(published: str) -> Quote:
    return Quote("The harbour reopened.", 1, "Harbour", "Coast Gazette", "", published, 1, 0.5)


def test_only_quotes_all_older_than_the_limit_are_stale() -> None:
    old = Answer("q", False, quotes=[quote("2021-03-02"), quote("2020-12-31")])
    reason = stale_reason(old, "2023-06-01", ASKED, 365)
    assert "published 2021-03-02 or earlier" in reason and "before 2023-06-01" in reason
    assert stale_reason(Answer("q", False, quotes=[quote("2021-03-02"), quote("2023-05-30")]), "2023-06-01", ASKED, 365) == ""
    assert stale_reason(Answer("q", False, quotes=[quote("2021-03-02"), quote("")]), "2023-06-01", ASKED, 365) == ""
    assert stale_reason(old, "2023-06-01", ASKED, 0) == ""


def test_ages_count_to_the_day_asked_or_the_newest_article_when_earlier() -> None:
    assert reference_day("2023-06-01T08:00:00Z", ASKED) == date(2023, 6, 1)
    assert reference_day("2024-01-01", ASKED) == ASKED
    assert reference_day("", ASKED) == ASKED and reference_day("not a date", None) is None


async def open_library(tmp_path: Path, **env: str) -> Library:
    settings = settings_for(tmp_path / "home", NEWSDESK_MIN_SCORE="0", **env)
    return Library(settings, embedder=HashEmbedder())


async def test_a_weak_answer_from_an_old_article_is_refused_and_says_why(tmp_path: Path) -> None:
    async with await open_library(tmp_path, NEWSDESK_STALE_MIN_SCORE="1") as library:
        await library.ingest_articles([HARBOUR, BUDGET])
        answer = await library.ask("When did the harbour reopen after the storm?", now=ASKED)
        assert answer.refused and "Harbour reopens after storm" in answer.suggestions
        assert "published 2021-03-02 or earlier, more than 365 days before 2023-06-01" in answer.reason
        fresh = await library.ask("How much did the budget raise library funding?", now=ASKED)
        assert not fresh.refused and "4 percent" in fresh.quotes[0].text


async def test_dates_in_the_question_a_confident_answer_or_an_old_library_keep_the_answer(tmp_path: Path) -> None:
    async with await open_library(tmp_path, NEWSDESK_STALE_MIN_SCORE="1") as library:
        await library.ingest_articles([HARBOUR])
        alone = await library.ask("When did the harbour reopen after the storm?", now=ASKED)
        assert not alone.refused, "a library whose newest article is old is judged against that article"
        await library.ingest_articles([BUDGET])
        dated = await library.ask("When did the harbour reopen after the storm in 2021?", now=ASKED)
        assert not dated.refused and "reopened on Tuesday" in dated.quotes[0].text
        thread = await library.ask("When did it reopen?", context="What did the storm do to the harbour in 2021?", now=ASKED)
        assert not thread.refused and "reopened on Tuesday" in thread.quotes[0].text
        undated_thread = await library.ask("When did it reopen?", context="What did the storm do to the harbour?", now=ASKED)
        assert undated_thread.refused and "more than 365 days" in undated_thread.reason
    async with await open_library(tmp_path, NEWSDESK_STALE_MIN_SCORE="0") as confident:
        answer = await confident.ask("When did the harbour reopen after the storm?", now=ASKED)
        assert not answer.refused and "reopened on Tuesday" in answer.quotes[0].text
    async with await open_library(tmp_path, NEWSDESK_STALE_MIN_SCORE="1", NEWSDESK_STALE_DAYS="0") as off:
        assert not (await off.ask("When did the harbour reopen after the storm?", now=ASKED)).refused
