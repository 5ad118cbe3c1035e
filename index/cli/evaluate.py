"""`newsdesk eval FILE_OR_FOLDER`: answer quality on a SQuAD-format file or a news folder (docs/EVAL.md).

`index.cli` registers it: `add_parser(sub)` in build_parser and `COMMANDS["eval"] = run_eval`.
Exit status 0 with figures printed, 2 for a missing or malformed file.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import Settings


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `eval` command."""
    p = sub.add_parser("eval", help="measure answers on a SQuAD-format file or a news folder in a temporary library")
    p.add_argument("file", help="SQuAD-format JSON file, or a folder of articles*.jsonl + qa.jsonl (news)")
    p.add_argument("--limit", type=int, help="ask only N questions, spread over the file")
    p.add_argument("--every", type=int, default=1, help="news: every Nth answerable question and its articles")
    p.add_argument("--keep", help="news: keep the library in this folder (re-runs skip unchanged articles)")
    p.add_argument("--dump", help="news: write each question's outcome to this JSON Lines file")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


async def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    if path.is_dir():
        return await _eval_news(args, settings, path)
    from ..evaluate import report, run, summary

    if not path.is_file():
        print(f"error: no SQuAD file or news folder at {path}", file=sys.stderr)
        return 2
    try:
        outcomes = await run(path, settings, args.limit, progress=not args.quiet)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary(outcomes, settings.min_score)))
    else:
        print(report(outcomes, settings.min_score))
    return 0


async def _eval_news(args: argparse.Namespace, settings: Settings, folder: Path) -> int:
    from dataclasses import asdict

    from .. import evaluate_news

    keep = Path(args.keep) if args.keep else None
    try:
        outcomes = await evaluate_news.run(folder, settings, args.limit, args.every, home=keep, progress=not args.quiet)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for outcome in outcomes:
                out.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(evaluate_news.summary(outcomes)))
    else:
        print(evaluate_news.report(outcomes))
    return 0
