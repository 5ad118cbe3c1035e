"""`python -m bench.stale_matches HOME`: the refusal curve of the stale-match confidence on news-2023.

HOME is a library of ../shared/eval/news-2023 kept by `newsdesk eval ../shared/eval/news-2023 --keep
HOME`. Every question is asked once as of its `asked` day with the stale rule off and nothing refused
for confidence; then, for each candidate `NEWSDESK_STALE_MIN_SCORE`, an answer counts as refused when
the shipped library would refuse it: confidence under `min_score`, no stored article in the dates the
question names, or (a question with no dates) `index.staleness.stale_reason` and confidence under the
candidate. Printed per half: answerable refused / unanswerable refused (docs/EVAL.md "Stale matches";
the value is chosen on the even weeks).
"""
from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from bench.data import SHARED
from index.config import Settings
from index.evaluate_news import NewsCase, load_cases
from index.library import Library
from index.models import GLOBAL_SCOPE
from index.staleness import stale_reason

QA = SHARED / "eval" / "news-2023" / "qa.jsonl"
CANDIDATES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


@dataclass(frozen=True)
class Asked:
    case: NewsCase
    confidence: float
    refused: bool  # refused with the stale rule off (nothing in the question's dates, or no quote)
    stale: bool  # the shipped rule's condition holds (its confidence aside)


async def ask_all(home: Path, days: int) -> list[Asked]:
    """Every question of the kept library as of its day, the stale rule off, min_score 0."""
    settings = replace(Settings.from_env(), home=home, min_score=0.0, stale_days=0)
    out = []
    async with Library(settings) as lib:
        newest = await lib.store.newest_published((GLOBAL_SCOPE,))
        for case in load_cases(QA):
            day = date.fromisoformat(case.asked[:10])
            answer = await lib.ask(case.question, now=day)
            stale = not answer.window and bool(stale_reason(answer, newest, day, days))
            out.append(Asked(case, answer.confidence, answer.refused, stale))
    return out


def refused(row: Asked, min_score: float, stale_min_score: float) -> bool:
    return row.refused or row.confidence < min_score or (row.stale and row.confidence < stale_min_score)


def curve(rows: list[Asked], min_score: float) -> str:
    lines = []
    for name, half in (("even weeks", "train"), ("odd weeks", "test"), ("all", None)):
        part = [r for r in rows if half is None or r.case.half == half]
        answerable = [r for r in part if not r.case.refuse]
        unanswerable = [r for r in part if r.case.refuse]
        cells = [f"{t:.2f}: {sum(refused(r, min_score, t) for r in answerable) / max(len(answerable), 1):.3f} / "
                 f"{sum(refused(r, min_score, t) for r in unanswerable) / max(len(unanswerable), 1):.3f}"
                 for t in CANDIDATES]
        lines.append(f"{name} ({len(answerable)} answerable, {len(unanswerable)} not): " + ", ".join(cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path, help="a library kept by `newsdesk eval ../shared/eval/news-2023 --keep`")
    parser.add_argument("--days", type=int, default=Settings.stale_days, help="NEWSDESK_STALE_DAYS")
    args = parser.parse_args()
    if not QA.is_file():
        raise SystemExit(f"{QA} is absent")
    rows = asyncio.run(ask_all(args.home, args.days))
    print(curve(rows, Settings.min_score))


if __name__ == "__main__":
    main()
