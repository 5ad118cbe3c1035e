"""`newsdesk export`: a research thread's answers (or a guild's since a day) as Markdown or JSON
(index.export), printed or written to a file.

`index.cli` registers it: `add_parser(sub)` in build_parser and `COMMANDS["export"] = run_export`.
The command line is an operator's: `--thread` without `--guild` finds the thread in any guild.
Exit status: 0 when written, 1 when nothing was found (said on stderr; no file is written), 2 for a
bad id, day or combination of options (the error names it).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import export
from ..config import Settings
from ..models import guild_scope
from ..store import open_store


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `export` command."""
    p = sub.add_parser("export", help="a research thread's questions and quoted answers (or a guild's since a day) "
                       "as Markdown, or JSON")
    p.add_argument("--thread", metavar="ID", help="the Discord thread (or channel) id whose answers to export")
    p.add_argument("--guild", metavar="ID", help="only this guild's answers (with --since: every channel of it)")
    p.add_argument("--since", metavar="DATE", help="with --guild: the answers given on or after this day (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="JSON (with a version field) instead of Markdown")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")


def _problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the combination of options, else None."""
    if args.thread and args.since:
        return "give --thread ID, or --guild ID --since DATE, not both"
    if not args.thread and not args.since:
        return "say what to export: --thread ID, or --guild ID --since DATE"
    if args.since and not args.guild:
        return "--since needs --guild ID: the guild whose answers to export"
    return None


async def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Export; exit status 1 when nothing was found, 2 for bad options."""
    problem = _problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        guild = export.check_id("guild", args.guild) if args.guild else ""
        form = "json" if args.json else "markdown"
        store = await open_store(settings.database)
        try:
            if args.thread:
                made = await export.thread_export(store, args.thread, (guild_scope(guild),) if guild else None, guild)
            else:
                made = await export.guild_export(store, guild, args.since)
        finally:
            await store.close()
    except export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not made.answers:
        print(f"nothing to export: {export.empty_reason(made)}", file=sys.stderr)
        return 1
    text = export.render(made, form)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"exported {len(made.answers)} answer(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
