"""`python -m bot` / `newsdesk bot`: open the library, run the Discord bot until stopped."""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from index.config import ConfigError, Settings, fetch_settings
from index.embed import Embedder
from index.errors import NewsdeskError
from index.fetch import FetchSettings
from index.logs import describe, log_loop_exception, log_uncaught_exceptions, setup_logging

if TYPE_CHECKING:
    from bot.shards import Shards

log = logging.getLogger("bot")

NO_TOKEN = ("DISCORD_TOKEN is not set: create a bot in the Discord developer portal "
            "(see docs/DISCORD.md) and put its token in the environment or .env")
BAD_TOKEN = ("Discord rejected DISCORD_TOKEN (invalid or reset token): copy the bot's token again from "
             "the developer portal, Bot page, and update the environment or .env")
NO_INTENT = ("Discord refused the Message Content intent: enable it in the developer portal, "
             "Bot page, Privileged Gateway Intents")
UNREACHABLE = ("cannot reach Discord ({error}): check the network, DNS, firewall or proxy; "
               "the bot exits so its supervisor (systemd, Docker) restarts it")
UNEXPECTED = "an unexpected error: {error}"


async def run(settings: Settings, embedder: Embedder | None = None, fetch: FetchSettings | None = None,
              shards: Shards | None = None, **options: Any) -> None:
    """Open the library and the metrics endpoint (when configured), then the bot (on `shards`, when
    given) inside them; all are closed on the way out (also on SIGTERM)."""
    from bot.client import newsdesk_bot
    from index import health, memory, metrics
    from index.library import Library

    asyncio.get_running_loop().set_exception_handler(log_loop_exception)
    async with Library(settings, embedder=embedder) as library, metrics.serve(settings):
        await metrics.watch_library(library)
        async with newsdesk_bot(library, settings, fetch, shards, **options) as bot, memory.settling():
            _close_on_sigterm(bot)
            health.starting(settings.home, name=bot.process_name)  # doctor's grace until the first beat
            await bot.start(settings.discord_token)
        health.clear(settings.home, bot.process_name)  # stopped on purpose; a failed start keeps its record


def _close_on_sigterm(bot: Any) -> None:
    """`systemctl stop` sends SIGTERM: close the bot so the library closes cleanly after it."""
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        log.debug("cannot handle SIGTERM here")


async def run_bot(settings: Settings, embedder: Embedder | None = None, fetch: FetchSettings | None = None,
                  shards: str | None = None, shard_count: int | None = None, **options: Any) -> int:
    """Run the bot until it is stopped. Why it stopped otherwise is one log record (JSON under
    `--log-format json`, the token redacted) and the status: 2 for a missing token or a bad setting
    (a restart cannot fix them), 1 for the rest (a rejected token, an unreachable Discord, any other
    error, its traceback in the same record). `fetch` defaults to NEWSDESK_FETCH_* from the environment
    and `.env`; `shards` and `shard_count` (`--shards 0-3 --shard-count 8`) override NEWSDESK_SHARDS and _COUNT."""
    from bot.shards import choose

    if not settings.discord_token:
        return stopped(NO_TOKEN, 2)
    try:
        plan = choose(settings, shards, shard_count)
        await run(settings, embedder, fetch or fetch_settings(), plan, **options)
    except ConfigError as exc:
        return stopped(str(exc), 2)
    except discord.LoginFailure:
        return stopped(BAD_TOKEN, 1)
    except discord.PrivilegedIntentsRequired:
        return stopped(NO_INTENT, 1)
    except (aiohttp.ClientError, TimeoutError, discord.GatewayNotFound, discord.DiscordServerError) as exc:
        return stopped(UNREACHABLE.format(error=describe(exc)), 1)
    except NewsdeskError as exc:
        return stopped(str(exc), 1)
    except Exception as exc:  # anything else: one record with its traceback, not Python's printout
        return stopped(UNEXPECTED.format(error=describe(exc)), 1, exc)
    return 0


def stopped(reason: str, status: int, exc: BaseException | None = None) -> int:
    """Log why the bot stops as one record ("newsdesk bot stopped: REASON") and return its exit status."""
    log.critical("newsdesk bot stopped: %s", reason, exc_info=exc)
    return status


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
    log_uncaught_exceptions()
    try:
        return asyncio.run(run_bot(settings, fetch=fetch))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
