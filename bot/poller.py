"""Polling feed subscriptions in the background, on a schedule, one poll at a time."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from index.config import ConfigError
from index.fetch import FetchSettings
from index.library import Library
from index.metrics import observe_ingest
from index.webingest import PollResult, list_feeds, poll_feeds

log = logging.getLogger(__name__)
Announce = Callable[[PollResult], Awaitable[None]]


class FeedPoller:
    """Polls every subscription each `minutes` (0: never on a schedule) and announces what is new."""

    def __init__(self, library: Library, fetch: FetchSettings, minutes: float, announce: Announce) -> None:
        if minutes < 0:
            raise ConfigError(f"NEWSDESK_FEED_POLL_MINUTES={minutes:g} must not be negative (0 turns polling off)")
        self.library = library
        self.fetch = fetch
        self.minutes = minutes
        self.announce = announce
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[object]] = set()

    async def poll(self, feed_ids: Sequence[int] | None = None) -> list[PollResult]:
        """Poll the subscriptions (or only `feed_ids`) now, then announce each feed's new articles."""
        async with self._lock:
            if not await list_feeds(self.library):
                return []
            polls = await poll_feeds(self.library, self.fetch, feed_ids=feed_ids)
        for poll in polls:
            observe_ingest(poll.results)
            if poll.status == "error":
                log.warning("feed %d %s: %s", poll.feed.id, poll.feed.url, poll.reason)
            try:
                await self.announce(poll)
            except Exception:
                log.exception("announcing feed %d failed", poll.feed.id)
        return polls

    async def _forever(self, first: Callable[[], Awaitable[object]]) -> None:
        await first()
        while True:
            try:
                await self.poll()
            except Exception:  # one bad poll must not end the schedule
                log.exception("polling feeds failed")
            await asyncio.sleep(self.minutes * 60)

    def start(self, first: Callable[[], Awaitable[object]]) -> None:
        """Poll on the schedule in a background task, after `first()` (e.g. the bot being ready)."""
        if self.minutes > 0:
            self._spawn(self._forever(first))

    def poll_soon(self, feed_ids: Sequence[int] | None = None) -> None:
        """Poll in the background now (e.g. a feed just added) without waiting for it."""
        self._spawn(self.poll(feed_ids))

    def _spawn(self, work: Awaitable[object]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background feed poll failed", exc_info=task.exception())

    async def stop(self) -> None:
        """Cancel the schedule and any poll under way."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
