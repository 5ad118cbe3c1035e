"""`newsdesk watch add|list|remove`: standing questions (index.watch) from the command line.

`index.cli` registers these: `add_parsers(sub)` in build_parser and `COMMANDS["watch"] = run_watch`.
The command line is an operator's: it may remove anyone's question. Answers are posted by the bot.
"""
from __future__ import annotations

import argparse
import sys

from .. import watch
from ..config import Settings
from ..library import Library
from ..models import StandingQuestion, write_scope


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `watch` command and its subcommands."""
    watching = sub.add_parser("watch", help="standing questions, asked of every new article: add, list, remove")
    actions = watching.add_subparsers(dest="watch_command", required=True)
    p = actions.add_parser("add", help=f"keep asking QUESTION of new articles (at most {watch.MAX_PER_GUILD} a guild)")
    p.add_argument("question")
    p.add_argument("--guild", help="this Discord guild's (id): its own articles are searched too")
    p.add_argument("--channel", default="", help="the Discord channel (id) the bot posts its answers in")
    p.add_argument("--name", default="the command line", help="who set it, as the bot's posts name them")
    p = actions.add_parser("list", help="list standing questions: id, question, guild, channel, who set it")
    p.add_argument("--guild", help="only this guild's")
    p = actions.add_parser("remove", help="stop asking a standing question")
    p.add_argument("watch_id", type=int)
    p.add_argument("--guild", help="only if it is this guild's")


def line(found: StandingQuestion) -> str:
    """`[id] question  (scope, channel, who, when)`, one line."""
    where = ", ".join(part for part in (
        found.scope or "shared", f"channel {found.channel_id}" if found.channel_id else "not posted",
        f"set by {found.user_name or found.user_id or '-'}", found.created[:16]) if part)
    return f"[{found.id}] {found.question}  ({where})"


async def run_watch(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `watch` subcommand; exit status 1 when it was refused."""
    scopes = [write_scope(args.guild)] if args.guild else None
    async with Library(settings) as lib:
        try:
            if args.watch_command == "add":
                added = await watch.add(lib, args.question, write_scope(args.guild or None), args.channel, "", args.name)
                print(line(added))
                if not added.channel_id:
                    print("note: without --channel its answers are recorded but not posted", file=sys.stderr)
            elif args.watch_command == "list":
                for found in await watch.standing_questions(lib, scopes):
                    print(line(found))
            else:
                removed = await watch.remove(lib, args.watch_id, scopes)
                print(f"removed [{removed.id}] {removed.question}", file=sys.stderr)
        except watch.WatchRefused as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0
