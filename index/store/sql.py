"""SQL fragments the SQLite store builds: placeholders, date windows, FTS5 MATCH expressions."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..when import Window
from .rows import window_bounds


def placeholders(values: Sequence[Any]) -> str:
    """"?,?,?" for `values`."""
    return ",".join("?" * len(values))


def scope_clause(scopes: Sequence[str] | None, column: str = "scope") -> tuple[str, tuple[str, ...]]:
    """" AND column IN (...)" keeping `scopes` (nothing when None: every scope), and its parameters."""
    if scopes is None:
        return "", ()
    return f" AND {column} IN ({placeholders(scopes)})", tuple(scopes)


def window_clause(window: Window | None, alias: str = "a") -> tuple[str, tuple[str, ...]]:
    """" AND ..." SQL keeping the articles (`alias`) published in `window`, and its parameters.

    ISO dates and datetimes compare as text, so "published < the day after `until`" also keeps
    datetimes of the last day and lets SQLite use the index on `published`.
    """
    if window is None:
        return "", ()
    parts, params = [], []
    since, after = window_bounds(window)
    if since:
        parts.append(f"{alias}.published >= ?")
        params.append(since)
    if after:
        parts.append(f"{alias}.published < ?")
        params.append(after)
    dated = " AND ".join(parts) or "1"
    if window.soft:
        return f" AND ({alias}.published = '' OR ({dated}))", tuple(params)
    return f" AND {alias}.published != '' AND {dated}", tuple(params)


def fts_match(terms: Sequence[str]) -> str:
    """A safe FTS5 MATCH expression: each term quoted (no operators pass through), OR-ed; at most 32."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms[:32])
