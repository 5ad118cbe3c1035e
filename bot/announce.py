"""Announcing new feed articles: the text of an announcement, where each feed's may go, and moving
the channels older versions kept in a file into the library (no Discord calls)."""
from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

from discord.utils import escape_markdown

from bot import render
from index.library import Library
from index.models import FEED_MARK, GLOBAL_SCOPE, Subscription, guild_scope
from index.webingest import PollResult, list_feeds, set_announce_channel

log = logging.getLogger(__name__)
ANNOUNCED = ("added", "replaced")
FILE = "feed-announce.json"  # where versions before the feeds table's announce_channel kept them


def announcement(poll: PollResult) -> str | None:
    """One message listing the articles a poll added; None when it added none. Those stored from the
    feed's own text (their pages could not be fetched) are counted and marked, and those whose page
    now replaced that text are said to be."""
    new = [r for r in poll.results if r.status in ANNOUNCED]
    if not new:
        return None
    name = escape_markdown(render.cut(poll.feed.title or poll.feed.url, 200))
    summaries = sum(r.article_id in poll.feed_text for r in new)
    count = (f" ({summaries} from the feed's own text: {'its page' if summaries == 1 else 'their pages'} could "
             "not be fetched)") if summaries else ""
    lines = [f"New from **{name}**{count}:"]
    for result in new:
        title = escape_markdown(render.cut(result.title or result.origin, 200))
        note = f" {FEED_MARK}" if result.article_id in poll.feed_text else (
            " (its page now replaces the feed summary)" if result.article_id in poll.refetched else "")
        lines.append(f"• “{title}” (#{result.article_id}) <{result.origin}>{note}")
    return render.cut("\n".join(lines), render.MESSAGE_CHARS)


def may_announce_in(feed: Subscription, channel_guild_id: int | None) -> bool:
    """A guild's feed is announced only inside that guild; shipped (global) feeds anywhere."""
    if feed.scope == GLOBAL_SCOPE:
        return True
    return channel_guild_id is not None and guild_scope(channel_guild_id) == feed.scope


async def move_announce_file(library: Library, home: Path) -> int:
    """Move the per-feed channels an older Newsdesk kept in `home/feed-announce.json` into the library,
    where every bot process on it sees them; how many were moved. The file is then renamed to
    `feed-announce.json.moved`, so this happens once. A feed whose channel the library already has
    keeps it; entries of feeds no longer followed are dropped."""
    path = home / FILE
    try:
        raw = json.loads(path.read_text())
        channels = {int(feed): int(channel) for feed, channel in raw.items()}
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        log.warning("cannot read %s (%s): its announce channels were not moved into the library", path, exc)
        return 0
    feeds = {feed.id: feed for feed in await list_feeds(library)}
    moved = 0
    for feed_id, channel in channels.items():
        feed = feeds.get(feed_id)
        if feed is not None and feed.announce_channel is None:
            moved += await set_announce_channel(library, feed_id, channel)
    with contextlib.suppress(FileNotFoundError):  # a process sharing this home moved it first
        path.replace(path.with_name(FILE + ".moved"))
    log.info("moved %d feed announce channel(s) from %s into the library", moved, path)
    return moved
