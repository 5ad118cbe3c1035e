"""A one-line progress bar with rate and ETA for long imports, written to a terminal."""
from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """`bar(done, total)` redraws "[####....] 120/2,225 articles  34.5/s  ETA 1:01"; `close()` ends the line."""

    def __init__(self, unit: str = "articles", stream: TextIO | None = None, width: int = 24) -> None:
        self.total, self.unit, self.width = 0, unit, width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.drawn = False

    def line(self, done: int, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = done / elapsed
        filled = int(self.width * done / self.total) if self.total else self.width
        eta = _clock((self.total - done) / rate) if rate > 0 else "?"
        return (f"[{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{self.total:,} {self.unit}"
                f"  {rate:.1f}/s  ETA {eta}")

    def __call__(self, done: int, total: int) -> None:
        self.total = total
        self.stream.write("\r" + self.line(done) + "\033[K")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Wipe the bar's line, so a message can be printed there (the next call redraws it)."""
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
