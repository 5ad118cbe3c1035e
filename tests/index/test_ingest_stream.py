"""A large JSON Lines import through the library: stored a batch at a time, bad lines reported by
number, and an interrupted import resumed without duplicates or re-embedding what was stored."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index import ingesting, readers
from index.library import Library
from index.models import Article, IngestResult
from tests.index.readers.test_jsonl_stream import _line, write_jsonl


class Interrupted(Exception):
    pass


def _spy_batches(library: Library, monkeypatch: pytest.MonkeyPatch, fail_after: int | None = None) -> list[int]:
    """Record each stored batch's size; raise after `fail_after` batches (an interrupted import)."""
    sizes: list[int] = []
    real = library._ingest_batch

    async def batch(articles: Sequence[Article], scope: str) -> list[IngestResult]:
        if fail_after is not None and len(sizes) == fail_after:
            raise Interrupted
        sizes.append(len(articles))
        return await real(articles, scope)

    monkeypatch.setattr(library, "_ingest_batch", batch)
    return sizes


def _spy_embedded(library: Library, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every passage text embedded at ingest."""
    texts: list[str] = []
    real = library.embedder.embed_passages

    def embed(batch: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], pooled: bool
              ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        texts.extend(batch)
        return real(batch, spans, pooled)

    monkeypatch.setattr(library.embedder, "embed_passages", embed)
    return texts


async def test_a_file_over_the_old_limit_is_stored_in_bounded_batches(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 4096)
    monkeypatch.setattr(ingesting, "EMBED_BATCH_ARTICLES", 8)
    path = write_jsonl(tmp_path / "big.jsonl", [_line(n) for n in range(1, 51)])
    assert path.stat().st_size > readers.MAX_FILE_BYTES
    sizes = _spy_batches(library, monkeypatch)
    seen: list[tuple[int, int]] = []
    results = await library.ingest_paths([path], progress=lambda done, total: seen.append((done, total)))
    assert Counter(r.status for r in results) == {"added": 50}
    assert sizes == [8] * 6 + [2]
    assert seen == [(8 * n, 50) for n in range(1, 7)] + [(50, 50)]
    assert await library.store.article_count(None) == 50


async def test_bad_lines_are_rejected_by_number_and_the_rest_stored(library: Library, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [_line(1), "{oops", _line(3), '{"title": "x", "text": 5}', _line(5)])
    results = await library.ingest_paths([path])
    assert [(r.status, r.origin) for r in results if r.status == "rejected"] == [
        ("rejected", f"{path}:2"), ("rejected", f"{path}:4")]
    assert [r.title for r in results if r.status == "added"] == ["Ferry 1 sails", "Ferry 3 sails", "Ferry 5 sails"]


async def test_an_interrupted_import_resumes_without_duplicates_or_re_embedding(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingesting, "EMBED_BATCH_ARTICLES", 5)
    path = write_jsonl(tmp_path / "big.jsonl", [_line(n) for n in range(1, 24)])
    stored = _spy_batches(library, monkeypatch, fail_after=3)
    with pytest.raises(Interrupted):
        await library.ingest_paths([path])
    assert stored == [5, 5, 5] and await library.store.article_count(None) == 15

    monkeypatch.undo()
    monkeypatch.setattr(ingesting, "EMBED_BATCH_ARTICLES", 5)
    embedded = _spy_embedded(library, monkeypatch)
    results = await library.ingest_paths([path])
    assert Counter(r.status for r in results) == {"unchanged": 15, "added": 8}
    assert [r.title for r in results if r.status == "added"] == [f"Ferry {n} sails" for n in range(16, 24)]
    assert len(embedded) == 8 and all(any(f"Ferry number {n} " in t for n in range(16, 24)) for t in embedded)
    assert await library.store.article_count(None) == 23
    assert len(library.vectors) == await library.store.passage_count() == 23
