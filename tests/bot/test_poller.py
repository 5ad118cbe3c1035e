"""The feed poller without Discord: its settings, its schedule, what it hands to the announcer."""
from __future__ import annotations

import pytest

from bot.poller import FeedPoller
from index.config import ConfigError
from index.fetch import FetchSettings
from index.webingest import PollResult


def test_a_negative_poll_interval_names_the_setting() -> None:
    async def announce(poll: PollResult) -> None: ...

    with pytest.raises(ConfigError, match="NEWSDESK_FEED_POLL_MINUTES=-5 must not be negative"):
        FeedPoller(None, FetchSettings(), -5, announce)  # type: ignore[arg-type]
