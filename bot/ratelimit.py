"""Per-user rate limit over a sliding window. Pure: the clock is passed in."""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable


class RateLimiter:
    """At most `per_minute` questions a user in any `window` seconds; 0 means no limit."""

    def __init__(self, per_minute: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 0:
            raise ValueError(f"rate limit per minute must be 0 or more, got {per_minute}")
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._seen: dict[Hashable, deque[float]] = {}

    def hit(self, key: Hashable) -> float:
        """Count one request from `key`: 0.0 when allowed, else the seconds until it would be."""
        if self.per_minute == 0:
            return 0.0
        now = self._clock()
        times = self._seen.setdefault(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.per_minute:
            return max(self.window - (now - times[0]), 0.1)
        times.append(now)
        if len(self._seen) > 10_000:  # forget idle users now and then
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < self.window}
        return 0.0


def slow_down(wait: float, per_minute: int) -> str:
    """The polite reply to a user over the limit."""
    seconds = max(int(wait + 0.999), 1)
    return (f"You're asking faster than I can keep up with ({per_minute} questions a minute). "
            f"Please try again in {seconds} second{'s' if seconds != 1 else ''}.")
