"""`python -m bot` / `newsdesk bot`: open the library, run the Discord bot until stopped."""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from index.config import ConfigError, Settings, fetch_settings
from index.embed import Embedder
from index.fetch import FetchSettings
from index.logs import setup_logging

if TYPE_CHECKING:
    from bot.shards import Shards

log = logging.getLogger("bot")

NO_TOKEN = ("DISCORD_TOKEN is not set: create a bot in the Discord developer portal "
            "(see docs/DISCORD.md) and put its token in the environment or .env")
BAD_TOKEN = ("Discord rejected DISCORD_TOKEN (invalid or reset token): copy the bot's token again from "
             "the developer portal, Bot page, and update the environment or .env")
NO_INTENT = ("Discord refused the Message Content intent: enable it in the developer portal, "
             "Bot page, Privileged Gateway Intents")


async def run(settings: Settings, embedder: Embedder | None = None, fetch: FetchSettings | None = None,
              shards: Shards | None = None, **options: Any) -> None:
    """Open the library and the metrics endpoint (when configured), then the bot (on `shards`, when
    given) inside them; all are closed on the way out (also on SIGTERM)."""
    from bot.client import newsdesk_bot
    from index import memory, metrics
    from index.library import Library

    async with Library(settings, embedder=embedder) as library, metrics.serve(settings):
        await metrics.watch_library(library)
        async with newsdesk_bot(library, settings, fetch, shards, **options) as bot, memory.settling():
            _close_on_sigterm(bot)
            await bot.start(settings.discord_token)


def _close_on_sigterm(bot: Any) -> None:
    """`systemctl stop` sends SIGTERM: close the bot so the library closes cleanly after it."""
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        log.debug("cannot handle SIGTERM here")


async def run_bot(settings: Settings, embedder: Embedder | None = None, fetch: FetchSettings | None = None,
                  shards: str | None = None, shard_count: int | None = None, **options: Any) -> int:
    """Run the bot until it is stopped; a missing or rejected token or a bad setting is one line on
    stderr, status 2 or 1. `fetch` defaults to NEWSDESK_FETCH_* from the environment and `.env`;
    `shards` and `shard_count` (`--shards 0-3 --shard-count 8`) override NEWSDESK_SHARDS and _COUNT."""
    from bot.shards import choose

    if not settings.discord_token:
        print(f"newsdesk bot: {NO_TOKEN}", file=sys.stderr)
        return 2
    try:
        plan = choose(settings, shards, shard_count)
        await run(settings, embedder, fetch or fetch_settings(), plan, **options)
    except ConfigError as exc:
        print(f"newsdesk bot: {exc}", file=sys.stderr)
        return 2
    except discord.LoginFailure:
        print(f"newsdesk bot: {BAD_TOKEN}", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print(f"newsdesk bot: {NO_INTENT}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """`python -m bot`: settings from the environment (and `.env`), then `run_bot`.

    `env` replaces os.environ and `.env` (tests); `argv` is accepted for symmetry and unused.
    """
    del argv  # no options: everything comes from the environment
    dotenv = Path(".env") if env is None else None
    try:
        settings = Settings.from_env(env, dotenv=dotenv)
        fetch = fetch_settings(env, dotenv)
    except ConfigError as exc:
        print(f"newsdesk bot: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_format, secrets=[settings.discord_token])
    try:
        return asyncio.run(run_bot(settings, fetch=fetch))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
