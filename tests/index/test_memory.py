"""Settling the garbage collector: garbage is collected before the survivors are frozen."""
from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import memory


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # leave the test process as it was


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_settle_collects_cycles_then_freezes_the_rest() -> None:
    garbage = weakref.ref(Node())
    kept = Node()
    assert garbage() is not None  # a cycle outlives its last reference
    memory.settle()
    assert garbage() is None
    assert gc.get_freeze_count() > 0
    assert all(o is not kept for o in gc.get_objects())  # out of the collector's sight


async def test_settling_runs_while_the_block_runs_and_stops_after() -> None:
    before = gc.get_freeze_count()
    async with memory.settling(0.01):
        await asyncio.sleep(0.05)
    assert gc.get_freeze_count() > before
    gc.unfreeze()
    await asyncio.sleep(0.05)
    assert gc.get_freeze_count() == 0  # no settling after the block


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(memory._malloc_trim is None or not Path("/proc/self/status").exists(), reason="glibc on Linux only")
def test_release_hands_freed_heap_memory_back() -> None:
    chunks = [bytearray(64 * 1024) for _ in range(3000)]  # 190 MB in heap-sized blocks (below mmap's threshold)
    del chunks[::2]  # half of them freed, scattered: glibc keeps the holes
    before = _rss_mb()
    memory.release()
    assert _rss_mb() < before - 50
    del chunks


def test_release_without_glibc_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_malloc_trim", None)
    memory.release()
