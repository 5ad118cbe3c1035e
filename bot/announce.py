"""Announcing new feed articles: the text of an announcement and where each feed's go (no Discord calls)."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from discord.utils import escape_markdown

from bot import render
from index.models import GLOBAL_SCOPE, Subscription, guild_scope
from index.webingest import PollResult

log = logging.getLogger(__name__)
ANNOUNCED = ("added", "replaced")
FILE = "feed-announce.json"


def announcement(poll: PollResult) -> str | None:
    """One message listing the articles a poll added; None when it added none."""
    new = [r for r in poll.results if r.status in ANNOUNCED]
    if not new:
        return None
    name = escape_markdown(render.cut(poll.feed.title or poll.feed.url, 200))
    lines = [f"New from **{name}**:"]
    for result in new:
        title = escape_markdown(render.cut(result.title or result.origin, 200))
        lines.append(f"• “{title}” (#{result.article_id}) <{result.origin}>")
    return render.cut("\n".join(lines), render.MESSAGE_CHARS)


def may_announce_in(feed: Subscription, channel_guild_id: int | None) -> bool:
    """A guild's feed is announced only inside that guild; shipped (global) feeds anywhere."""
    if feed.scope == GLOBAL_SCOPE:
        return True
    return channel_guild_id is not None and guild_scope(channel_guild_id) == feed.scope


class AnnounceChannels:
    """The channel chosen for each feed with `/feeds add announce:`, kept in a JSON file in home.

    Read again whenever the file changed, so bot processes sharing one home (shards of one bot) see
    the channel whichever process the feed was added in; written whole and renamed into place."""

    def __init__(self, home: Path) -> None:
        self.path = home / FILE
        self._channels: dict[int, int] = {}
        self._seen: tuple[int, int, int] | None = None  # the file's inode, mtime and size when read
        self._refresh()

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._channels, self._seen = {}, None
            return
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if seen == self._seen:
            return
        self._seen = seen
        try:
            raw = json.loads(self.path.read_text())
            self._channels = {int(feed): int(channel) for feed, channel in raw.items()}
        except (ValueError, AttributeError) as exc:
            log.warning("ignoring %s: %s", self.path, exc)
            self._channels = {}

    def get(self, feed_id: int) -> int | None:
        self._refresh()
        return self._channels.get(feed_id)

    def set(self, feed_id: int, channel_id: int) -> None:
        self._refresh()
        self._channels[feed_id] = channel_id
        self._save()

    def drop(self, feed_id: int) -> None:
        self._refresh()
        if self._channels.pop(feed_id, None) is not None:
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{FILE}.{os.getpid()}.tmp")
        partial.write_text(json.dumps({str(k): v for k, v in self._channels.items()}, indent=1) + "\n")
        partial.replace(self.path)
        self._refresh()
