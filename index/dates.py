"""Published dates from the wild (ISO 8601, RFC 822 feeds, "June 18, 2024", ...) to ISO 8601.

`parse_date` returns "YYYY-MM-DD" when the source gives only a day, an ISO datetime when it
gives a time ("2024-06-18T09:30:00+00:00", converted to UTC when it has a zone), and "" when
the value is missing, unreadable or implausible (before 1800 or more than two days ahead).
"""
from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

_FORMATS_DAY = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d.%m.%Y", "%d/%m/%Y",
    "%A %d %B %Y", "%A %B %d %Y", "%a %d %b %Y", "%a %b %d %Y",
)
_FORMATS_TIME = (
    "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S %z",
    "%d %B %Y %H:%M", "%B %d %Y %H:%M", "%B %d %Y %I:%M %p", "%d %b %Y %H:%M",
)
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_NOISE = re.compile(r"^(?:published|posted|updated|on|date)\s*:?\s*", re.IGNORECASE)
_EARLIEST = date(1800, 1, 1)


def _plausible(day: date) -> bool:
    return _EARLIEST <= day <= date.today() + timedelta(days=2)


def _format(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        if not _plausible(moment.date()):
            return ""
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.replace(microsecond=0).isoformat()
    return moment.isoformat() if _plausible(moment) else ""


def _iso(text: str) -> str | None:
    candidate = text.replace("Z", "+00:00").replace("z", "+00:00")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
        try:
            return _format(date.fromisoformat(candidate))
        except ValueError:
            return None
    try:
        return _format(datetime.fromisoformat(candidate))
    except ValueError:
        return None


def _rfc822(text: str) -> str | None:
    if not re.search(r"\d{1,2}:\d{2}", text):
        return None
    try:
        return _format(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def _strptime(text: str) -> str | None:
    cleaned = _ORDINAL.sub(r"\1", text.replace(",", " "))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    for fmt in _FORMATS_TIME:
        try:
            return _format(datetime.strptime(cleaned, fmt))
        except ValueError:
            continue
    for fmt in _FORMATS_DAY:
        try:
            return _format(datetime.strptime(cleaned, fmt).date())
        except ValueError:
            continue
    return None


def parse_date(value: object) -> str:
    """ISO 8601 for a published date given as text, datetime, date or time.struct_time; else ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime | date):
        return _format(value)
    if isinstance(value, time.struct_time):
        return _format(datetime(*value[:6], tzinfo=UTC))
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return _format(datetime.fromtimestamp(value, tz=UTC))
        except (OverflowError, OSError, ValueError):
            return ""
    if not isinstance(value, str):
        return ""
    text = _NOISE.sub("", value.strip())
    if not text or len(text) > 80:
        return ""
    for parser in (_iso, _rfc822, _strptime):
        result = parser(text)
        if result is not None:
            return result
    return ""
