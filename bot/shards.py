"""Which Discord shards this bot process runs, and whether it pushes the slash commands. Pure.

`newsdesk bot --shards 0-3 --shard-count 8` (or NEWSDESK_SHARDS=0-3, NEWSDESK_SHARD_COUNT=8) runs
shards 0 to 3 of 8; another process runs 4-7. Discord sends a guild's events to shard
`(guild_id >> 22) % shard_count`. With neither set the bot is one unsharded connection, as always.
"""
from __future__ import annotations

from dataclasses import dataclass

from index.config import ConfigError, Settings

CLI = ("--shards", "--shard-count")
ENV = ("NEWSDESK_SHARDS", "NEWSDESK_SHARD_COUNT")


@dataclass(frozen=True)
class Shards:
    """Shard ids run here (sorted, unique) out of `count` across all processes."""

    ids: tuple[int, ...]
    count: int

    def __str__(self) -> str:
        return f"shard{'s' if len(self.ids) > 1 else ''} {format_ids(self.ids)} of {self.count}"


def format_ids(ids: tuple[int, ...]) -> str:
    """(0, 1, 2, 5) -> "0-2,5"."""
    runs: list[list[int]] = []
    for shard in ids:
        if runs and shard == runs[-1][1] + 1:
            runs[-1][1] = shard
        else:
            runs.append([shard, shard])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _named(label: str, value: object) -> str:
    """How the user wrote it: `--shards 5-2` or `NEWSDESK_SHARDS=5-2`."""
    return f"{label} {value}" if label.startswith("--") else f"{label}={value}"


def parse_ids(text: str, label: str = CLI[0]) -> tuple[int, ...]:
    """"0-3", "5" or "0,2,4-6" as sorted unique shard ids; a ConfigError names `label` and the text."""
    ids: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise ConfigError(f"{_named(label, text)}: {part.strip()!r} is not a shard id (0, 1, ...) "
                              f"or a range of them like 0-3") from None
        if high < low:
            raise ConfigError(f"{_named(label, text)}: the range {low}-{high} runs backwards; write {high}-{low}")
        ids.update(range(low, high + 1))
    return tuple(sorted(ids))


def choose(settings: Settings, shards: str | None = None, shard_count: int | None = None) -> Shards | None:
    """The shards to run: the command line's options over the settings. None: not sharded.

    A count without ids runs every shard in this one process."""
    ids_label, text = (CLI[0], shards) if shards is not None else (ENV[0], settings.shards)
    count_label, count = (CLI[1], shard_count) if shard_count is not None else (ENV[1], settings.shard_count)
    if not text and not count:
        return None
    if count < 1:
        if count == 0:
            raise ConfigError(f"{_named(ids_label, text)} needs {count_label}: how many shards all the bot's "
                              f"processes run together")
        raise ConfigError(f"{_named(count_label, count)}: the shard count must be 1 or more")
    ids = parse_ids(text, ids_label) if text else tuple(range(count))
    beyond = [shard for shard in ids if shard >= count]
    if beyond:
        raise ConfigError(f"{_named(ids_label, text)} names shard {beyond[0]}, but {_named(count_label, count)}: "
                          f"shard ids run from 0 to {count - 1}")
    return Shards(ids, count)


def syncs_commands(setting: str, shards: Shards | None) -> bool:
    """Whether this process pushes the slash commands (NEWSDESK_SYNC_COMMANDS: auto, yes, no).

    "auto": only the process holding shard 0 (or the one unsharded process), so that several
    processes started together push them once."""
    if setting in ("yes", "no"):
        return setting == "yes"
    return shards is None or 0 in shards.ids
