"""`newsdesk bot`: the bot's command for the `newsdesk` command line.

`index.cli` finds it through the "newsdesk.commands" entry point (pyproject.toml), so the library
never imports the Discord layer; discord.py is imported only when the command runs.
"""
from __future__ import annotations

import argparse
from typing import Any

from index.config import Settings

NAME = "bot"


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    """The `bot` subcommand: settings from the environment and .env; shards also as options."""
    p = sub.add_parser(NAME, help="run the Discord bot (needs DISCORD_TOKEN)")
    p.add_argument("--shards", metavar="IDS",
                   help="the shard ids this process runs, e.g. 0-3 or 0,2 (default: NEWSDESK_SHARDS; none: unsharded)")
    p.add_argument("--shard-count", type=int, metavar="N",
                   help="how many shards all the bot's processes run together (default: NEWSDESK_SHARD_COUNT)")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot until stopped; its exit status."""
    from bot.__main__ import run_bot

    return await run_bot(settings, shards=args.shards, shard_count=args.shard_count)
