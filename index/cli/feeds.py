"""`newsdesk feeds add|list|remove|poll` and url arguments to `newsdesk ingest`.

`index.cli` registers these: `add_parsers(sub)` in build_parser, `COMMANDS["feeds"] = run_feeds`,
and `ingest_urls(...)` for the http(s) arguments of `ingest`.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..config import Settings, fetch_settings
from ..fetch import Fetcher, FetchSettings
from ..library import Library
from ..models import FEED_MARK, IngestResult, write_scope
from ..webingest import PollResult, add_feed, ingest_url, list_feeds, poll_feeds, remove_feed


def is_url(argument: str) -> bool:
    """True for an `ingest` argument that names a web page rather than a file."""
    return argument.lower().startswith(("http://", "https://"))


async def ingest_urls(lib: Library, urls: Sequence[str], scope: str, settings: FetchSettings) -> list[IngestResult]:
    """Fetch and store each url with one HTTP session; each failure is one "rejected" result."""
    results: list[IngestResult] = []
    async with Fetcher(settings) as fetcher:
        for url in urls:
            results += await ingest_url(lib, url, scope, settings, fetcher)
    return results


def summary(poll: PollResult) -> str:
    """"updated, 3 new items, 1 stored from feed text (page not fetched), 1 replaced by its page"."""
    parts = [poll.status, f"{len(poll.results)} new item{'s' * (len(poll.results) != 1)}"]
    if poll.feed_text:
        parts.append(f"{len(poll.feed_text)} stored from feed text (page not fetched)")
    if poll.refetched:
        parts.append(f"{len(poll.refetched)} replaced by {'its page' if len(poll.refetched) == 1 else 'their pages'}")
    return ", ".join(parts)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `feeds` command and its subcommands."""
    feeds = sub.add_parser("feeds", help="RSS/Atom feed subscriptions: add, list, remove, poll")
    actions = feeds.add_subparsers(dest="feeds_command", required=True)
    p = actions.add_parser("add", help="subscribe to a feed (checked by fetching it once)")
    p.add_argument("url")
    p.add_argument("--guild", help="subscribe this Discord guild (id) only")
    p = actions.add_parser("list", help="list subscriptions: id, url, title, last poll, last error")
    p.add_argument("--guild", help="only this guild's subscriptions")
    p = actions.add_parser("remove", help="unsubscribe (articles already stored stay)")
    p.add_argument("feed_id", type=int)
    p.add_argument("--guild", help="only if the feed is this guild's")
    p = actions.add_parser("poll", help="fetch every subscription once and store new items")
    p.add_argument("feed_ids", type=int, nargs="*", help="only these feeds")
    p.add_argument("--guild", help="only this guild's subscriptions")
    p.add_argument("-q", "--quiet", action="store_true", help="print only rejections and errors")


def _scope(guild: str | None) -> str:
    return write_scope(guild or None)


async def run_feeds(args: argparse.Namespace, settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """Run one `feeds` subcommand; exit status 1 when something was rejected or failed."""
    fetch = fetch_settings(env, None if env is not None else Path(".env"))
    scopes = [_scope(args.guild)] if getattr(args, "guild", None) else None
    async with Library(settings) as lib:
        if args.feeds_command == "add":
            feed = await add_feed(lib, args.url, _scope(args.guild), fetch)
            print(f"subscribed [{feed.id}] {feed.title}  <- {feed.url}")
            return 0
        if args.feeds_command == "list":
            for feed in await list_feeds(lib, scopes):
                error = f"  error: {feed.last_error}" if feed.last_error else ""
                scope = f" ({feed.scope})" if feed.scope else ""
                channel = f"  announced in channel {feed.announce_channel}" if feed.announce_channel else ""
                print(f"[{feed.id}] {feed.title or '-'}{scope}  {feed.url}  polled {feed.last_polled or 'never'}"
                      f"{channel}{error}")
            return 0
        if args.feeds_command == "remove":
            if not await remove_feed(lib, args.feed_id, scopes):
                print(f"error: no feed {args.feed_id}", file=sys.stderr)
                return 1
            print(f"unsubscribed feed {args.feed_id}")
            return 0
        polls = await poll_feeds(lib, fetch, scopes, feed_ids=args.feed_ids or None)
    failed = False
    for poll in polls:
        if poll.status == "error":
            failed = True
            print(f"error     feed [{poll.feed.id}] {poll.feed.url}: {poll.reason}", file=sys.stderr)
            continue
        for r in poll.results:
            if r.status == "rejected":
                print(f"rejected  {r.origin}: {r.reason}", file=sys.stderr)
            elif not args.quiet:
                note = f"  {FEED_MARK} {r.reason}" if r.article_id in poll.feed_text else (
                    "  (its page replaced the feed summary)" if r.article_id in poll.refetched else "")
                print(f"{r.status:<9} [{r.article_id}] {r.title}  <- {r.origin}{note}", file=sys.stderr)
        if not args.quiet:
            print(f"feed [{poll.feed.id}] {poll.feed.title}: {summary(poll)}", file=sys.stderr)
    return 1 if failed else 0
