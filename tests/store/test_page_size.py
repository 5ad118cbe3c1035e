"""A new database packs its rows in 16 KB pages; one made with another page size keeps it and works."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from index.models import Article
from index.store import open_store
from index.store.sqlite import PAGE_SIZE

ARTICLE = Article(title="Harbour bridge opens", paragraphs=("The bridge opened on Monday. Crowds came.",),
                  source="HERALD", url="https://example.org/bridge")


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA page_size").fetchone()[0])


async def test_a_new_database_has_large_pages(tmp_path: Path) -> None:
    path = tmp_path / "newsdesk.sqlite3"
    store = await open_store(path)
    await store.close()
    assert _page_size(path) == PAGE_SIZE == 16_384


async def test_an_existing_database_keeps_its_page_size_and_stores(tmp_path: Path) -> None:
    path = tmp_path / "newsdesk.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA page_size=4096")
        db.execute("CREATE TABLE early (x)")  # the file now exists at 4 KB pages
    store = await open_store(path)
    try:
        article_id, ids, _ = await store.put_article(ARTICLE, "", ARTICLE.url, "digest", np.ones((1, 8), np.float32), None)
        assert [p.text for p in await store.passages(article_id, None)] == list(ARTICLE.paragraphs) and len(ids) == 1
    finally:
        await store.close()
    assert _page_size(path) == 4096
