"""`python -m bench.timeline_floor`: which articles a timeline keeps, for the relevance floor of index.timeline.

Reads ../shared/eval/news-2023 in place: the first `--articles` articles of articles-00.jsonl are
stored (as `newsdesk ingest` would, cleaning included) in a library kept in `--keep` (re-runs reuse
it), with the shipped embedder. For each topic below, an article is labelled by how often its text
names the topic's key (a regular expression): *about* it (2+ times), *mentions* it (once), or
*unrelated* (never). The topic is searched as `Library.timeline` does (a pool of `--pool` candidates
from each side); for each article in the pool its best passage's score and term coverage are kept,
and every pair of floors (MIN_COVERAGE, SCORE_MARGIN) is scored: the share of the *about* articles
kept, and how many *unrelated* ones. The floors are chosen on the first half of the topics ("choose")
and checked on the second ("check").
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.data import SHARED
from index.config import Settings
from index.library import Library
from index.search import retrieve

NEWS = SHARED / "eval" / "news-2023"
TOPICS: list[tuple[str, str]] = [  # (the topic as a user types it, the key that labels an article)
    ("Damar Hamlin", r"(?i)\bHamlin\b"),
    ("Mega Millions jackpot", r"(?i)Mega Millions"),
    ("Golden Globes", r"(?i)Golden Globe"),
    ("George Santos", r"George Santos|Rep\. Santos|Santos(?:'s?)? (?:campaign|resume|résumé|lie|said|told)"),
    ("Kevin McCarthy speaker vote", r"McCarthy"),
    ("Omicron variant", r"(?i)omicron"),
    ("Pope Benedict", r"Benedict"),
    # check
    ("Queen Elizabeth", r"Queen Elizabeth|Elizabeth II|the Queen\b|the late Queen"),
    ("Hurricane Ian", r"(?:Hurricane|Storm|Tropical Storm) Ian\b|\bIan(?:'s)? (?:made|slammed|hit|struck|left|destroyed|victims)"),
    ("Tyre Nichols", r"Tyre Nichols|\bNichols\b"),
    ("Turkey earthquake", r"(?i)(?:Turkey|Türkiye|Turkish)[^.]{0,80}(?:earthquake|quake)|(?:earthquake|quake)[^.]{0,80}(?:Turkey|Türkiye)"),
    ("sesame allergy", r"(?i)sesame"),
    ("Taylor Swift", r"Taylor Swift|\bSwift(?:'s)?\b"),
    ("Twitter", r"\bTwitter\b(?!\.com)"),  # capitalised: not the twitter.com links of embedded tweets
]
CHOOSE = 7
COVERAGES = (0.0, 0.4, 0.5, 0.51, 0.6, 0.7, 0.8)
MARGINS = (0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 9.0)


@dataclass(frozen=True)
class Seen:
    """One article in a topic's pool: its label and its best passage's evidence."""

    topic: int
    label: str  # about | mentions | unrelated
    score: float
    coverage: float
    title: str


async def fill(lib: Library, count: int) -> None:
    """Store the first `count` articles (once; a re-run finds them stored)."""
    if await lib.store.article_count(None) < count:
        with tempfile.TemporaryDirectory() as folder:
            part = Path(folder) / "articles.jsonl"
            with (NEWS / "articles-00.jsonl").open(encoding="utf-8") as lines:
                part.write_text("".join(line for _, line in zip(range(count), lines)), encoding="utf-8")
            await lib.ingest_paths([part])


async def seen(lib: Library, pool: int) -> list[Seen]:
    """Every topic's pool: one row per article, labelled from its stored text."""
    texts = {a.id: "\n\n".join(p.text for p in await lib.passages(a.id)) + "\n" + a.title for a in await lib.articles(None)}
    titles = {a.id: a.title for a in await lib.articles(None)}
    rows = []
    for number, (topic, key) in enumerate(TOPICS):
        async def embed(query: str) -> np.ndarray:
            vector: np.ndarray = (await asyncio.to_thread(lib.embedder.embed, [query]))[0]
            return vector

        hits = await retrieve(lib.store, lib.vectors, embed, topic, None, k=2 * pool, sentences=lib.sentence_vectors, pool=pool)
        best: dict[int, tuple[float, float]] = {}
        for hit in sorted(hits, key=lambda h: h.score, reverse=True):
            best.setdefault(hit.passage.article_id, (hit.score, hit.coverage))
        for article_id, (score, coverage) in best.items():
            named = len(re.findall(key, texts[article_id]))
            label = "about" if named >= 2 else "mentions" if named == 1 else "unrelated"
            rows.append(Seen(number, label, score, coverage, titles[article_id]))
    return rows


def kept(rows: Sequence[Seen], coverage: float, margin: float) -> list[Seen]:
    """What index.timeline.about keeps of each topic's pool with these floors."""
    out = []
    for topic in {r.topic for r in rows}:
        own = [r for r in rows if r.topic == topic]
        top = max(r.score for r in own)
        out += [r for r in own if r.coverage >= coverage and r.score >= top - margin]
    return out


def figures(rows: Sequence[Seen], totals: dict[int, int], coverage: float, margin: float) -> tuple[int, int, int, int]:
    """(about kept, about in the library, mentions kept, unrelated kept)."""
    got = kept(rows, coverage, margin)
    return (sum(r.label == "about" for r in got), sum(totals[t] for t in {r.topic for r in rows}),
            sum(r.label == "mentions" for r in got), sum(r.label == "unrelated" for r in got))


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.timeline_floor", description=__doc__)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--pool", type=int, default=150)
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "newsdesk-timeline-floor")
    parser.add_argument("--show", type=float, nargs=2, metavar=("COVERAGE", "MARGIN"),
                        help="per topic with these floors; then the articles they keep though not about it, and drop though about it")
    args = parser.parse_args(argv)
    if not NEWS.is_dir():
        print(f"skipped: {NEWS} is absent")
        return
    async with Library(Settings.from_env({"NEWSDESK_HOME": str(args.keep)}, dotenv=None)) as lib:
        await fill(lib, args.articles)
        rows = await seen(lib, args.pool)
        texts = {a.id: "\n\n".join(p.text for p in await lib.passages(a.id)) + "\n" + a.title for a in await lib.articles(None)}
    totals = {n: sum(len(re.findall(key, t)) >= 2 for t in texts.values()) for n, (_, key) in enumerate(TOPICS)}
    print(f"{len(texts)} articles; about each topic (in the library / in the pool of {args.pool}):")
    for n, (topic, _) in enumerate(TOPICS):
        print(f"  {topic}: {totals[n]} / {sum(r.topic == n and r.label == 'about' for r in rows)}")
    halves = {"choose": [r for r in rows if r.topic < CHOOSE], "check": [r for r in rows if r.topic >= CHOOSE]}
    print("\n| min coverage | score margin | choose: about kept | mentions | unrelated | check: about kept | mentions | unrelated |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for coverage in COVERAGES:
        for margin in MARGINS:
            cells = []
            for part in halves.values():
                about, total, mentions, unrelated = figures(part, totals, coverage, margin)
                cells += [f"{about}/{total} = {about / max(total, 1):.3f}", str(mentions), str(unrelated)]
            print(f"| {coverage} | {'none' if margin > 5 else margin} | " + " | ".join(cells) + " |")
    if args.show:
        got = set(kept(rows, *args.show))
        print(f"\nWith min coverage {args.show[0]} and score margin {args.show[1]}:\n")
        print("| topic | about kept | mentions kept | unrelated kept |\n| --- | --- | --- | --- |")
        for n, (topic, _) in enumerate(TOPICS):
            mine = [r for r in got if r.topic == n]
            print(f"| {topic} | {sum(r.label == 'about' for r in mine)}/{totals[n]} | "
                  f"{sum(r.label == 'mentions' for r in mine)} | {sum(r.label == 'unrelated' for r in mine)} |")
        for row in rows:
            if (row in got) != (row.label == "about"):
                state = "kept" if row in got else "dropped"
                print(json.dumps({"topic": TOPICS[row.topic][0], state: row.label, "score": round(row.score, 3),
                                  "coverage": round(row.coverage, 2), "title": row.title}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
