"""How a Library stores articles: batches embedded (passages, sentences, entities), each article
committed on its own, linked to its wire copies, the vector index kept in step, standing questions
asked of what arrived. A mixin of `Library`, which provides the attributes annotated here."""
from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from . import memory, readers, watch, wire
from .encoding import LockedEmbedder, encode
from .errors import RejectedInput
from .models import GLOBAL_SCOPE, Article, IngestResult
from .text import sentence_spans
from .vectors.keeping import VectorIndexKeeping

if TYPE_CHECKING:
    from .library import Library

EMBED_BATCH_ARTICLES = 32
Progress = Callable[[int, int], None]
"""Told (done, total) articles of an import after each batch."""


def _take(items: Iterator[readers.ReadItem], n: int) -> list[readers.ReadItem]:
    """The next `n` items (fewer at the end): reading, run in a thread."""
    return list(itertools.islice(items, n))


def content_hash(article: Article) -> str:
    """Identity of an article's content: title and paragraphs, case and spacing as stored. Text taken
    from a feed (Article.from_feed) never matches a page's, so the page replaces it when fetched."""
    body = "\n\n".join((article.title, *article.paragraphs))
    if article.from_feed:
        body = "[feed text]\n\n" + body
    return hashlib.sha256(body.encode()).hexdigest()


def identity_key(article: Article) -> str:
    """Which stored article a re-ingest replaces: the url, else the file it came from, else title and source."""
    return article.url or article.key or f"{article.title.casefold()}|{article.source.casefold()}"


class ArticleIngesting(VectorIndexKeeping):
    """The ingest half of `Library` (on its vector-index half)."""

    embedder: LockedEmbedder
    write_lock: asyncio.Lock
    watch_listeners: list[Callable[[Sequence[watch.WatchHit]], Awaitable[None]]]

    async def ingest_articles(
        self, articles: Sequence[Article], scope: str = GLOBAL_SCOPE, progress: Progress | None = None
    ) -> list[IngestResult]:
        """Store articles (embedding in batches); unchanged ones are skipped, changed ones replaced.

        Each article is committed on its own, so an interrupted import resumes where it stopped
        when run again; each new one is linked to the stored copies of its story (index.wire; its
        result's `copies`). `progress(done, total)` is called after each batch.
        """
        results: list[IngestResult] = []
        async with self.write_lock:
            for start in range(0, len(articles), EMBED_BATCH_ARTICLES):
                results += await self._ingest_batch(articles[start : start + EMBED_BATCH_ARTICLES], scope)
                if progress:
                    progress(min(start + EMBED_BATCH_ARTICLES, len(articles)), len(articles))
            await self._resize_vectors()
            await self._save_vectors()
        memory.release()
        await self._ask_standing_questions(results)
        return results

    async def _ask_standing_questions(self, results: Sequence[IngestResult]) -> None:
        """Record what the articles just stored answer of the standing questions; tell the listeners."""
        stored = [r.article_id for r in results if r.status in ("added", "replaced")]
        hits = await watch.check_ingested(cast("Library", self), stored) if stored else []
        for listener in self.watch_listeners if hits else ():
            await listener(hits)

    async def _ingest_batch(self, batch: Sequence[Article], scope: str) -> list[IngestResult]:
        todo: list[tuple[Article, str, int | None]] = []
        results: list[IngestResult] = []
        later: list[Article] = []  # same url/title or content as one earlier in this batch
        seen: set[str] = set()
        for article in batch:
            digest = content_hash(article)
            if {digest, identity_key(article)} & seen:
                later.append(article)
                continue
            seen |= {digest, identity_key(article)}
            existing = await self.store.find_existing(scope, identity_key(article), digest)
            if existing and existing[1] == digest:
                status = "unchanged" if existing[2] == identity_key(article) else "duplicate"
                reason = f"same text as article {existing[0]}" if status == "duplicate" else ""
                results.append(IngestResult(status, article.origin, article.title, existing[0], reason=reason,
                                            dropped=article.dropped))
            else:
                todo.append((article, digest, existing[0] if existing else None))
        texts = [p for article, _, _ in todo for p in article.paragraphs]
        spans = [sentence_spans(t) or [(0, len(t))] for t in texts]
        encoded = await encode(self.embedder, texts, spans, pooled=self.settings.sentence_vectors == "pooled",
                               with_entities=self.settings.entities == "ingest")
        row = 0
        for article, digest, replace_id in todo:
            end = row + len(article.paragraphs)
            own = encoded.vectors[row:end]
            article_id, ids, removed = await self.store.put_article(
                article, scope, identity_key(article), digest, own, replace_id
            )
            await self._note_own_write()
            await asyncio.to_thread(self.vectors.remove, removed)
            await asyncio.to_thread(self.vectors.add, np.array(ids, dtype=np.int64), own)
            copies = await wire.link_copies(self.store, self.vectors, article_id, scope, article.paragraphs, own)
            await self.store.put_sentences(list(zip(ids, spans[row:end], encoded.sentences[row:end])))
            if encoded.entities is not None:
                await self.store.put_entities(list(zip(ids, encoded.entities[row:end])))
            row = end
            status = "replaced" if replace_id else "added"
            results.append(IngestResult(status, article.origin, article.title, article_id, len(ids),
                                        dropped=article.dropped, copies=copies))
        return results + (await self._ingest_batch(later, scope) if later else [])

    async def ingest_paths(
        self, paths: Sequence[Path], scope: str = GLOBAL_SCOPE, progress: Progress | None = None
    ) -> list[IngestResult]:
        """Read files and folders of articles and store them; each bad file (or line) is one rejection."""
        return [r async for batch in self.ingest_stream(paths, scope, progress) for r in batch]

    async def ingest_stream(
        self, paths: Sequence[Path], scope: str = GLOBAL_SCOPE, progress: Progress | None = None
    ) -> AsyncIterator[list[IngestResult]]:
        """Store the articles of files and folders as they are read, EMBED_BATCH_ARTICLES at a time,
        yielding each batch's results: memory holds a batch (and a .jsonl cleaning window), never
        the files, whatever their size. Stored articles are found unchanged before any embedding,
        so running an interrupted import again skips what it stored. The vector index is resized as
        the library outgrows it (Flat to IVF), not once at the end. `progress(done, total)` counts
        items (articles and rejected lines) against `readers.count_items`.
        """
        total = await asyncio.to_thread(readers.count_items, paths) if progress else 0
        items = readers.iter_items(paths)
        done = 0
        async with self.write_lock:
            while batch := await asyncio.to_thread(_take, items, EMBED_BATCH_ARTICLES):
                articles, bad = readers.partition(batch)
                results = [IngestResult.rejected(exc.origin, exc.reason) for exc in bad]
                results += await self._ingest_batch(articles, scope) if articles else []
                done += len(batch)
                if progress:
                    progress(done, max(total, done))
                await self._ask_standing_questions(results)  # each batch as stored (it takes no write lock)
                await self._resize_vectors()  # as the library grows: a Flat index never outgrows memory
                memory.release()  # what the batch's C work freed (the old index after a resize)
                yield results
            await self._save_vectors()

    async def ingest_bytes(self, name: str, data: bytes, scope: str = GLOBAL_SCOPE) -> list[IngestResult]:
        """Store the articles in an uploaded file (by its name's suffix)."""
        try:
            articles, bad = readers.partition(await asyncio.to_thread(readers.read_bytes, name, data))
        except RejectedInput as exc:
            articles, bad = [], [exc]
        return [IngestResult.rejected(exc.origin, exc.reason) for exc in bad] + await self.ingest_articles(articles, scope)
