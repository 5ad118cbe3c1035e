"""`newsdesk ingest PATH... | URL...`: store articles, printing each as it is stored, then a summary.

`index.cli` registers it: `add_parser(sub)` in build_parser and `COMMANDS["ingest"] = run_ingest`.
Exit status 0, or 1 when a path is missing or an article was rejected (the rest is still stored).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..boilerplate import dropped_in, dropped_summary
from ..config import Settings, fetch_settings
from ..library import Library
from ..models import IngestResult, read_scopes
from ..progress import ProgressBar
from . import feeds as cli_feeds


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `ingest` command."""
    p = sub.add_parser("ingest", help="store articles from files, folders or web pages")
    p.add_argument("paths", nargs="+", help="article files (.txt, .md, .html, .json, .jsonl), folders of them, or http(s) urls")
    p.add_argument("-q", "--quiet", action="store_true", help="print only rejections")
    p.add_argument("--guild", help="store them for this Discord guild (id) only")


def _print_lines(results: Sequence[IngestResult], quiet: bool) -> None:
    for r in results:
        if r.status == "rejected":
            print(f"rejected  {r.origin}: {r.reason}", file=sys.stderr)
        elif not quiet:
            same = "; same story as " + ", ".join(f"[{i}]" for i in r.copies) if r.copies else ""
            detail = f" ({r.passages} passages{same})" if r.passages else f" ({r.reason})" if r.reason else ""
            print(f"{r.status:<9} [{r.article_id}] {r.title}{detail}  <- {r.origin}", file=sys.stderr)


def _print_summary(counts: Counter[str], dropped: Counter[str], quiet: bool) -> None:
    """The statuses' counts, then what cleaning dropped and why (not with --quiet)."""
    if not quiet or counts["rejected"]:
        statuses = ("added", "unchanged", "replaced", "duplicate", "rejected")
        summary = ", ".join(f"{counts[s]} {s}" for s in statuses if counts[s] or s != "duplicate")
        if counts["linked"]:
            summary += f"; {counts['linked']} linked as wire copies of stored articles (the same story)"
        print(f"ingest: {summary}", file=sys.stderr)
    said = dropped_summary(dropped)
    if said and not quiet:
        print(f"ingest: {said}", file=sys.stderr)


def _tally(results: Sequence[IngestResult]) -> list[str]:
    """Each result's status, and "linked" for each article linked to a stored copy (index.wire)."""
    return [r.status for r in results] + ["linked" for r in results if r.copies]


async def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    urls = [p for p in args.paths if cli_feeds.is_url(p)]
    paths = [Path(p) for p in args.paths if not cli_feeds.is_url(p)]
    scope = read_scopes(args.guild or None)[-1]
    bar = ProgressBar() if sys.stderr.isatty() and not args.quiet else None
    counts: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    async with Library(settings) as lib:
        answered: list[int] = []
        lib.watch_listeners.append(lambda hits: _count(answered, len(hits)))
        try:
            async for batch in lib.ingest_stream(paths, scope, progress=bar):  # printed as stored
                if bar:
                    bar.clear()
                _print_lines(batch, args.quiet)
                counts.update(_tally(batch))
                dropped.update(dropped_in(batch))
        finally:
            if bar:
                bar.close()
        if urls:
            fetched = await cli_feeds.ingest_urls(lib, urls, scope, fetch_settings())
            _print_lines(fetched, args.quiet)
            counts.update(_tally(fetched))
            dropped.update(dropped_in(fetched))
    missing = [p for p in paths if not p.exists()]
    _print_summary(counts, dropped, args.quiet)
    if sum(answered) and not args.quiet:
        print(f"standing questions: {sum(answered)} new answer(s), posted by the bot", file=sys.stderr)
    return 1 if missing or counts["rejected"] else 0


async def _count(counts: list[int], count: int) -> None:
    counts.append(count)
