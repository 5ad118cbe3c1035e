"""Databases from older versions are migrated on open, never discarded."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.errors import NewsdeskError
from index.library import Library
from index.store import schema

TEXTS = [
    "The harbour council approved a new budget for the river bridge on Monday.",
    "Engineers said the bridge would open to traffic before the winter festival.",
]


def _db(settings: Settings) -> Path:
    settings.home.mkdir(parents=True, exist_ok=True)
    return settings.home / "newsdesk.sqlite3"


def make_version_1(path: Path, with_feedback: bool = True) -> None:
    """A database as version 1 of the schema left it, with an article, passages and feedback."""
    db = sqlite3.connect(path)
    db.executescript(schema.MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO articles (id, scope, key, title, source, url, content_hash, added) "
        "VALUES (1, '', 'https://example.org/bridge', 'Bridge budget approved', 'HERALD', "
        "'https://example.org/bridge', 'abc', '2024-01-01T00:00:00+00:00')"
    )
    vectors = HashEmbedder().embed(TEXTS)
    for number, (text, vector) in enumerate(zip(TEXTS, vectors), start=1):
        db.execute("INSERT INTO passages (article_id, number, text, vector) VALUES (1, ?, ?, ?)",
                   (number, text, np.asarray(vector, np.float32).tobytes()))
    db.execute("INSERT INTO meta (key, value) VALUES ('embedder', ?), ('generation', '2')", (HashEmbedder().name,))
    if with_feedback:
        db.execute("INSERT INTO feedback (created, scope, user_id, question, vote, quotes) "
                   "VALUES ('2024-01-02', 'guild:1', '42', 'when does the bridge open?', 1, '[]')")
    db.commit()
    db.close()


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


async def test_version_1_database_is_migrated_with_its_data(settings: Settings) -> None:
    path = _db(settings)
    make_version_1(path)
    async with Library(settings, embedder=HashEmbedder()) as lib:
        assert [a.title for a in await lib.articles()] == ["Bridge budget approved"]
        assert [p.text for p in await lib.passages(1)] == TEXTS
        assert lib.vectors.ids() == {1, 2}  # FAISS rebuilt from the stored vectors, not re-embedded
        answer = await lib.ask("when will the bridge open to traffic?")
        assert not answer.refused and answer.quotes[0].text in TEXTS[1]
        assert [f["question"] for f in await lib.feedback()] == ["when does the bridge open?"]
        await lib.ingest_articles([])  # and it can be written to
    assert _version(path) == len(schema.MIGRATIONS)
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM feeds").fetchone() == (0,)  # version 2's tables exist
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


async def test_fulltext_index_survives_the_migration(settings: Settings) -> None:
    make_version_1(_db(settings))
    async with Library(settings, embedder=HashEmbedder()) as lib:
        assert await lib.store.fulltext(["traffic"], None, 5) != []


@pytest.mark.parametrize("foreign", [False, True])
async def test_version_0_database_is_migrated_and_keeps_what_it_holds(settings: Settings, foreign: bool) -> None:
    path = _db(settings)
    db = sqlite3.connect(path)
    if foreign:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('keep me')")
    db.commit()
    db.close()
    async with Library(settings, embedder=HashEmbedder()) as lib:
        assert await lib.articles() == []
    assert _version(path) == len(schema.MIGRATIONS)
    if foreign:
        db = sqlite3.connect(path)
        assert db.execute("SELECT text FROM notes").fetchall() == [("keep me",)]
        db.close()


async def test_a_failing_migration_leaves_the_old_version_and_its_data(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _db(settings)
    make_version_1(path)
    before = path.read_bytes()
    broken = [*schema.MIGRATIONS, "CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);"]
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    with pytest.raises(Exception, match="nowhere"):
        async with Library(settings, embedder=HashEmbedder()):
            pass
    assert _version(path) == len(broken) - 1  # the good ones applied; the broken last one rolled back entirely
    db = sqlite3.connect(path)
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchall() == []
    assert db.execute("SELECT COUNT(*) FROM passages").fetchone() == (2,)
    db.close()
    monkeypatch.undo()
    async with Library(settings, embedder=HashEmbedder()) as lib:
        assert len(await lib.passages(1)) == 2
    assert len(before) > 0


async def test_a_database_from_a_newer_version_is_refused_not_used(settings: Settings) -> None:
    path = _db(settings)
    make_version_1(path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(schema.MIGRATIONS) + 5}")
    db.commit()
    db.close()
    with pytest.raises(NewsdeskError, match="newer"):
        async with Library(settings, embedder=HashEmbedder()):
            pass
    assert _version(path) == len(schema.MIGRATIONS) + 5
