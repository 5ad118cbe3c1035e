"""`python -m bench.wire_copies`: wire copies (index.wire) on real news, and what linking costs at ingest.

Reads one ../shared/eval/news-2023/articles-*.jsonl in place (skips cleanly when absent), as the
JSONL reader does (cleaning applied), and prints:
- pairs: every pair of its articles compared by `index.wire` (Jaccard of 3-word shingles): how many
  reach COPY_JACCARD (linked) and how many fall in each band below, with a sample of each band
  (headlines, outlets, dates) to judge by eye whether they are one story;
- ingest (`--ingest N`): the first N articles stored in a temporary library with the configured
  embedder (NEWSDESK_EMBEDDER; `--embedder hash` for no model), the time `wire.link_copies` takes per
  article (the candidate search and the verification, the link written), beside the whole ingest's
  time per article, and which of the pairs above (among those N) ingest linked: the candidate step's recall.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bench.data import SHARED
from index import wire
from index.models import Article
from index.readers import partition, read_path

NEWS = SHARED / "eval" / "news-2023"
BANDS = (wire.COPY_JACCARD, 0.7, 0.6, 0.5, 0.4, 0.3)
COMMON = 50  # a shingle in more articles than this (a stock phrase) does not make pairs to compare


def pairs(articles: Sequence[Article]) -> list[tuple[float, int, int]]:
    """(Jaccard, i, j) of every pair sharing at least five rare shingles, best first (exact: the
    pairs left out share too little to reach any band)."""
    sets = [wire.shingles(a.paragraphs) for a in articles]
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for n, found in enumerate(sets):
        for shingle in found:
            postings[shingle].append(n)
    shared: Counter[tuple[int, int]] = Counter()
    for holders in postings.values():
        if len(holders) <= COMMON:
            shared.update((a, b) for k, a in enumerate(holders) for b in holders[k + 1 :])
    found_pairs = [(wire.overlap(sets[i], sets[j]), i, j) for (i, j), n in shared.items()
                   if n >= 5 and min(len(sets[i]), len(sets[j])) >= wire.MIN_SHINGLES]
    return sorted(found_pairs, reverse=True)


def copy_of(article: Article, seed: int) -> Article:
    """Another outlet's run of `article`'s wire text: its own headline, source and url, up to the last
    fifth of the paragraphs cut, and a word changed in every third paragraph kept."""
    rng = random.Random(seed)
    keep = max(1, len(article.paragraphs) - rng.randint(0, len(article.paragraphs) // 5))
    paragraphs = []
    for n, text in enumerate(article.paragraphs[:keep]):
        tokens = text.split(" ")
        if n % 3 == 0 and len(tokens) > 4:
            tokens[rng.randrange(len(tokens))] = rng.choice(("reportedly", "officials", "also", "now"))
        paragraphs.append(" ".join(tokens))
    return replace(article, title=f"Wire: {article.title}", source="wire-copy.example", url=f"https://wire-copy.example/{seed}",
                   origin=f"copy of {article.origin}", key="")


def describe(article: Article) -> str:
    return f"[{article.source}] {article.title[:70]} ({article.published[:10] or 'undated'}, {len(article.paragraphs)} ¶)"


def bands(found: Sequence[tuple[float, int, int]], articles: Sequence[Article], sample: int) -> list[dict[str, Any]]:
    out = []
    for top, bottom in zip((1.01, *BANDS), BANDS):
        inside = [p for p in found if bottom <= p[0] < top]
        out.append({"from": bottom, "below": min(top, 1.0), "pairs": len(inside),
                    "cross_outlet": sum(articles[i].source != articles[j].source for _, i, j in inside),
                    "sample": [(round(s, 3), describe(articles[i]), describe(articles[j])) for s, i, j in inside[:sample]]})
    return out


async def ingest_cost(articles: Sequence[Article], embedder: str) -> dict[str, Any]:
    """Store `articles` in a temporary library, timing each `wire.link_copies` call."""
    from index.config import Settings
    from index.library import Library

    spent: list[float] = []
    linking = wire.link_copies

    async def timed(*args: Any) -> tuple[int, ...]:
        start = time.perf_counter()
        linked = await linking(*args)
        spent.append(time.perf_counter() - start)
        return linked

    setattr(wire, "link_copies", timed)  # noqa: B010 (Library calls it through the module)
    try:
        with tempfile.TemporaryDirectory() as home:
            settings = Settings.from_env({"NEWSDESK_HOME": home, "NEWSDESK_EMBEDDER": embedder,
                                          "NEWSDESK_ENTITIES": "lazy"}, dotenv=None)
            async with Library(settings) as lib:
                start = time.perf_counter()
                results = await lib.ingest_articles(list(articles))
                total = time.perf_counter() - start
                passages = await lib.store.passage_count()
    finally:
        setattr(wire, "link_copies", linking)  # noqa: B010
    ids = {r.article_id: n for n, r in enumerate(results) if r.status in ("added", "replaced")}
    linked = sorted({tuple(sorted((ids[r.article_id], ids[c]))) for r in results for c in r.copies if c in ids})
    ms = sorted(s * 1000 for s in spent)
    return {"articles": len(ids), "passages": passages, "ingest_ms_per_article": round(total * 1000 / max(len(ids), 1), 1),
            "link_ms_mean": round(statistics.fmean(ms), 2) if ms else 0.0,
            "link_ms_p95": round(ms[int(0.95 * (len(ms) - 1))], 2) if ms else 0.0,
            "link_ms_max": round(ms[-1], 2) if ms else 0.0, "linked": linked, "stored": sorted(ids.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default="articles-00.jsonl", help="which articles-*.jsonl of news-2023")
    parser.add_argument("--sample", type=int, default=8, help="pairs shown per band")
    parser.add_argument("--ingest", type=int, default=0, metavar="N", help="also ingest the first N articles, timing the linking")
    parser.add_argument("--copies", type=int, default=0, metavar="M",
                        help="with --ingest: then M made-up copies of those articles from another outlet (copy_of), "
                        "to count how many the candidate search finds")
    parser.add_argument("--embedder", default="", help="for --ingest: onnx, torch or hash (default: NEWSDESK_EMBEDDER, else onnx)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    path = NEWS / args.file
    if not path.is_file():
        print(f"skipped: {path} is absent")
        return 0
    articles, _ = partition(read_path(path))
    found = pairs(articles)
    figures: dict[str, Any] = {"file": args.file, "articles": len(articles), "threshold": wire.COPY_JACCARD,
                               "bands": bands(found, articles, args.sample)}
    if args.ingest:
        import os

        some = articles[: args.ingest]
        n = len(some)
        step = max(1, len(some) // max(args.copies, 1))
        made = [copy_of(some[n], n) for n in range(0, len(some), step)][: args.copies]
        some = some + made
        cost = asyncio.run(ingest_cost(some, args.embedder or os.environ.get("NEWSDESK_EMBEDDER", "onnx")))
        stored = set(cost.pop("stored"))  # not those refused as exact duplicates
        within = {(i, j) for s, i, j in found if s >= wire.COPY_JACCARD and j < n and {i, j} <= stored}
        originals = list(range(0, n, step))[: len(made)]
        targets = {(o, n + k) for k, o in enumerate(originals)
                   if wire.same_story(wire.shingles(some[o].paragraphs), wire.shingles(made[k].paragraphs))
                   and {o, n + k} <= stored}
        cost["copies_made"], cost["copies_at_threshold"] = len(made), len(targets)
        cost["copies_found"] = len(targets & {tuple(p) for p in cost["linked"]})
        cost["pairs_at_threshold"] = len(within)
        cost["found_by_ingest"] = len(within & {tuple(p) for p in cost["linked"]})
        cost["linked"] = [(describe(some[i]), describe(some[j])) for i, j in cost["linked"] if j < n]
        figures["ingest"] = cost
    if args.json:
        print(json.dumps(figures, indent=1, ensure_ascii=False))
        return 0
    print(f"{args.file}: {len(articles):,} articles; linked at a shingle Jaccard of {wire.COPY_JACCARD} or more")
    for band in figures["bands"]:
        print(f"\nJaccard {band['from']:.2f}-{band['below']:.2f}: {band['pairs']} pairs ({band['cross_outlet']} across outlets)")
        for score, a, b in band["sample"]:
            print(f"  {score:.3f}  {a}\n         {b}")
    if "ingest" in figures:
        c = figures["ingest"]
        print(f"\ningest of {c['articles']} articles ({c['passages']:,} passages): {c['ingest_ms_per_article']} ms an article; "
              f"linking {c['link_ms_mean']} ms mean, {c['link_ms_p95']} ms p95, {c['link_ms_max']} ms max")
        print(f"pairs at the threshold among them: {c['pairs_at_threshold']}, linked by ingest: {c['found_by_ingest']}")
        if c["copies_made"]:
            print(f"made-up copies: {c['copies_made']}, at the threshold: {c['copies_at_threshold']}, "
                  f"linked to their original: {c['copies_found']}")
        for a, b in c["linked"]:
            print(f"  {a}\n  {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
