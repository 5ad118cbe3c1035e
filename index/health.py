"""The bot's heartbeat file: written while it is connected, removed when it stops cleanly.

`newsdesk doctor` (the container health check) reads it: a stale file means the bot is stuck or
disconnected. The bot runs `heartbeat(home, bot.is_ready)` as a task for as long as it runs.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

HEARTBEAT = "bot.heartbeat"
EVERY = 60.0  # seconds between beats
MAX_AGE = 300.0  # older than this, doctor reports the bot as not responding


def beat(home: Path, now: float | None = None) -> None:
    """Record that the bot is connected now (atomically: temporary file, then rename)."""
    path = home / HEARTBEAT
    tmp = path.with_name(f"{HEARTBEAT}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"time": time.time() if now is None else now, "pid": os.getpid()}))
    os.replace(tmp, path)


def clear(home: Path) -> None:
    """Remove the heartbeat (the bot stopped on purpose)."""
    (home / HEARTBEAT).unlink(missing_ok=True)


def last_beat(home: Path) -> float | None:
    """When the bot last reported being connected (epoch seconds), None without a heartbeat."""
    try:
        return float(json.loads((home / HEARTBEAT).read_text())["time"])
    except OSError:  # none there, or no data folder at all
        return None
    except (ValueError, KeyError, TypeError):
        return 0.0  # unreadable: as good as very old


async def heartbeat(home: Path, is_ready: Callable[[], bool], every: float = EVERY) -> None:
    """Beat every `every` seconds while `is_ready()`; remove the file when cancelled."""
    try:
        while True:
            if is_ready():
                await asyncio.to_thread(beat, home)
            await asyncio.sleep(every)
    finally:
        clear(home)
