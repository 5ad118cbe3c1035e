"""Errors a user can read: each names the bad value and what to do."""
from __future__ import annotations


class NewsdeskError(Exception):
    """Base class for errors shown to users as one line."""


class RejectedInput(NewsdeskError):
    """An input (file, url, bytes) that cannot become an article; `origin` names it."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class BadQuestion(NewsdeskError):
    """A question the library will not search (empty, too long)."""
