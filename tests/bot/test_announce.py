"""Feed announcements without Discord: their text, where they may go, moving an older version's
per-feed channel file into the library."""
from __future__ import annotations

import json
import logging

from bot.announce import announcement, may_announce_in, move_announce_file
from index.library import Library
from index.models import GLOBAL_SCOPE, IngestResult
from index.webingest import PollResult, Subscription, list_feeds


def feed(scope: str = "guild:7", title: str = "Coastline *Courier*") -> Subscription:
    return Subscription(3, "https://c.example/rss", scope, title, "", "", "", "", "")


def test_an_announcement_lists_only_new_articles_escaped_and_within_limits() -> None:
    results = [IngestResult("added", "https://c.example/a", title="Bridge @everyone reopens", article_id=4),
               IngestResult("unchanged", "https://c.example/b", title="Old news", article_id=2),
               IngestResult("rejected", "https://c.example/c", reason="HTTP status 404")]
    text = announcement(PollResult(feed(), "updated", results))
    assert text == "New from **Coastline \\*Courier\\***:\n• “Bridge @everyone reopens” (#4) <https://c.example/a>"
    assert announcement(PollResult(feed(), "updated", results[1:])) is None
    many = [IngestResult("added", f"https://c.example/{n}", title="x" * 190, article_id=n) for n in range(40)]
    assert len(announcement(PollResult(feed(), "updated", many)) or "") <= 2000


def test_a_guild_feed_is_announced_only_in_its_guild() -> None:
    assert may_announce_in(feed("guild:7"), 7)
    assert not may_announce_in(feed("guild:7"), 8)
    assert not may_announce_in(feed("guild:7"), None)
    assert may_announce_in(feed(GLOBAL_SCOPE), 8)


async def test_an_older_version_s_announce_file_is_moved_into_the_library_once(library: Library, caplog) -> None:
    kept = await library.store.add_feed("https://a.example/rss", "guild:7", "", "2024-01-01T00:00:00")
    chosen = await library.store.add_feed("https://b.example/rss", "guild:7", "", "2024-01-01T00:00:00", 999)
    home = library.settings.home
    (home / "feed-announce.json").write_text(json.dumps({str(kept.id): 555, str(chosen.id): 666, "77": 888}))
    caplog.set_level(logging.INFO, logger="bot.announce")
    assert await move_announce_file(library, home) == 1
    channels = {f.id: f.announce_channel for f in await list_feeds(library)}
    assert channels == {kept.id: 555, chosen.id: 999}  # a channel the library already has wins; feed 77 is gone
    assert not (home / "feed-announce.json").exists() and (home / "feed-announce.json.moved").exists()
    assert "moved 1 feed announce channel(s)" in caplog.text
    assert await move_announce_file(library, home) == 0  # once: nothing is read again


async def test_an_unreadable_announce_file_is_left_in_place_and_reported(library: Library, caplog) -> None:
    home = library.settings.home
    (home / "feed-announce.json").write_text("not json")
    assert await move_announce_file(library, home) == 0
    assert (home / "feed-announce.json").exists() and "were not moved into the library" in caplog.text
