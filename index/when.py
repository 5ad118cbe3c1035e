"""Dates in questions ("this week", "yesterday", "in March", "on Monday") as a window of published days.

A question's words give a soft window: the search looks inside it before ranking (so its articles
reach the candidates however large the library) and also at everything published up to its end,
and ranking prefers recent articles (index.scoring.RECENCY_BONUS): a story "this week" is
often best told by an older background article (measured: docs/EVAL.md). The date words themselves
are left out of the terms the search matches (`without_dates`): "this week" says when, not what. Articles without a
published date count as inside a soft window (nothing says they fall outside). Explicit
since/until given by a user are hard: only articles published then are searched, undated ones left out.

Every soft window ends the day after the question was asked (news quizzes are dated a day early
now and then) and starts where its phrase starts, moved back by a lead: a story "this week" is
often told by articles of the week before, and one about "March" by articles written after March
(the window reaches up to the question). The leads were measured on RealTimeQA 2023 (docs/EVAL.md,
"Dates in questions").
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import BadQuestion

LEAD_DAYS = 14  # "today", "yesterday", "this week", "last week", weekends and weekdays
RECENT_DAYS = 90  # "recently", "recent", "lately", "latest": the window reaches this far back
LEAD_MONTH = 14  # "this month", "last month", "in March"
LEAD_YEAR = 0  # "this year", "last year", "in 2023"
END_DAYS = 1  # past the day asked

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NOT_A_DAY = r"(?<!black )(?<!super )(?<!good )(?<!ash )(?<!cyber )(?<!holy )(?<!easter )(?<!palm )"


@dataclass(frozen=True)
class Window:
    """Published days from `since` to `until` (ISO "YYYY-MM-DD", both included; "" is open).

    `soft`: read from a question's words, so articles without a date are kept; a hard window
    (explicit since/until) drops them. `phrase`: the words it was read from ("" when explicit).
    """

    since: str
    until: str
    soft: bool = False
    phrase: str = ""

    @property
    def include_undated(self) -> bool:
        return self.soft

    def holds(self, published: str) -> bool:
        """Whether an article published then (ISO date or datetime, "" unknown) is inside."""
        day = (published or "")[:10]
        if not day:
            return self.soft
        return (not self.since or day >= self.since) and (not self.until or day <= self.until)

    def describe(self) -> str:
        """The window in words, for an answer's footer."""
        span = f"published {self.since or '…'} to {self.until or '…'}"
        if self.soft:
            return f"preferring articles {span}" + (f" (from “{self.phrase}”)" if self.phrase else "")
        return f"only articles {span}"


def day_of(now: datetime | date) -> date:
    """The day of a moment (a date stays as it is)."""
    return now.date() if isinstance(now, datetime) else now


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_start(day: date, back: int = 0) -> date:
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def _last_weekday(today: date, weekday: int, strictly: bool) -> date:
    """The latest such weekday on or before today (before, when `strictly`)."""
    back = (today.weekday() - weekday) % 7
    return today - timedelta(days=back or (7 if strictly else 0))


def _weekday(m: re.Match[str], today: date) -> tuple[date, int] | None:
    which, name = (m.group(1) or "").lower().strip(), m.group(2).lower()
    day = _WEEKDAYS.index(name)
    if which == "this" and day > today.weekday():
        return today - timedelta(days=7), 0  # "this Sunday" still to come: what led up to it
    return _last_weekday(today, day, strictly=which in ("last", "past")), LEAD_DAYS


def _month(m: re.Match[str], today: date) -> tuple[date, int] | None:
    number = _MONTHS.index(m.group(1).lower()) + 1
    year = int(m.group(2)) if m.group(2) else today.year if number <= today.month else today.year - 1
    start = date(year, number, 1)
    return (start, LEAD_MONTH) if start <= today else None


def _year(m: re.Match[str], today: date) -> tuple[date, int] | None:
    year = int(m.group(1))
    return (date(year, 1, 1), LEAD_YEAR) if 1900 <= year <= today.year else None


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], date], "tuple[date, int] | None"]]
_RULES: list[Rule] = [
    (re.compile(r"\btoday\b|\btonight\b"), lambda m, t: (t, LEAD_DAYS)),
    (re.compile(r"\byesterday\b"), lambda m, t: (t - timedelta(days=1), LEAD_DAYS)),
    (re.compile(r"\b(?:this|the) (?:past )?week\b|\bpast week\b"), lambda m, t: (_monday(t), LEAD_DAYS)),
    (re.compile(r"\blast week\b"), lambda m, t: (_monday(t) - timedelta(days=7), LEAD_DAYS)),
    (re.compile(r"\b(?:this|last|past|the) (?:past )?weekend\b"),
     lambda m, t: (_last_weekday(t, 5, strictly=False), LEAD_DAYS)),
    (re.compile(r"\b(?:this|the) (?:past )?month\b"), lambda m, t: (_month_start(t), LEAD_MONTH)),
    (re.compile(r"\blast month\b"), lambda m, t: (_month_start(t, 1), LEAD_MONTH)),
    (re.compile(r"\b(?:this|the) (?:past )?year\b|\bthis year's\b"), lambda m, t: (date(t.year, 1, 1), LEAD_YEAR)),
    (re.compile(r"\blast year\b"), lambda m, t: (date(t.year - 1, 1, 1), LEAD_YEAR)),
    (re.compile(r"\b(?:recent|recently|lately|latest)\b"), lambda m, t: (t - timedelta(days=RECENT_DAYS), 0)),
]
_RELATIVE = len(_RULES)
"""The rules above are relative to the day asked: their words say when, never what (an article does
not write "this week"). Weekdays, months and years below are written in articles too, so they stay
terms of the question."""
_RULES += [
    (re.compile(rf"\b(?:(on|last|past|this) )?{_NOT_A_DAY}\b({'|'.join(_WEEKDAYS)})\b"), _weekday),
    (re.compile(rf"\bin ({'|'.join(_MONTHS)})\b(?:,? (\d{{4}})\b)?"), _month),
    (re.compile(r"\bin (\d{4})\b"), _year),
]


def question_window(question: str, now: datetime | date) -> Window | None:
    """The soft window of published days a question's date words ask about, relative to `now`.

    None when the question names no time ("in 2050", still ahead, names none). With several
    phrases the widest wins. Articles without a date are not excluded by the window.
    """
    today = day_of(now)
    text = question.lower().replace("’", "'")
    found: list[tuple[date, str]] = []
    for pattern, rule in _RULES:
        for m in pattern.finditer(text):
            got = rule(m, today)
            if got is not None:
                start, lead = got
                found.append((start - timedelta(days=lead), m.group(0)))
    if not found:
        return None
    start, phrase = min(found, key=lambda f: f[0])
    return Window(start.isoformat(), (today + timedelta(days=END_DAYS)).isoformat(), True, phrase)


def without_dates(question: str) -> str:
    """The question with its relative date phrases ("this week", "recently") blanked out, for
    term matching: they say when, not what."""
    text = question.replace("’", "'")
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: positions would not match
        return question
    for pattern, _ in _RULES[:_RELATIVE]:
        for m in pattern.finditer(lowered):
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text


def _day(name: str, value: str) -> str:
    value = value.strip()[:10]
    try:
        return date.fromisoformat(value).isoformat() if value else ""
    except ValueError:
        raise BadQuestion(f"{name} must be a date written YYYY-MM-DD, e.g. 2024-06-18; “{value}” is not") from None


def explicit_window(since: str = "", until: str = "") -> Window | None:
    """The hard window of a user's since/until (ISO days; undated articles excluded), or None.

    BadQuestion names a value that is not a YYYY-MM-DD day.
    """
    since, until = _day("since", since), _day("until", until)
    return Window(since, until) if since or until else None


def combined(question: Window | None, since: str = "", until: str = "") -> Window | None:
    """Explicit since/until win over the question's window; the question's alone stays soft."""
    return explicit_window(since, until) or question
