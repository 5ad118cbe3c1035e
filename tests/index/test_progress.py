"""Large imports show progress with rate and ETA."""
from __future__ import annotations

import io
from pathlib import Path

from index.library import Library
from index.progress import ProgressBar
from tests.generated import write_articles


def test_bar_shows_count_rate_and_eta() -> None:
    bar = ProgressBar(stream=io.StringIO())
    bar.started -= 10.0
    bar.total = 200
    assert bar.line(50, now=bar.started + 10.0) == "[######..................] 50/200 articles  5.0/s  ETA 0:30"


async def test_ingest_reports_progress_after_each_batch(library: Library, tmp_path: Path) -> None:
    write_articles(tmp_path / "many", 70)
    seen: list[tuple[int, int]] = []
    results = await library.ingest_paths([tmp_path / "many"], progress=lambda done, total: seen.append((done, total)))
    assert len(results) == 70
    assert seen == [(32, 70), (64, 70), (70, 70)]
    stream = io.StringIO()
    bar = ProgressBar(stream=stream)
    bar(70, 70)
    bar.close()
    assert "70/70 articles" in stream.getvalue() and stream.getvalue().endswith("\n")


def test_clear_wipes_the_bar_for_a_message_and_the_next_call_redraws() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream=stream)
    bar(1, 2)
    bar.clear()
    assert stream.getvalue().endswith("\r\033[K") and not bar.drawn
    bar.close()
    assert not stream.getvalue().endswith("\n")
