"""Answer latency at 10k / 100k / 1M passages through the Library, on synthetic passages made from real ones.

Each synthetic passage is the sentences of one real BBC paragraph with one sentence of another
mixed in, shuffled; its vector is 0.7 x the first paragraph's real embedding + 0.3 x the other's +
noise (as in the FAISS part), and each sentence's vector is its own paragraph's embedding + noise
(embedding a million texts is not feasible here). Rows go straight into the data folder's SQLite in
bulk (FTS5 fills through its triggers); the Library then builds FAISS from them like any library.
"""
from __future__ import annotations

import hashlib
import math
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from index.config import DATABASE_FILE
from index.store.rows import sentences_row, vector_blob

PER_ARTICLE = 5  # passages per synthetic article
CHUNK = 20_000


def _sentences(paragraphs: list[str]) -> list[list[str]]:
    from index.text import sentence_spans

    return [[p[a:b] for a, b in sentence_spans(p)] or [p] for p in paragraphs]


def _unit(x: np.ndarray) -> np.ndarray:
    norms: np.ndarray = np.linalg.norm(x, axis=-1, keepdims=True)
    unit: np.ndarray = (x / norms).astype(np.float32)
    return unit


Chunk = tuple[int, list[str], np.ndarray, list[list[tuple[int, int]]], list[np.ndarray]]


def _chunks(n: int, base: np.ndarray, paragraphs: list[list[str]], seed: int) -> Iterator[Chunk]:
    """(first row, texts, vectors, sentence spans, sentence vectors) for `n` passages, in chunks."""
    rng = np.random.default_rng(seed)
    dim = base.shape[1]
    sigma = 0.5 / math.sqrt(dim)
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        a, b = rng.integers(len(base), size=m), rng.integers(len(base), size=m)
        vectors = _unit(0.7 * base[a] + 0.3 * base[b] + rng.normal(0, sigma, (m, dim)))
        texts, spans, svecs = [], [], []
        for row in range(m):
            own = [(s, a[row]) for s in paragraphs[a[row]]]
            other = paragraphs[b[row]]
            own.insert(int(rng.integers(len(own) + 1)), (other[int(rng.integers(len(other)))], b[row]))
            if len(own) > 2:  # shuffle, keeping the first sentence first (it usually names the subject)
                rest = own[1:]
                rng.shuffle(rest)
                own = own[:1] + rest
            text, cut = "", []
            for sentence, _ in own:
                begin = len(text) + (1 if text else 0)
                text = f"{text} {sentence}" if text else sentence
                cut.append((begin, len(text)))
            texts.append(text)
            spans.append(cut)
            source = np.array([p for _, p in own])
            svecs.append(_unit(base[source] + rng.normal(0, sigma, (len(own), dim))))
        yield start, texts, vectors, spans, svecs


def fill(home: Path, n: int, base: np.ndarray, paragraphs: list[str], headlines: list[str], embedder: str) -> float:
    """Write `n` synthetic passages (and their articles and sentences) into a data folder; seconds taken."""
    import asyncio

    from index.store import open_store

    async def create() -> None:  # the schema, as the app makes it
        store = await open_store(home / DATABASE_FILE)
        await store.set_meta("embedder", embedder)
        await store.close()

    home.mkdir(parents=True, exist_ok=True)
    asyncio.run(create())
    started = time.perf_counter()
    db = sqlite3.connect(home / DATABASE_FILE)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    split = _sentences(paragraphs)
    for start, texts, vectors, spans, svecs in _chunks(n, base, split, seed=n):
        articles, passages, sentences = [], [], []
        for row, text in enumerate(texts):
            pid = start + row + 1
            aid = (pid - 1) // PER_ARTICLE + 1
            number = (pid - 1) % PER_ARTICLE + 1
            if number == 1:
                title = f"{headlines[aid % len(headlines)]} ({aid})"
                digest = hashlib.sha256(title.encode()).hexdigest()
                articles.append((aid, "", f"bench://scale/{aid}", title, "BBC", f"bench://scale/{aid}",
                                 f"2005-{aid % 12 + 1:02d}-{aid % 28 + 1:02d}", digest, "2026-01-01T00:00:00+00:00"))
            passages.append((pid, aid, number, text, vector_blob(vectors[row])))  # stored as the app stores them
            sentences.append((pid, *sentences_row(spans[row], svecs[row])))
        db.executemany("INSERT INTO articles (id, scope, key, title, source, url, published, content_hash, added) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", articles)
        db.executemany("INSERT INTO passages (id, article_id, number, text, vector) VALUES (?, ?, ?, ?, ?)", passages)
        db.executemany("INSERT INTO sentences (passage_id, spans, vectors) VALUES (?, ?, ?)", sentences)
        db.commit()
    db.execute("INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) DO UPDATE SET value = '1'")
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def questions(headlines: list[str], generic: list[str]) -> list[str]:
    return generic + [h + "?" for h in headlines[:: max(1, len(headlines) // 40)]]


def folder_mb(home: Path) -> dict[str, float]:
    return {p.name: p.stat().st_size / 2**20 for p in home.iterdir() if p.is_file()}


async def build(home: Path, embedder: Any) -> dict[str, Any]:
    """Open the Library once: it builds FAISS from SQLite's vectors (training IVF past FLAT_MAX) and saves it."""
    from index.config import Settings
    from index.library import Library

    settings = Settings.from_env({"NEWSDESK_HOME": str(home)}, dotenv=None)
    started = time.perf_counter()
    async with Library(settings, embedder=embedder) as lib:
        kind, count = lib.vectors.kind, len(lib.vectors)
    return {"index": kind, "passages": count, "index_build_s": time.perf_counter() - started}


class LoopWatch:
    """How late a 2 ms ticker wakes while questions are answered: what the event loop was kept from doing."""

    def __init__(self, every: float = 0.002) -> None:
        self.every = every
        self.late_ms: list[float] = []

    async def run(self) -> None:
        import asyncio

        while True:
            due = time.perf_counter() + self.every
            await asyncio.sleep(self.every)
            self.late_ms.append(max(0.0, (time.perf_counter() - due) * 1000))


async def measure(
    home: Path, embedder: Any, asked: list[str], rounds: int = 2, together: int = 8, database_url: str = ""
) -> dict[str, Any]:
    """Open the Library (its saved FAISS file) and time warm `Library.ask`, one question at a time,
    then `together` at once; a ticker records the longest event-loop stall meanwhile. `first_p50_ms`
    is over the questions asked for the first time (the passages they rank not yet in the process's
    caches, as for most questions a user asks), `repeat_p50_ms` over the same questions asked again."""
    import asyncio

    from index.config import Settings
    from index.library import Library
    from index.memory import settle

    settings = Settings.from_env({"NEWSDESK_HOME": str(home), "NEWSDESK_DATABASE_URL": database_url}, dotenv=None)
    started = time.perf_counter()
    async with Library(settings, embedder=embedder) as lib:
        open_s = time.perf_counter() - started
        for question in asked[:8]:
            await lib.ask(question)  # warm
        settle()  # as the bot does every minute (index/memory.py)
        watch = LoopWatch()
        ticker = asyncio.create_task(watch.run())
        latencies, refused = [], 0
        first: list[float] = []  # the questions asked for the first time
        repeat: list[float] = []  # ... and again
        for round_ in range(rounds):
            for number, question in enumerate(asked):
                t = time.perf_counter()
                answer = await lib.ask(question)
                latencies.append((time.perf_counter() - t) * 1000)
                refused += answer.refused
                if number >= 8:  # the first 8 warmed the library
                    (first if round_ == 0 else repeat).append(latencies[-1])
        alone = max(watch.late_ms)
        watch.late_ms.clear()
        t = time.perf_counter()
        for start in range(0, len(asked), together):
            await asyncio.gather(*(lib.ask(q) for q in asked[start : start + together]))
        concurrent_s = time.perf_counter() - t
        ticker.cancel()
    return {"open_s": open_s, "answers": len(latencies), "refused": refused,
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "first_p50_ms": percentile(first, 50) if first else 0.0,
            "repeat_p50_ms": percentile(repeat, 50) if repeat else 0.0,
            "stall_ms": alone, "stall_together_ms": max(watch.late_ms),
            "together_qps": len(asked) / concurrent_s, "together": together}
