"""How a Library keeps its FAISS index true to SQLite: loaded or rebuilt at start, resized as it
grows, saved with the generation it holds, rebuilt when another process wrote, re-embedded when
the model changed. A mixin of `Library`, which provides the attributes annotated here."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings
from ..store import Store
from .build import built_index
from .faiss_index import NPROBE
from .faiss_store import FaissStore

log = logging.getLogger("index.library")


class VectorIndexKeeping:
    """The vector-index half of `Library`."""

    settings: Settings
    store: Store
    vectors: FaissStore
    embedder: Any  # the Library's locked embedder: `.inner` is the Embedder
    flat_max: int
    _data_version: int
    _held: str
    """The write generation whose articles FAISS holds: other commits (votes, sentences) leave it."""
    _embed: Callable[[Sequence[str]], Awaitable[np.ndarray]]

    @property
    def index_path(self) -> Path:
        return self.settings.vectors_path

    def _stamp(self, generation: str) -> dict[str, Any]:
        return {"embedder": self.embedder.inner.name, "dim": self.embedder.inner.dim, "generation": generation}

    async def _check_embedder(self) -> None:
        """Re-embed every passage when the stored vectors came from another model or backend."""
        stored = await self.store.get_meta("embedder")
        name = self.embedder.inner.name
        if stored == name:
            return
        if stored and await self.store.passage_count():
            log.warning("passages were embedded with %s; re-embedding them with %s", stored, name)
            last = 0
            while batch := await self.store.passage_texts(last, 256):
                ids, texts = zip(*batch)
                await self.store.set_vectors(ids, await self._embed(texts))
                last = ids[-1]
            await self.store.clear_sentences()
        await self.store.set_meta("embedder", name)

    async def _open_vectors(self) -> None:
        self._data_version = await self.store.version()
        self._held = await self.store.get_meta("generation", "0")
        stamp = self._stamp(self._held)
        loaded = await asyncio.to_thread(FaissStore.load, self.index_path, stamp, flat_max=self.flat_max)
        if loaded is not None and len(loaded) == await self.store.passage_count():
            self.vectors = loaded
            return
        self.vectors = await self._built_vectors()
        log.info("built the vector index from the database: %d passages (%s)", len(self.vectors), self.vectors.kind)
        await self._save_vectors()

    async def _built_vectors(self) -> FaissStore:
        """A new FAISS store over SQLite's vectors, of the type their number calls for."""
        index = await built_index(self.store, self.embedder.inner.dim, self.flat_max, NPROBE)
        return FaissStore(self.embedder.inner.dim, index, flat_max=self.flat_max)

    async def _resize_vectors(self) -> None:
        """Past the Flat threshold (or grown well past its IVF size) train the index that fits, in a thread.

        Called with `write_lock` held; questions keep using the old index until the swap.
        """
        if not await asyncio.to_thread(self.vectors.needs_rebuild):
            return
        self.vectors.begin_rebuild()
        index = None
        try:
            index = await built_index(self.store, self.embedder.inner.dim, self.flat_max, self.vectors.nprobe)
        finally:
            await asyncio.to_thread(self.vectors.finish_rebuild, index)

    async def _save_vectors(self) -> None:
        """Save FAISS stamped with the generation it holds (never one another process wrote since)."""
        while True:
            await self._follow_other_writers()
            if await self.store.version() == self._data_version:
                break
        await asyncio.to_thread(self.vectors.save, self.index_path, self._stamp(self._held))

    async def _note_own_write(self) -> None:
        """After our own article write (FAISS changed with it): FAISS holds the new generation, unless
        another process's write moved it too, which the next look then rebuilds for."""
        generation = await self.store.get_meta("generation", "0")
        if generation.isdigit() and self._held.isdigit() and int(generation) == int(self._held) + 1:
            self._held = generation

    async def _follow_other_writers(self) -> None:
        """Rebuild FAISS from SQLite if another process (an ingest, a restore) committed since we looked.

        Called with `write_lock` held, so none of our own writes sits between its commit and FAISS.
        """
        version = await self.store.version()
        if version == self._data_version:
            return
        self._data_version = version
        generation = await self.store.get_meta("generation", "0")
        if generation == self._held:  # a vote, a kept answer, stored sentences: no article came or went
            return
        self._held = generation  # read before building: a write meanwhile moves it again, and is followed
        vectors = await self._built_vectors()
        self.vectors = vectors
        log.info("the database was changed by another process; rebuilt the vector index: %d passages", len(vectors))
