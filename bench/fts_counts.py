"""`python -m bench.fts_counts DB [DB ...]`: a question's term counts at its first asking, `COUNT(*) ...
MATCH` per term against FTS5's vocabulary (index.store.sqlite's `_count_query`).

DB is a library's SQLite file (part 2b's folders). The questions are part 2b's (8 generic + the BBC
headlines), or the `q` of each line of `--questions FILE` (news-2023's qa.jsonl). Every matched term of
a question is counted in one query, in both forms one after the other (each form first in turn),
three times after a warm-up round; the p50, p95 and worst of a question are printed, with whether
both forms give every term the same count (docs/BENCHMARKS.md 2n).
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import time
from collections.abc import Callable

from bench.data import bbc_articles
from bench.scale import questions
from bench.worker import QUESTIONS
from index.store.sql import fts_match
from index.store.sqlite import VOCABULARY, _count_query, _term_key
from index.text import query_terms
from index.when import without_dates

Counter = Callable[[sqlite3.Connection, list[str]], dict[str, int]]


def by_match(db: sqlite3.Connection, terms: list[str]) -> dict[str, int]:
    """The earlier form: a `COUNT(*)` over each term's matches, all in one SELECT."""
    one = "(SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ?)"
    row = db.execute(f"SELECT {', '.join([one] * len(terms))}", [fts_match([t]) for t in terms]).fetchone()
    return dict(zip(terms, row, strict=True))


def by_vocabulary(db: sqlite3.Connection, terms: list[str]) -> dict[str, int]:
    keys = {t: _term_key(t) for t in terms}
    found = {str(k): int(n) for k, n in db.execute(*_count_query(list(keys.values()))).fetchall()}
    return {t: found.get(key, 0) for t, key in keys.items()}


FORMS: dict[str, Counter] = {"COUNT(*) MATCH": by_match, "fts5vocab": by_vocabulary}


def measure(path: str, asked: list[list[str]], runs: int = 3) -> None:
    db = sqlite3.connect(path)
    db.execute(VOCABULARY)
    db.execute("PRAGMA query_only=ON")
    results: dict[tuple[str, int], dict[str, int]] = {}
    times: dict[str, list[float]] = {form: [] for form in FORMS}
    for run in range(runs + 1):  # the first run warms the page cache and is not counted
        order = list(FORMS) if run % 2 else list(reversed(FORMS))
        for i, terms in enumerate(asked):
            for form in order:
                start = time.perf_counter()
                results[form, i] = FORMS[form](db, terms)
                if run:
                    times[form].append((time.perf_counter() - start) * 1000)
    for form, taken in times.items():
        ranked = sorted(taken)
        print(f"{path}  {form:14s} p50 {statistics.median(taken):.2f} ms, p95 {ranked[int(0.95 * len(ranked))]:.2f} ms, "
              f"worst {ranked[-1]:.2f} ms ({len(asked)} questions x {runs})")
    same = sum(results["COUNT(*) MATCH", i] == results["fts5vocab", i] for i in range(len(asked)))
    print(f"{path}  every term counted alike: {same} of {len(asked)} questions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", help="JSON Lines with a question in each line's `q`")
    args = parser.parse_args()
    if args.questions:
        with open(args.questions, encoding="utf-8") as lines:
            asked = [str(json.loads(line)["q"]) for line in lines if line.strip()]
    else:
        asked = questions([a.headline for a in bbc_articles() or []], QUESTIONS)
    terms = [t for q in asked if (t := query_terms(without_dates(q)))]
    for path in args.db:
        measure(path, terms, args.runs)


if __name__ == "__main__":
    main()
