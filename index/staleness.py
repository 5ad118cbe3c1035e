"""Stale matches: a weak answer from articles far older than the library's news is not the answer.

A question with no dates in it asks about the present. When every passage an answer would quote comes
from an article published more than `days` before the reference day (the day asked, or the library's
newest article's day when that is earlier, so a library that stopped growing is not judged against
today), the story asked about is most likely not in the library: the answer then needs confidence
`Settings.stale_min_score` rather than `Settings.min_score` (docs/EVAL.md, "Stale matches": on the
news set, every unanswerable question's best passages were over a year older than the library's
newest article). A question that names its dates (or follows one in a research thread that did), or
an explicit since/until, is about that time, and the rule stands aside.
"""
from __future__ import annotations

from datetime import date

from .models import Answer
from .scoring import age_days


def reference_day(newest: str, today: date | None) -> date | None:
    """The day ages are counted to: `today`, or the newest article's day when that is earlier."""
    try:
        latest = date.fromisoformat(newest[:10]) if newest else None
    except ValueError:
        latest = None
    days = [d for d in (today, latest) if d is not None]
    return min(days) if days else None


def stale_reason(answer: Answer, newest: str, today: date | None, days: int) -> str:
    """Why `answer` is refused as stale ("" when it is not): every quote is of an article published
    more than `days` before the reference day (an undated quote, or no reference, is never stale)."""
    reference = reference_day(newest, today)
    if days <= 0 or reference is None or not answer.quotes:
        return ""
    ages = [age_days(quote.published, reference) for quote in answer.quotes]
    if any(age is None or age <= days for age in ages):
        return ""
    latest = max(quote.published[:10] for quote in answer.quotes)
    return (f"the closest passages are from articles published {latest} or earlier, more than {days} days "
            f"before {reference.isoformat()}, and match the question too weakly to quote")
