"""Dates in questions become a window of published days, searched before anything is ranked."""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from index import scoring, search, when
from index.errors import BadQuestion
from index.library import Library
from index.models import Answer, Article
from index.when import Window, combined, day_of, explicit_window, question_window, without_dates

THURSDAY = date(2023, 3, 16)
DAYS, MONTHS, YEARS = when.LEAD_DAYS, when.LEAD_MONTH, when.LEAD_YEAR


def day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize("question, phrase, start, lead", [
    ("Who resigned this week?", "this week", "2023-03-13", DAYS),
    ("Who won this past week?", "this past week", "2023-03-13", DAYS),
    ("Who resigned last week?", "last week", "2023-03-06", DAYS),
    ("What happened yesterday?", "yesterday", "2023-03-15", DAYS),
    ("What happened today?", "today", "2023-03-16", DAYS),
    ("Who won last weekend?", "last weekend", "2023-03-11", DAYS),
    ("Who won this weekend’s final?", "this weekend", "2023-03-11", DAYS),
    ("Who spoke on Monday?", "on monday", "2023-03-13", DAYS),
    ("Who spoke Thursday?", "thursday", "2023-03-16", DAYS),
    ("Who spoke last Thursday?", "last thursday", "2023-03-09", DAYS),
    ("Who hosts this Sunday's Oscars?", "this sunday", "2023-03-09", 0),
    ("What rose this month?", "this month", "2023-03-01", MONTHS),
    ("What rose last month?", "last month", "2023-02-01", MONTHS),
    ("What opened in March?", "in march", "2023-03-01", MONTHS),
    ("What opened in November?", "in november", "2022-11-01", MONTHS),
    ("What opened in March 2021?", "in march 2021", "2021-03-01", MONTHS),
    ("Who won in 2023?", "in 2023", "2023-01-01", YEARS),
    ("Who was elected in 2021?", "in 2021", "2021-01-01", YEARS),
    ("Who won this year's prize?", "this year", "2023-01-01", YEARS),
    ("What hit a record last year?", "last year", "2022-01-01", YEARS),
    ("Which seed was recently added?", "recently", str(THURSDAY - timedelta(days=when.RECENT_DAYS)), 0),
    ("What does the latest data show?", "latest", str(THURSDAY - timedelta(days=when.RECENT_DAYS)), 0),
])
def test_date_words_become_a_soft_window_ending_the_day_after_asking(
    question: str, phrase: str, start: str, lead: int
) -> None:
    window = question_window(question, THURSDAY)
    assert window is not None and window.soft and window.phrase == phrase
    first, last = day(start) - timedelta(days=lead), THURSDAY + timedelta(days=when.END_DAYS)
    assert (window.since, window.until) == (first.isoformat(), last.isoformat())
    assert window.holds(first.isoformat()) and window.holds(f"{last.isoformat()}T23:59:00+00:00")
    assert not window.holds(str(first - timedelta(days=1))) and not window.holds(str(last + timedelta(days=1)))


@pytest.mark.parametrize("question", [
    "Who accompanies Putin?", "Which store opens on Black Friday?", "What will net zero mean by 2050?",
    "Who will run in 2024?",
])
def test_no_window_without_a_past_date_phrase(question: str) -> None:
    assert question_window(question, THURSDAY) is None


def test_now_may_be_a_datetime_and_the_widest_phrase_wins() -> None:
    window = question_window("Recently, who resigned this week?", datetime(2023, 3, 16, 23, 0, tzinfo=UTC))
    assert window is not None and window.phrase == "recently"
    assert window.since == str(THURSDAY - timedelta(days=when.RECENT_DAYS))


def test_a_soft_window_keeps_undated_articles_and_a_hard_one_drops_them() -> None:
    soft = question_window("Who resigned this week?", THURSDAY)
    hard = explicit_window("2023-03-01", "2023-03-05")
    assert soft is not None and soft.holds("")
    assert hard == Window("2023-03-01", "2023-03-05") and not hard.holds("") and not hard.soft
    assert hard.holds("2023-03-01") and hard.holds("2023-03-05T22:00:00") and not hard.holds("2023-03-06")
    assert not hard.holds("2023-02-28")
    assert combined(soft, since="2023-03-01") == Window("2023-03-01", "")
    assert combined(soft) is soft and combined(None) is None


def test_a_bad_explicit_date_names_itself() -> None:
    with pytest.raises(BadQuestion, match="since must be a date written YYYY-MM-DD.*“March 5”"):
        explicit_window("March 5")


def test_the_window_is_said_in_words_and_round_trips_in_an_answer() -> None:
    window = question_window("Who resigned this week?", THURSDAY)
    assert window is not None
    said = window.describe()
    assert said == f"preferring articles published {window.since} to {window.until} (from “this week”)"
    answer = Answer("Who resigned this week?", True, window=said)
    assert Answer.from_dict(answer.to_dict()) == answer


# ---- searching the window ----------------------------------------------------------------

QUESTION = "Which ferry operator cancelled the island crossings?"
THIS_WEEK = "Which ferry operator cancelled the island crossings this week?"
LOUD = "The ferry operator cancelled the island crossings. Which ferry operator cancelled the island crossings?"
QUIET = "Which ferry operator cancelled the island crossings? Northwind Ferries did."


def article(title: str, text: str, published: str) -> Article:
    return Article(title, (text,), source="Test", url=f"https://example.com/{title.replace(' ', '-')}", published=published)


async def crowded(library: Library, quiet_published: str = "2023-03-14") -> None:
    """45 old articles matching the question word for word (lexically and densely), one quiet article in March 2023."""
    old = [article(f"Old crossing {n}", f"{LOUD} Report {n}.", f"2021-0{1 + n % 9}-1{n % 10}") for n in range(45)]
    await library.ingest_articles([*old, article("Quiet crossing", QUIET, quiet_published)])


async def passages_found(library: Library, window: Window | None) -> list[str]:
    hits = await search.retrieve(
        library.store, library.vectors, library._embed_query, QUESTION, None, k=20,
        sentences=library.sentence_vectors, window=window, today=day_of(THURSDAY),
    )
    return [h.passage.text for h in hits]


@pytest.mark.parametrize("exact_max", [search.EXACT_MAX, 0])  # exact scan of the window, then FAISS widening
async def test_the_window_filters_before_ranking(library: Library, monkeypatch: pytest.MonkeyPatch, exact_max: int) -> None:
    monkeypatch.setattr(search, "EXACT_MAX", exact_max)
    await crowded(library)
    unfiltered = await passages_found(library, None)
    assert len(unfiltered) == 20 and QUIET not in unfiltered  # filtering the top 20 afterwards finds nothing
    lexical = await library.store.fulltext(["ferry", "operator", "cancelled", "crossings"], None, 20)
    texts = [p.text for p in (await library.store.passages_by_id([i for i, _ in lexical], None)).values()]
    assert len(texts) == 20 and QUIET not in texts
    window = question_window("this week", THURSDAY)
    assert (await passages_found(library, window))[0] == QUIET  # searched inside the window, then preferred
    answer = await library.ask(THIS_WEEK, now=THURSDAY)
    assert not answer.refused and answer.quotes[0].title == "Quiet crossing"
    assert "(from “this week”)" in answer.window


async def test_a_soft_window_searches_undated_articles_and_a_hard_one_does_not(library: Library) -> None:
    await crowded(library, quiet_published="")
    soft = await library.ask(THIS_WEEK, now=THURSDAY)
    assert not soft.refused and soft.quotes[0].title == "Quiet crossing"
    hard = await library.ask(QUESTION, since="2023-03-01", until="2023-03-31")
    assert hard.refused and hard.window == "only articles published 2023-03-01 to 2023-03-31"


async def test_explicit_dates_win_over_the_question_and_are_searched_before_ranking(library: Library) -> None:
    await crowded(library)
    answer = await library.ask(f"{QUESTION[:-1]} in 2021?", since="2023-03-14", until="2023-03-14", now=THURSDAY)
    assert not answer.refused and {q.title for q in answer.quotes} == {"Quiet crossing"}
    assert answer.window == "only articles published 2023-03-14 to 2023-03-14"
    assert (await library.ask(QUESTION, since="2023-03-15", now=THURSDAY)).refused


async def test_a_soft_window_still_quotes_older_background_articles(library: Library) -> None:
    this_week = article("Harbour fair", "The harbour fair opened with music and food stalls on the quay.", "2023-03-14")
    await library.ingest_articles([article("Ferry history", QUIET, "2020-05-01"), this_week])
    answer = await library.ask(THIS_WEEK, now=THURSDAY)
    assert not answer.refused and answer.quotes[0].title == "Ferry history"


async def test_a_soft_window_never_quotes_articles_published_after_the_question(library: Library) -> None:
    await library.ingest_articles([article("Ferry later", QUIET, "2023-06-01")])
    assert (await library.ask(THIS_WEEK, now=THURSDAY)).refused


async def test_no_date_words_search_every_date(library: Library) -> None:
    await crowded(library)
    answer = await library.ask(QUESTION, now=THURSDAY)
    assert not answer.refused and answer.window == "" and answer.quotes[0].published.startswith("2021")


async def test_a_question_about_dates_the_library_holds_nothing_from_is_refused_saying_so(library: Library) -> None:
    await library.ingest_articles([article("Ferry history", QUIET, "2020-05-01")])
    answer = await library.ask(THIS_WEEK, now=date(2024, 6, 20))
    assert answer.refused
    assert answer.reason.startswith("no stored article was published 2024-")
    assert "“this week” asks about" in answer.reason
    assert answer.suggestions == ["Ferry history"]


# ---- recency and date words ----------------------------------------------------------------

def test_date_words_are_left_out_of_the_matched_terms() -> None:
    assert without_dates("Which team won this week’s final?").split() == ["Which", "team", "won", "'s", "final?"]
    assert without_dates("Who spoke on Sunday in March 2021?") == "Who spoke on Sunday in March 2021?"  # articles say so too
    assert without_dates("Who resigned recently?").split() == ["Who", "resigned", "?"]
    assert without_dates("Which ferry operator cancelled crossings?") == "Which ferry operator cancelled crossings?"


LATER = "Northwind Ferries cancelled the island crossings for the winter."


async def test_of_two_equally_good_articles_the_more_recent_is_quoted_first(library: Library) -> None:
    """No date words: every date is searched, and the article published nearer the question wins."""
    await library.ingest_articles([article("Crossings 2019", LATER, "2019-11-02"), article("Crossings 2023", LATER, "2023-03-10")])
    answer = await library.ask(QUESTION, now=THURSDAY)
    assert not answer.refused and answer.quotes[0].title == "Crossings 2023"
    assert answer.window == ""
    as_of_2020 = await library.ask(QUESTION, now=date(2020, 1, 5))  # the 2023 article is from after the question
    assert not as_of_2020.refused and as_of_2020.quotes[0].title == "Crossings 2019"


def test_recency_fades_and_counts_nothing_for_undated_or_later_articles() -> None:
    assert scoring.recency(0) == scoring.RECENCY_BONUS
    assert scoring.recency(-1) == scoring.RECENCY_BONUS  # published "tomorrow": time zones
    assert scoring.recency(int(scoring.RECENCY_DAYS)) == pytest.approx(scoring.RECENCY_BONUS / math.e)
    assert scoring.recency(None) == scoring.recency(-2) == 0.0
    assert scoring.age_days("2023-03-10T08:00:00+00:00", THURSDAY) == 6
    assert scoring.age_days("not a date", THURSDAY) is None and scoring.age_days("2023-03-10", None) is None
