"""The bot's heartbeat file: written while it is connected, removed when it stops cleanly.

`newsdesk doctor` (the container health check) reads it: a stale file means the bot is stuck or
disconnected. The bot runs `heartbeat(home, bot.is_ready, name=...)` as a task for as long as it runs.

Each bot process beats into its own file, named by `process_name`: `bot.heartbeat` for the one bot of
a home, `bot.NAME.heartbeat` for a process named by NEWSDESK_INSTANCE or by its shards, so replicas
sharing a home (compose's `shards` profile) each show whether they are connected, and a clean stop of
one removes only its own file. The doctor reads the file of the process its settings describe.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

HEARTBEAT = "bot.heartbeat"  # the file of an unnamed process: the one bot of its home
EVERY = 60.0  # seconds between beats
MAX_AGE = 300.0  # older than this, doctor reports the bot as not responding
GRACE = 120.0  # seconds a started bot may take to reach Discord before doctor counts it as failing
_UNSAFE = re.compile(r"[^A-Za-z0-9_.+-]+")
_NAMED = re.compile(r"^bot\.(.+)\.heartbeat$")


def _shard_ids(text: str, count: int) -> str:
    """"0,1,2,5" or "2-0"... as "0-2,5"; every shard of `count` without ids; the text as written
    when it does not parse (bot/shards.py reports that)."""
    ids: set[int] = set()
    try:
        for part in (text.split(",") if text else []):
            first, dash, last = part.strip().partition("-")
            ids.update(range(int(first), int(last if dash else first) + 1))
    except ValueError:
        return text
    if not text:
        ids = set(range(count))
    runs: list[list[int]] = []
    for shard in sorted(ids):
        if runs and shard == runs[-1][1] + 1:
            runs[-1][1] = shard
        else:
            runs.append([shard, shard])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def process_name(instance: str = "", shards: str = "", shard_count: int = 0) -> str:
    """This bot process's name among those sharing a home: NEWSDESK_INSTANCE when set, else its shards
    ("shards-0-1-of-4"), else "" (unsharded: the one bot of its home). Safe in a file name."""
    if instance.strip():
        name = instance.strip()
    elif shards.strip() or shard_count:
        name = f"shards-{_shard_ids(shards.strip(), shard_count)}-of-{shard_count}"
    else:
        return ""
    return _UNSAFE.sub("_", name.replace(",", "+"))


def heartbeat_file(name: str = "") -> str:
    """The heartbeat file's name in home for the process called `name` (see `process_name`)."""
    return f"bot.{name}.heartbeat" if name else HEARTBEAT


def beat(home: Path, now: float | None = None, name: str = "") -> None:
    """Record that the bot is connected now (atomically: temporary file, then rename)."""
    path = home / heartbeat_file(name)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"time": time.time() if now is None else now, "pid": os.getpid(), "name": name}))
    os.replace(tmp, path)


def started_file(name: str = "") -> str:
    """The file saying when the bot process `name` started (before it reaches Discord)."""
    return heartbeat_file(name).removesuffix(".heartbeat") + ".started"


def starting(home: Path, now: float | None = None, name: str = "") -> None:
    """Record that the bot process `name` starts now: until its first beat, doctor gives it GRACE
    seconds, then counts a bot that never reached Discord as failing. A start after one that never
    reached Discord keeps the first one's time, so a crash loop at login is not healthy for long."""
    earlier, beat = started_at(home, name), last_beat(home, name)
    if earlier is not None and (beat is None or beat < earlier):
        return
    path = home / started_file(name)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"time": time.time() if now is None else now, "pid": os.getpid(), "name": name}))
    os.replace(tmp, path)


def started_at(home: Path, name: str = "") -> float | None:
    """When the bot process `name` last started (epoch seconds), None when it never did here."""
    try:
        return float(json.loads((home / started_file(name)).read_text())["time"])
    except OSError:
        return None
    except (ValueError, KeyError, TypeError):
        return 0.0


def clear(home: Path, name: str = "") -> None:
    """Remove this process's heartbeat and start record (it stopped on purpose); other processes' stay."""
    (home / heartbeat_file(name)).unlink(missing_ok=True)
    (home / started_file(name)).unlink(missing_ok=True)


def last_beat(home: Path, name: str = "") -> float | None:
    """When the bot process `name` last reported being connected (epoch seconds), None without a heartbeat."""
    try:
        return float(json.loads((home / heartbeat_file(name)).read_text())["time"])
    except OSError:  # none there, or no data folder at all
        return None
    except (ValueError, KeyError, TypeError):
        return 0.0  # unreadable: as good as very old


def beating(home: Path) -> dict[str, float]:
    """Every bot process with a heartbeat in `home`: its name ("" for `bot.heartbeat`) and last beat."""
    found: dict[str, float] = {}
    try:
        paths = sorted(home.iterdir())
    except OSError:
        return found
    for path in paths:
        match = _NAMED.match(path.name)
        if path.name == HEARTBEAT or match:
            name = match.group(1) if match else ""
            when = last_beat(home, name)
            if when is not None:
                found[name] = when
    return found


async def heartbeat(home: Path, is_ready: Callable[[], bool], every: float = EVERY, name: str = "") -> None:
    """Beat every `every` seconds while `is_ready()`; remove this process's file when cancelled."""
    try:
        while True:
            if is_ready():
                await asyncio.to_thread(beat, home, None, name)
            await asyncio.sleep(every)
    finally:
        clear(home, name)
