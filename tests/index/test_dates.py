"""Published dates from the formats news sites and feeds really use, to ISO 8601."""
from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from index.dates import parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-06-18", "2024-06-18"),
        ("2024-06-18T09:30:00Z", "2024-06-18T09:30:00+00:00"),
        ("2024-03-05T09:30:00+01:00", "2024-03-05T08:30:00+00:00"),
        ("2024-06-18T09:30:00.123456", "2024-06-18T09:30:00"),
        ("Tue, 05 Mar 2024 08:30:00 GMT", "2024-03-05T08:30:00+00:00"),
        ("Tue, 05 Mar 2024 10:30:00 +0200", "2024-03-05T08:30:00+00:00"),
        ("June 18, 2024", "2024-06-18"),
        ("18 June 2024", "2024-06-18"),
        ("18th June 2024", "2024-06-18"),
        ("Jun 18 2024", "2024-06-18"),
        ("Tuesday 18 June 2024", "2024-06-18"),
        ("Published: 18 June 2024", "2024-06-18"),
        ("2024/06/18", "2024-06-18"),
        ("18.06.2024", "2024-06-18"),
        ("  2024-06-18  ", "2024-06-18"),
    ],
)
def test_common_formats_become_iso(raw: str, expected: str) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["", "yesterday", "not a date", "2024-13-45", "0001-01-01", "x" * 200, None])
def test_unreadable_dates_are_empty(raw: object) -> None:
    assert parse_date(raw) == ""


def test_future_dates_are_refused() -> None:
    assert parse_date((date.today() + timedelta(days=30)).isoformat()) == ""


def test_objects_from_libraries() -> None:
    assert parse_date(date(2024, 6, 18)) == "2024-06-18"
    assert parse_date(datetime(2024, 6, 18, 9, 30, tzinfo=UTC)) == "2024-06-18T09:30:00+00:00"
    struct = time.strptime("2024-03-05 08:30:00", "%Y-%m-%d %H:%M:%S")  # feedparser's *_parsed
    assert parse_date(struct) == "2024-03-05T08:30:00+00:00"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
def test_iso_dates_round_trip(day: date) -> None:
    assert parse_date(day.isoformat()) == day.isoformat()
    assert parse_date(day.strftime("%d %B %Y")) == day.isoformat()


@given(st.text(max_size=60))
def test_never_raises(text: str) -> None:
    result = parse_date(text)
    assert result == "" or result[:4].isdigit()
