"""`python -m bench.fts_query DB [DB ...]`: the BM25 query alone, `ORDER BY rank` against `bm25()` named.

DB is a library's SQLite file (part 2b's folders: `python -m bench --only scale --keep DIR`). For part
2b's questions (8 generic + the BBC headlines) the terms are chosen as `index.search.lexical_search`
chooses them (the rarest within the postings budget). Each query then runs in both forms, one after
the other (each form first in turn), three times after a warm-up round; the p50 and mean of one query
are printed, with whether both forms return the same passages in the same order (docs/BENCHMARKS.md 2m).
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
import time

from bench.data import bbc_articles
from bench.scale import questions
from bench.worker import QUESTIONS
from index.search import CANDIDATES, bm25_terms
from index.store.sql import fts_match
from index.text import query_terms
from index.when import without_dates

FORMS = {
    "ORDER BY rank": "SELECT rowid, rank FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?",
    "bm25() named": "SELECT rowid, bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ? "
    "ORDER BY score LIMIT ?",
}


def matches(db: sqlite3.Connection) -> list[str]:
    """Each question's MATCH expression over the terms BM25 searches."""
    count = "SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ?"
    found = []
    for question in questions([a.headline for a in bbc_articles() or []], QUESTIONS):
        terms = query_terms(without_dates(question))
        chosen = bm25_terms({t: db.execute(count, (fts_match([t]),)).fetchone()[0] for t in terms})
        if chosen:
            found.append(fts_match(chosen))
    return found


def measure(path: str, runs: int = 3) -> None:
    db = sqlite3.connect(path)
    queries = matches(db)
    results: dict[tuple[str, str], list[tuple[int, float]]] = {}
    times: dict[str, list[float]] = {form: [] for form in FORMS}
    for run in range(runs + 1):  # the first run warms the page cache and is not counted
        order = list(FORMS) if run % 2 else list(reversed(FORMS))  # each form first in turn: drift cancels
        for match in queries:
            for form in order:
                start = time.perf_counter()
                results[form, match] = db.execute(FORMS[form], (match, CANDIDATES)).fetchall()
                if run:
                    times[form].append((time.perf_counter() - start) * 1000)
    for form, taken in times.items():
        print(f"{path}  {form:14s} p50 {statistics.median(taken):.2f} ms, mean {statistics.mean(taken):.2f} ms "
              f"({len(queries)} queries x {runs})")
    same = sum(results["ORDER BY rank", m] == results["bm25() named", m] for m in queries)
    print(f"{path}  the same passages in the same order: {same} of {len(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="+")
    for path in parser.parse_args().db:
        measure(path)


if __name__ == "__main__":
    main()
