"""The per-user question rate limit and what it tells a user who asks too fast."""
from __future__ import annotations

import pytest

from bot.ratelimit import RateLimiter, slow_down


def test_rate_limiter_allows_n_a_minute_per_user() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.hit("a") == 0 and limiter.hit("a") == 0
    assert limiter.hit("a") == pytest.approx(60.0)
    assert limiter.hit("b") == 0
    now[0] = 30.0
    assert limiter.hit("a") == pytest.approx(30.0)
    now[0] = 60.0
    assert limiter.hit("a") == 0
    assert RateLimiter(0).hit("a") == 0
    assert slow_down(29.2, 2) == ("You're asking faster than I can keep up with (2 questions a minute). "
                                  "Please try again in 30 seconds.")
    with pytest.raises(ValueError, match="-1"):
        RateLimiter(-1)
