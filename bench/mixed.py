"""Retrieval quality at scale: SQuAD v1.1 dev stored inside the 100k-passage synthetic BBC library.

The SQuAD paragraphs are ingested through the Library (real onnx vectors, sentences, FTS5) into a
copy of a filled scale folder; each question is then asked through `Library.ask_ranked` under the
shipped search settings and under the alternatives they were chosen against. Every question is asked
once before timing, so the per-passage caches are equally warm for every setting.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.scale import percentile

Setting = tuple[str, Callable[[], None]]


def settings() -> list[Setting]:
    """(label, apply) for the shipped search and the alternatives, each applied to `index.search`."""
    from index import search

    shipped = (search.POSTINGS_BUDGET, search.CANDIDATES)

    def use(budget: int, candidates: int) -> Callable[[], None]:
        def apply() -> None:
            search.POSTINGS_BUDGET, search.CANDIDATES = budget, candidates
        return apply

    budget, candidates = shipped
    return [
        (f"shipped: BM25 budget {budget:,} postings, {candidates} candidates each", use(budget, candidates)),
        (f"BM25 over every term, {candidates} candidates each", use(10**9, candidates)),
        (f"BM25 budget {budget:,}, 50 candidates each", use(budget, 50)),
        ("dense candidates only (no BM25)", use(0, candidates)),
    ]


async def run(home: Path, squad: Path, limit: int) -> dict[str, Any]:
    """Ingest SQuAD into the library at `home`, then ask `limit` of its questions under each setting."""
    from index.config import Settings
    from index.evaluate import _ask, load_squad, sample
    from index.library import Library

    articles, cases = load_squad(squad)
    cases = [c for c in sample(cases, limit) if not c.impossible]
    config = Settings.from_env({"NEWSDESK_HOME": str(home)}, dotenv=None)
    rows = []
    async with Library(config) as lib:
        started = time.perf_counter()
        for start in range(0, len(articles), 8):
            await lib.ingest_articles(articles[start : start + 8])
        ingest_s = time.perf_counter() - started
        ids = {(a.title, p.number): p.id for a in await lib.store.articles(None) if a.source == "SQuAD"
               for p in await lib.store.passages(a.id, None)}
        passages = len(lib.vectors)
        configs = settings()
        for _, apply in configs:  # warm every cache once
            apply()
            for case in cases:
                await _ask(lib, case, ids)
        for label, apply in configs:
            apply()
            out = [await _ask(lib, case, ids) for case in cases]
            n = max(len(out), 1)
            ms = [o.seconds * 1000 for o in out]
            rows.append([label, sum(o.rank == 0 for o in out) / n,
                         sum(o.rank is not None and o.rank < 5 for o in out) / n,
                         sum(o.in_marked for o in out) / n, percentile(ms, 50), percentile(ms, 95)])
        configs[0][1]()
    return {"rows": rows, "questions": len(cases), "passages": passages, "squad_paragraphs": len(ids),
            "ingest_s": ingest_s}
