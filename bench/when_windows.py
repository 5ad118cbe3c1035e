"""`python -m bench.when_windows`: how often a question's date window holds an article with its answer.

Reads ../shared/eval/news-2023 in place. For each answerable question whose words give a window
(index.when.question_window, relative to the quiz's `asked` day), it checks whether an article of
its `urls` whose text holds an `expect` string was published inside; the share is reported for
the questions of even and of odd ISO weeks (the leads are chosen on even weeks only), per phrase
kind, and for other leads than the shipped ones.
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bench.data import SHARED
from index import when

NEWS = SHARED / "eval" / "news-2023"
KINDS = {"today": "day", "tonight": "day", "yesterday": "day", "week": "week", "weekend": "week",
         "month": "month", "year": "year", "recent": "recent", "lately": "recent", "latest": "recent"}


def kind(phrase: str) -> str:
    """Which lead a phrase uses, for the per-kind figures."""
    words = phrase.lower().replace("'s", "").split()
    for word in reversed(words):
        if word.rstrip("ly") in KINDS or word in KINDS:
            return KINDS.get(word, KINDS.get(word.rstrip("ly"), "recent"))
    if words and words[-1].isdigit():
        return "year"
    return "weekday" if any(w in when._WEEKDAYS for w in words) else "month"


def questions(folder: Path) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Answerable questions with the published days of the articles holding their answer."""
    articles: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("articles-0*.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            articles[row["url"]] = row
    for line in (folder / "qa.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row.get("refuse"):
            continue
        holding = [articles[u] for u in row["urls"] if u in articles and any(e in articles[u]["text"] for e in row["expect"])]
        if holding:
            yield row, [a.get("published") or "" for a in holding]


def shares(rows: list[tuple[dict[str, Any], list[str]]]) -> dict[str, dict[str, list[int]]]:
    """{even|odd: {kind: [kept, windowed]}} with the module's current leads."""
    out: dict[str, dict[str, list[int]]] = {"even": defaultdict(lambda: [0, 0]), "odd": defaultdict(lambda: [0, 0])}
    for row, published in rows:
        asked = date.fromisoformat(row["asked"])
        window = when.question_window(row["q"], asked)
        if window is None:
            continue
        half = "even" if asked.isocalendar().week % 2 == 0 else "odd"
        kept = any(window.holds(p) for p in published)
        for key in ("all", kind(window.phrase)):
            out[half][key][0] += kept
            out[half][key][1] += 1
    return out


def line(label: str, counts: dict[str, dict[str, list[int]]]) -> str:
    cells = []
    for half in ("even", "odd"):
        kept, n = counts[half]["all"]
        cells.append(f"{half} {kept}/{n} = {kept / n:.3f}" if n else f"{half} -")
    return f"{label:<34} " + "   ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sweep", action="store_true", help="also try other leads, one setting at a time")
    args = parser.parse_args()
    if not NEWS.is_dir():
        print(f"skipped: no {NEWS}")
        return
    rows = list(questions(NEWS))
    counts = shares(rows)
    print(line("shipped leads", counts))
    for key in sorted(set(counts["even"]) | set(counts["odd"])):
        cells = [f"{h} {counts[h][key][0]}/{counts[h][key][1]}" for h in ("even", "odd")]
        print(f"  {key:<32} " + "   ".join(cells))
    if args.sweep:
        for name, values in (("LEAD_DAYS", (0, 3, 7, 14, 21, 28, 42)), ("RECENT_DAYS", (7, 14, 30, 60, 90, 180)),
                             ("LEAD_MONTH", (0, 14, 31)), ("LEAD_YEAR", (0, 31, 365)), ("END_DAYS", (0, 1, 3))):
            shipped = getattr(when, name)
            for value in values:
                setattr(when, name, value)
                print(line(f"{name} = {value}", shares(rows)))
            setattr(when, name, shipped)


if __name__ == "__main__":
    main()
