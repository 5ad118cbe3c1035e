"""Feed announcements without Discord: their text, where they may go, the per-feed channel file."""
from __future__ import annotations

from bot.announce import AnnounceChannels, announcement, may_announce_in
from index.models import GLOBAL_SCOPE, IngestResult
from index.webingest import PollResult, Subscription


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


def test_announce_channels_survive_a_restart(tmp_path) -> None:
    AnnounceChannels(tmp_path).set(3, 555)
    again = AnnounceChannels(tmp_path)
    assert again.get(3) == 555 and again.get(4) is None
    again.drop(3)
    assert AnnounceChannels(tmp_path).get(3) is None
    (tmp_path / "feed-announce.json").write_text("not json")
    assert AnnounceChannels(tmp_path).get(3) is None


def test_processes_sharing_a_home_see_each_others_announce_channels(tmp_path) -> None:
    first, second = AnnounceChannels(tmp_path), AnnounceChannels(tmp_path)
    first.set(3, 555)
    assert second.get(3) == 555  # the feed was added through the other process
    second.set(4, 666)
    assert first.get(4) == 666 and first.get(3) == 555
    first.drop(3)
    assert second.get(3) is None and second.get(4) == 666
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed-announce.json"]  # no partial files left
