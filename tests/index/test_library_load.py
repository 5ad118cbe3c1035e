"""Load: 200 concurrent questions through the Library while an ingest runs; every one answered.

The event loop's longest stall is measured with a ticker task and reported (not asserted: speed is
measured in `make bench`, never asserted in a test).
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from tests.generated import question_for, write_articles

QUESTIONS = 200  # while 400 articles are added, 20 replaced and 10 forgotten


class Ticker:
    """Wakes every `interval` seconds and records how late it woke: the loop's stalls."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.longest = 0.0
        self.ticks = 0

    async def run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.longest = max(self.longest, time.perf_counter() - start - self.interval)
            self.ticks += 1


async def _watch_whole_articles(lib: Library, counts: dict[str, set[int]], ingest: asyncio.Task) -> int:
    """While the ingest runs, no article is ever visible with only some of its passages."""
    checks = 0
    while not ingest.done():
        for article in await lib.articles(None):
            assert article.paragraphs in counts[article.title], f"{article.title} seen half-stored"
        checks += 1
        await asyncio.sleep(0.001)
    return checks


async def test_200_concurrent_questions_during_an_ingest(tmp_path: Path, settings: Settings) -> None:
    expected = write_articles(tmp_path / "first", 40)
    expected |= write_articles(tmp_path / "more", 400, seed=0, start=40)
    expected_v2 = write_articles(tmp_path / "v2", 20, seed=9)  # replacements of articles 0..19
    async with Library(settings, embedder=HashEmbedder()) as lib:
        await lib.ingest_paths([tmp_path / "first"])
        ticker = Ticker()
        tick = asyncio.create_task(ticker.run())
        ingest = asyncio.create_task(lib.ingest_paths([tmp_path / "more", tmp_path / "v2"]))
        counts = {t: {n} for t, n in expected.items()}
        for title, n in expected_v2.items():
            counts[title].add(n)
        watcher = asyncio.create_task(_watch_whole_articles(lib, counts, ingest))
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        targets = [i % 40 for i in range(QUESTIONS)]
        forgotten = [a.id for a in await lib.articles() if a.title.endswith(tuple(f" {i}" for i in range(30, 40)))]

        async def forget_some() -> None:  # articles vanish while questions about them are answered
            for article_id in forgotten:
                await lib.forget(article_id)
                await asyncio.sleep(0.01)

        async def ask_all() -> list:  # type: ignore[type-arg]
            out = await asyncio.gather(*(lib.ask(question_for(i)) for i in targets))
            timing.extend([time.perf_counter() - started, not ingest.done()])
            return out

        timing: list = []  # type: ignore[type-arg]
        answers, _ = await asyncio.gather(ask_all(), forget_some())
        elapsed, during = timing
        results = await ingest
        watched = await watcher
        tick.cancel()
    assert len(answers) == QUESTIONS
    for target, answer in zip(targets, answers):
        if 30 <= target < 40:
            continue  # forgotten meanwhile: answered from what is left
        assert not answer.refused, answer.question
        if target >= 20:  # not being replaced while asked
            assert answer.quotes[0].title == f"Generated dispatch number {target}"
    assert sorted({r.status for r in results}) == ["added", "replaced"]
    print(f"\nload: {QUESTIONS} concurrent questions answered in {elapsed:.2f} s "
          f"(ingest still running when they finished: {during}); "
          f"longest event-loop stall {ticker.longest * 1000:.1f} ms over {ticker.ticks} ticks; "
          f"{watched} whole-article checks during the ingest")
