"""One tracked event per question or command: timed, logged as one line, counted in metrics.

    with track("ask", guild=guild_id) as event:
        event.answer = await library.ask(question, scopes)

On leaving: the outcome is "answered" or "refused" (from `event.answer`), "invalid" for a
`BadQuestion`, "error" for any other exception (which propagates); or whatever `event.outcome`
was set to. Extra log fields go in `event.fields`.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .errors import BadQuestion
from .logs import log_event
from .metrics import METRICS, Metrics, outcome_of
from .models import Answer


@dataclass
class Event:
    """What the tracked block reports: its answer, or an explicit outcome, and extra log fields."""

    command: str
    guild: str = ""
    answer: Answer | None = None
    outcome: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _fields(event: Event) -> dict[str, Any]:
    extra = dict(event.fields)
    if event.answer is not None:
        extra.setdefault("quotes", len(event.answer.quotes))
    return extra


@contextmanager
def track(
    command: str, guild: str | int | None = None, *, question: bool = True, metrics: Metrics | None = None
) -> Iterator[Event]:
    """Time the block, then log one event line; a question (the default) is counted in metrics too."""
    event = Event(command, str(guild) if guild else "")
    start = time.perf_counter()
    try:
        yield event
    except BadQuestion as exc:
        event.outcome = event.outcome or "invalid"
        event.fields.setdefault("reason", str(exc))
        raise
    except Exception as exc:
        event.outcome = "error"
        event.fields.setdefault("error", type(exc).__name__)
        raise
    finally:
        event.seconds = time.perf_counter() - start
        if not event.outcome:
            event.outcome = outcome_of(event.answer) if event.answer is not None else "answered"
        log_event(command, event.outcome, event.seconds, event.guild, **_fields(event))
        if question:
            (metrics or METRICS).observe_outcome(event.outcome, event.seconds, command)
