"""`newsdesk feeds add|poll|list|remove` against a local news site on 127.0.0.1, allowed by setting."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.config import Settings
from index.library import Library
from index.webingest import set_announce_channel
from tests.webfixtures import SUMMARY_ITEM, Site, site  # noqa: F401 (site is a fixture)


async def test_feeds_command_line(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from index.cli.feeds import add_parsers, run_feeds

    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"))
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "cli"), "NEWSDESK_EMBEDDER": "hash"}, dotenv=None)
    env = {"NEWSDESK_FETCH_ALLOW": "127.0.0.1/32"}

    async def run(*argv: str) -> int:
        return await run_feeds(parser.parse_args(["feeds", *argv]), settings, env)

    assert await run("add", site.url("feed.atom"), "--guild", "7") == 0
    assert "subscribed [1] Nordic Science Wire" in capsys.readouterr().out
    assert await run("poll") == 0
    assert "added     [1] Glacier retreat doubles in a decade, survey finds" in capsys.readouterr().err
    assert await run("list", "--guild", "7") == 0
    listed = capsys.readouterr().out
    assert "[1] Nordic Science Wire (guild:7)" in listed and "announced in" not in listed
    async with Library(settings) as lib:  # the channel /feeds add announce: chose in Discord
        assert await set_announce_channel(lib, 1, 1_187_654_321_098_765_432, ["guild:7"])
    assert await run("list", "--guild", "7") == 0
    assert "announced in channel 1187654321098765432" in capsys.readouterr().out
    assert await run("remove", "1", "--guild", "8") == 1
    assert await run("remove", "1") == 0
    assert await run("list") == 0
    assert capsys.readouterr().out == "unsubscribed feed 1\n"


async def test_a_poll_says_what_was_stored_from_feed_text(
    tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from index.cli.feeds import add_parsers, run_feeds

    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"))
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "cli"), "NEWSDESK_EMBEDDER": "hash"}, dotenv=None)
    env = {"NEWSDESK_FETCH_ALLOW": "127.0.0.1/32"}
    site.statuses["/jsonld_page.html"] = 403
    site.extra_items.append(SUMMARY_ITEM.format(base=site.base, page="jsonld_page.html", guid=2001))
    assert await run_feeds(parser.parse_args(["feeds", "add", site.url("feed.rss")]), settings, env) == 0
    assert await run_feeds(parser.parse_args(["feeds", "poll"]), settings, env) == 0
    err = capsys.readouterr().err
    assert (f"added     [1] Glaciers melt twice as fast  <- {site.url('jsonld_page.html')}  (feed summary) stored from "
            "the feed's text: its page could not be fetched (HTTP status 403 Forbidden)") in err
    assert "feed [1] Coastline Courier: updated, 3 new items, 1 stored from feed text (page not fetched)" in err
