"""SQL fragments the PostgreSQL store builds, with numbered parameters ($1, $2, ...)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..when import Window
from .rows import window_bounds


class Sql:
    """Collects a query's parameters; each `arg` returns its placeholder."""

    def __init__(self) -> None:
        self.args: list[Any] = []

    def arg(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"

    def scopes(self, scopes: Sequence[str] | None, column: str = "a.scope") -> str:
        """" AND column = ANY(...)" keeping `scopes` (nothing when None: every scope)."""
        return "" if scopes is None else f" AND {column} = ANY({self.arg(list(scopes))}::text[])"

    def window(self, window: Window | None, alias: str = "a") -> str:
        """" AND ..." keeping the articles published in `window`, as the SQLite store's `window_clause`."""
        if window is None:
            return ""
        parts = []
        since, after = window_bounds(window)
        if since:
            parts.append(f"{alias}.published >= {self.arg(since)}")
        if after:
            parts.append(f"{alias}.published < {self.arg(after)}")
        dated = " AND ".join(parts) or "true"
        if window.soft:
            return f" AND ({alias}.published = '' OR ({dated}))"
        return f" AND {alias}.published != '' AND {dated}"
