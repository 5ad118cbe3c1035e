"""Sentence entities are stored at ingest, made lazily for older passages, and go with their article."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from index.models import Article
from index.store import schema
from index.text import sentence_spans
from tests.conftest import settings_for

CITY = Article(
    title="Council backs harbour bridge",
    paragraphs=(
        "Mayor Grace Okonkwo told the Lagos council on Tuesday that the bridge would cost $40 million.",
        "The Harbour Authority said 200 workers would start in March. Work should end by 2026.",
    ),
    source="HERALD",
    url="https://example.org/bridge",
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Entities made at ingest, as by default (the other tests make them lazily, for speed)."""
    return settings_for(tmp_path / "home", NEWSDESK_ENTITIES="ingest")


def _texts(text: str, per_sentence: list[list[tuple[int, int, str]]]) -> list[list[tuple[str, str]]]:
    return [[(text[a:b], label) for a, b, label in sentence] for sentence in per_sentence]


async def test_entities_are_stored_at_ingest_per_sentence(library: Library) -> None:
    [result] = await library.ingest_articles([CITY])
    passages = await library.passages(result.article_id)
    stored = await library.store.entities_by_id([p.id for p in passages])
    assert set(stored) == {p.id for p in passages}
    first, second = (stored[p.id] for p in passages)
    assert ("Grace Okonkwo", "PERSON") in _texts(passages[0].text, first)[0]
    assert ("$40 million", "MONEY") in _texts(passages[0].text, first)[0]
    assert len(second) == len(sentence_spans(passages[1].text)) == 2
    assert ("2026", "DATE") in _texts(passages[1].text, second)[1]
    assert await library.sentence_entities(passages) == stored


async def test_lazy_mode_makes_entities_only_when_asked(tmp_path: Path) -> None:
    async with Library(settings_for(tmp_path, NEWSDESK_ENTITIES="lazy"), embedder=HashEmbedder()) as lib:
        [result] = await lib.ingest_articles([CITY])
        passages = await lib.passages(result.article_id)
        assert await lib.store.entities_by_id([p.id for p in passages]) == {}
        made = await lib.sentence_entities(passages)
        assert await lib.store.entities_by_id([p.id for p in passages]) == made


async def test_passages_stored_before_get_their_entities_when_asked_for(library: Library) -> None:
    [result] = await library.ingest_articles([CITY])
    passages = await library.passages(result.article_id)
    made_at_ingest = await library.store.entities_by_id([p.id for p in passages])
    with sqlite3.connect(library.settings.database_path) as db:  # as for passages from before the NER
        db.execute("DELETE FROM sentence_entities")
    assert await library.store.entities_by_id([p.id for p in passages]) == {}
    assert await library.sentence_entities(passages[:1]) == {passages[0].id: made_at_ingest[passages[0].id]}
    assert set(await library.store.entities_by_id([p.id for p in passages])) == {passages[0].id}
    assert await library.sentence_entities([]) == {}


async def test_store_round_trip_replaces_and_drops_rows_of_passages_gone(library: Library) -> None:
    [result] = await library.ingest_articles([CITY])
    pid = (await library.passages(result.article_id))[0].id
    await library.store.put_entities([(pid, [[(0, 4, "ORG")], []]), (9999, [[(0, 1, "DATE")]])])
    assert await library.store.entities_by_id([pid, 9999]) == {pid: [[(0, 4, "ORG")], []]}
    await library.store.put_entities([])


async def test_forgetting_or_replacing_an_article_drops_its_entities(library: Library) -> None:
    [result] = await library.ingest_articles([CITY])
    old = [p.id for p in await library.passages(result.article_id)]
    changed = Article(title=CITY.title, paragraphs=(CITY.paragraphs[0] + " Mr Ade agreed.",), source="HERALD", url=CITY.url)
    [replaced] = await library.ingest_articles([changed])
    assert replaced.status == "replaced"
    new = [p.id for p in await library.passages(replaced.article_id)]
    stored = await library.store.entities_by_id(old + new)
    assert set(stored) == set(new)
    await library.forget(replaced.article_id)
    assert await library.store.entities_by_id(old + new) == {}
    db = sqlite3.connect(library.settings.home / "newsdesk.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM sentence_entities").fetchone() == (0,)
    db.close()


def _make_version_4(path: Path) -> None:
    db = sqlite3.connect(path)
    for number, script in enumerate(schema.MIGRATIONS[:4], start=1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    db.execute("INSERT INTO articles (id, key, title, content_hash, added) VALUES (1, 'k', 'Bridge', 'h', '2024-01-01')")
    vector = np.asarray(HashEmbedder().embed([CITY.paragraphs[0]])[0], np.float32).tobytes()
    db.execute("INSERT INTO passages (article_id, number, text, vector) VALUES (1, 1, ?, ?)", (CITY.paragraphs[0], vector))
    db.execute("INSERT INTO meta (key, value) VALUES ('embedder', ?)", (HashEmbedder().name,))
    db.commit()
    db.close()


async def test_a_version_4_database_gains_the_entity_table_and_fills_it_lazily(settings: Settings) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    path = settings.home / "newsdesk.sqlite3"
    _make_version_4(path)
    async with Library(settings, embedder=HashEmbedder()) as lib:
        [passage] = await lib.passages(1)
        assert await lib.store.entities_by_id([passage.id]) == {}
        found = await lib.sentence_entities([passage])
        assert ("Grace Okonkwo", "PERSON") in _texts(passage.text, found[passage.id])[0]
        assert await lib.store.entities_by_id([passage.id]) == found
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (len(schema.MIGRATIONS),)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
