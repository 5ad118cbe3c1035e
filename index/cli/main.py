"""The `newsdesk` command line: everything a Discord user can do, from a shell."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TextIO

from ..config import ConfigError, Settings
from ..errors import NewsdeskError
from ..events import track
from ..library import Library
from ..logs import log_uncaught_exceptions, setup_logging
from ..models import GLOBAL_SCOPE, guild_of, read_scopes
from ..progress import ProgressBar
from ..render import answer_json, answer_text, article_line
from . import (
    evaluate as cli_evaluate,
    export as cli_export,
    feeds as cli_feeds,
    ingest as cli_ingest,
    timeline as cli_timeline,
    watch as cli_watch,
)

NOW_HELP = "the day questions are asked on (YYYY-MM-DD): \"this week\" or \"in March\" count from it (default: today)"
Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = fn
        return fn
    return register


def day(value: str) -> date:
    """A --now value: a YYYY-MM-DD day (argparse shows the error as one line)."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date written YYYY-MM-DD, e.g. 2024-06-18; {value!r} is not") from None


async def _answer(
    lib: Library, question: str, as_json: bool, out: TextIO, scopes: Sequence[str], now: date | None = None
) -> bool:
    """Print one answer (dates in the question relative to `now`, None: today); a bad question
    prints its error and returns False."""
    try:
        guild = guild_of(scopes)
        with track("ask", guild) as event:
            answer = event.answer = await lib.ask(question, scopes=scopes, now=now)
    except NewsdeskError as exc:
        if as_json:
            print(json.dumps({"question": question, "error": str(exc)}, ensure_ascii=False), file=out)
        else:
            print(f"error: {exc}", file=sys.stderr)
        return False
    text = answer_json(answer) if as_json else answer_text(answer, bold=out.isatty())
    print(text, file=out, flush=True)
    return True


@command("ask")
async def _ask(args: argparse.Namespace, settings: Settings) -> int:
    async with Library(settings) as lib:
        scopes = read_scopes(args.guild or None)  # the shipped articles, plus a guild's own
        if args.question != "-":
            return 0 if await _answer(lib, args.question, args.json, sys.stdout, scopes, args.now) else 2
        ok = True
        for line in sys.stdin:
            if line.strip():
                ok = await _answer(lib, line.strip(), args.json, sys.stdout, scopes, args.now) and ok
                if not args.json:
                    print(flush=True)
        return 0 if ok else 2


@command("chat")
async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    interactive = sys.stdin.isatty()
    async with Library(settings) as lib:
        if interactive:
            count = len(await lib.articles(("",)))
            print(f"Newsdesk: ask about the {count} stored article(s). Ctrl-D ends.")
        while True:
            try:
                line = await asyncio.to_thread(input, "newsdesk> " if interactive else "")
            except EOFError:
                if interactive:
                    print()
                return 0
            if line.strip():
                await _answer(lib, line, False, sys.stdout, (GLOBAL_SCOPE,), args.now)
                if interactive:
                    print()


@command("articles")
async def _articles(args: argparse.Namespace, settings: Settings) -> int:
    async with Library(settings) as lib:
        found = await lib.articles()
        copies = await lib.copies([a.id for a in found])
        for article in found:
            print(article_line(article, copies.get(article.id, ())))
    return 0


@command("forget")
async def _forget(args: argparse.Namespace, settings: Settings) -> int:
    async with Library(settings) as lib:
        if await lib.forget(args.article_id):
            print(f"forgot article {args.article_id}", file=sys.stderr)
            return 0
    print(f"error: no article with id {args.article_id} (see `newsdesk articles`)", file=sys.stderr)
    return 1


@command("feedback")
async def _feedback(args: argparse.Namespace, settings: Settings) -> int:
    async with Library(settings) as lib:
        for row in await lib.feedback(args.limit):
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                vote = "👍" if row["vote"] > 0 else "👎"
                where = row["scope"] or "-"
                print(f"{row['created']}\t{where}\t{vote}\t{row['question']}\t{len(row['quotes'])} quote(s)")
    return 0


@command("backup")
async def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from ..store import pg_backup
    from ..store.sqlite_backup import backup

    if settings.database_url:  # PostgreSQL: the server's pg_dump
        info = await pg_backup.backup(settings.database_url, settings.pg_bin, Path(args.path))
    else:
        info = await asyncio.to_thread(backup, settings.home, Path(args.path))
    print(f"backed up {info.articles} articles ({info.passages} passages) to {info.path}", file=sys.stderr)
    return 0


@command("restore")
async def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from ..store import pg_backup
    from ..store.sqlite_backup import restore

    if settings.database_url:  # PostgreSQL: pg_restore into the library's database, in one transaction
        info = await pg_backup.restore(settings.database_url, settings.pg_bin, Path(args.path), settings.home)
    else:
        info = await asyncio.to_thread(restore, settings.home, Path(args.path))
    async with Library(settings):  # migrates an older backup, rebuilds the FAISS index
        pass
    print(f"restored {info.articles} articles ({info.passages} passages) from {args.path}", file=sys.stderr)
    return 0


@command("migrate")
async def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the library (NEWSDESK_DATABASE_URL, else the SQLite file in home) into another store."""
    from ..embed import make_embedder
    from ..store import open_store
    from ..store.copy import copy_library

    target_where = args.to if args.to.startswith(("postgresql://", "postgres://")) else Path(args.to)
    if target_where == settings.database:
        print("error: --to names the library being copied", file=sys.stderr)
        return 2
    dim = (await asyncio.to_thread(make_embedder, settings.embedder, settings.home / "models")).dim
    bar = ProgressBar() if sys.stderr.isatty() else None
    source = await open_store(settings.database)
    try:
        target = await open_store(target_where)
        try:
            copied = await copy_library(source, target, dim, progress=bar)
        finally:
            await target.close()
    finally:
        await source.close()
        if bar:
            bar.close()
    where = "PostgreSQL: set NEWSDESK_DATABASE_URL to use it" if isinstance(target_where, str) else str(target_where)
    links = f", {copied.copies:,} links between wire copies" if copied.copies else ""
    print(f"copied {copied.articles:,} articles ({copied.passages:,} passages){links}, {copied.feeds} feeds, "
          f"{copied.answers} kept answers and {copied.votes} votes into {where}")
    return 0


@command("doctor")
async def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Check the installation; print what to fix; exit 1 when something must be fixed."""
    from .. import doctor

    checks = await asyncio.to_thread(doctor.run_checks, quick=args.quick)
    print(doctor.report(checks))
    return 0 if doctor.healthy(checks) else 1


COMMANDS["ingest"] = cli_ingest.run_ingest
COMMANDS["eval"] = cli_evaluate.run_eval
COMMANDS["feeds"] = cli_feeds.run_feeds
COMMANDS["watch"] = cli_watch.run_watch
COMMANDS["export"] = cli_export.run_export
COMMANDS["timeline"] = cli_timeline.run_timeline


def add_plugins(sub: argparse._SubParsersAction[Any]) -> None:
    """Commands of installed packages ("newsdesk.commands" entry points; `newsdesk bot` from bot/)."""
    for entry in entry_points(group="newsdesk.commands"):
        plugin = entry.load()
        plugin.add_parser(sub)
        COMMANDS[entry.name] = plugin.run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdesk", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the library does")
    parser.add_argument("--log-format", choices=("text", "json"),
                        help="log lines as text or JSON objects (default: NEWSDESK_LOG_FORMAT, else text)")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_ingest.add_parser(sub)
    p = sub.add_parser("ask", help="answer a question with quotes ('-' reads one per line from stdin)")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    p.add_argument("--guild", help="also search the articles ingested in this Discord guild (id)")
    p.add_argument("--now", type=day, metavar="DATE", help=NOW_HELP)
    p = sub.add_parser("chat", help="ask questions in the terminal (Ctrl-D ends)")
    p.add_argument("--now", type=day, metavar="DATE", help=NOW_HELP)
    sub.add_parser("articles", help="list the stored articles: id, title, source, date, paragraphs "
                   "(and the other outlets of the same story)")
    p = sub.add_parser("forget", help="remove an article and all its passages")
    p.add_argument("article_id", type=int)
    p = sub.add_parser("feedback", help="list the 👍/👎 votes given to answers")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("backup", help="copy the database to PATH (safe while the bot runs; PostgreSQL: pg_dump -Fc)")
    p.add_argument("path", help="backup file (or folder) to write")
    p = sub.add_parser("restore", help="replace the database with a backup and rebuild the vector index "
                       "(PostgreSQL: pg_restore)")
    p.add_argument("path", help="backup file made by `newsdesk backup`")
    p = sub.add_parser("migrate", help="copy the library into another store (PostgreSQL or SQLite) without re-embedding")
    p.add_argument("--to", required=True, metavar="URL_OR_FILE",
                   help="postgresql://user:password@host/database, or a SQLite file (an empty library)")
    p = sub.add_parser("doctor", help="check the settings, token, data folder, stores and model; say what to fix")
    p.add_argument("--quick", action="store_true", help="skip loading the model (for health checks)")
    cli_evaluate.add_parser(sub)
    cli_feeds.add_parsers(sub)
    cli_watch.add_parsers(sub)
    cli_export.add_parser(sub)
    cli_timeline.add_parser(sub)
    add_plugins(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        if args.command != "doctor":  # doctor reports bad settings itself, with the fix
            print(f"error: {exc}", file=sys.stderr)
            return 2
        settings = Settings()
    level = "INFO" if args.verbose else settings.log_level if args.command == "bot" else "WARNING"
    setup_logging(level, args.log_format or settings.log_format, secrets=[settings.discord_token])
    log_uncaught_exceptions()  # a crash is one log record (JSON with --log-format json), exit status 1
    try:
        return asyncio.run(COMMANDS[args.command](args, settings))
    except (ConfigError, NewsdeskError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
