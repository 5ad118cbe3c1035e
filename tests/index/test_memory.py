"""Settling the garbage collector: garbage is collected before the survivors are frozen."""
from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

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
