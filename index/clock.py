"""The time stored with rows (articles added, answers kept, feeds polled): UTC, to the second."""
from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, in UTC (replace it in tests with monkeypatch)."""
    return datetime.now(UTC)


def utc_stamp(moment: datetime | None = None) -> str:
    """ISO 8601 to the second with the UTC offset, e.g. "2026-12-02T23:41:58+00:00" (default: now)."""
    return (moment or utc_now()).isoformat(timespec="seconds")
