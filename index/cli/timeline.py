"""`newsdesk timeline TOPIC`: one quote per article about a topic, oldest first (index.timeline).

`index.cli` registers it: `add_parser(sub)` in build_parser and `COMMANDS["timeline"] = run_timeline`.
Exit status 0 with entries, 1 when no article is about the topic, 2 for a bad topic or date.
"""
from __future__ import annotations

import argparse
import json
import sys

from ..config import Settings
from ..events import track
from ..library import Library
from ..models import Quote, guild_of, read_scopes
from ..render import marked
from ..timeline import LIMIT, Timeline

UNDATED = "— undated —"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `timeline` command."""
    p = sub.add_parser("timeline", help="one quote per article about TOPIC, oldest first (undated last)")
    p.add_argument("topic")
    p.add_argument("--since", default="", metavar="DATE", help="only articles published on or after this day (YYYY-MM-DD)")
    p.add_argument("--until", default="", metavar="DATE", help="only articles published on or before this day (YYYY-MM-DD)")
    p.add_argument("--guild", help="also the articles ingested in this Discord guild (id)")
    p.add_argument("--limit", type=int, default=LIMIT, help=f"at most N articles, the most relevant (default {LIMIT})")
    p.add_argument("--json", action="store_true", help="print the timeline as one JSON object")


def credit(quote: Quote) -> str:
    """"Title · SOURCE · paragraph 3 · url", leaving out what is unknown (the date leads the line)."""
    parts = [quote.title, quote.source, f"paragraph {quote.paragraph}", quote.url]
    return " · ".join(part for part in parts if part)


def timeline_text(found: Timeline, bold: bool = False) -> str:
    """`date — “quote” — attribution` a line per entry, the undated ones last under a marker."""
    if not found.entries:
        lines = [f"No timeline for “{found.topic}”: {found.reason} (searched {found.searched} "
                 f"article{'s' * (found.searched != 1)})."]
        return "\n".join(lines + ([f"Searched {found.window}."] if found.window else []))
    lines = []
    for entry in found.dated:
        lines.append(f"{entry.day} — “{marked(entry.quote, bold)}” — {credit(entry.quote)}")
        lines += [f"           also in: {twin_line(t)}" for t in entry.quote.also_in]
    if found.undated:
        lines.append(UNDATED)
    for entry in found.undated:
        lines.append(f"“{marked(entry.quote, bold)}” — {credit(entry.quote)}")
        lines += [f"  also in: {twin_line(t)}" for t in entry.quote.also_in]
    if found.more:
        lines.append(f"({found.more} more article{'s' * (found.more != 1)} about it not shown: narrow with --since/--until.)")
    if found.window:
        lines.append(f"(Searched {found.window}.)")
    return "\n".join(lines)


def twin_line(twin: dict[str, object]) -> str:
    parts = [str(twin.get(key) or "") for key in ("title", "source", "published", "url")]
    parts[2] = parts[2][:10]
    return " · ".join(part for part in parts if part)


async def run_timeline(args: argparse.Namespace, settings: Settings) -> int:
    """Print the timeline; exit status 1 when it is empty."""
    scopes = read_scopes(args.guild or None)
    async with Library(settings) as lib:
        with track("timeline", guild_of(scopes)) as event:
            found = await lib.timeline(args.topic, scopes, since=args.since, until=args.until, limit=max(args.limit, 1))
            event.outcome = "answered" if found.entries else "refused"
            event.fields["entries"] = len(found.entries)
    if args.json:
        print(json.dumps(found.to_dict(), ensure_ascii=False))
    else:
        print(timeline_text(found, bold=sys.stdout.isatty()), file=sys.stdout if found.entries else sys.stderr)
    return 0 if found.entries else 1
