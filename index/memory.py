"""Keeping Python's garbage collector from stalling the event loop.

A full (generation 2) collection walks every container object the process holds; with the model,
the libraries and the search caches loaded it took 27-70 ms at 100k passages (measured with
`gc.callbacks`), and the event loop waits meanwhile. What lives for the whole run is moved out of
the collector's sight with `gc.freeze()`: a collection first (so no garbage is frozen), then
freeze what survived. Done every minute, each collection only walks what the last minute added.
Objects frozen and later dropped are still freed by reference counting.

Separately, glibc keeps memory that C code (FAISS, onnxruntime, SQLite) freed inside its heaps
instead of handing it back: after an import's index rebuilds the process stayed 14% larger than
what it held (87 of 624 MB, measured on 400 news articles). `release()` asks for it back
(`malloc_trim`); elsewhere than glibc it does nothing.
"""
from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import logging
import time
from collections.abc import AsyncIterator, Callable

log = logging.getLogger(__name__)
EVERY = 60.0  # seconds between settles


def _trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, when this process runs on glibc."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_malloc_trim = _trim()


def release() -> None:
    """Hand the memory C libraries freed back to the system (glibc keeps it in its heaps otherwise)."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def settle() -> float:
    """Collect garbage, then freeze the survivors; returns how many milliseconds it took."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    return (time.perf_counter() - started) * 1000


async def settle_every(seconds: float = EVERY) -> None:
    """`settle()` every `seconds`, the first time after `seconds` (start-up is done by then)."""
    while True:
        await asyncio.sleep(seconds)
        log.debug("garbage collected and long-lived objects frozen in %.1f ms", settle())


@contextlib.asynccontextmanager
async def settling(seconds: float = EVERY) -> AsyncIterator[None]:
    """Run `settle_every(seconds)` for as long as the block runs."""
    task = asyncio.create_task(settle_every(seconds))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
