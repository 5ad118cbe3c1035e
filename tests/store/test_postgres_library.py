"""The library on PostgreSQL answers as it does on SQLite: same passages ranked by BM25 alike, the
same quotes for the shipped article, and a second process on the same database sees new articles."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from index.models import Article
from index.readers import partition, read_path
from index.store import SQLiteStore
from index.store.postgres import PostgresStore
from index.text import query_terms
from tests.conftest import SHIPPED, settings_for

QUESTIONS = [
    "Belousov, Lavrov and Novak will accompany Putin on the trip",
    "When did Putin last visit North Korea?",
    "What did the expert say about ammunition?",
    "What did Kim Jong Un call Russia?",
    "What did the US say about pressure on North Korea?",  # "us" beside "U.S.": PyStemmer made both "u"
    "Which technologies could Russia share?",
]


def shipped() -> list[Article]:
    return partition(read_path(SHIPPED))[0]


async def test_bm25_ranks_the_same_passages_in_the_same_order_on_both_stores(tmp_path: Path, postgres_url: str) -> None:
    found = {}
    for name, url in (("sqlite", ""), ("postgres", postgres_url)):
        async with Library(Settings(home=tmp_path / name, database_url=url), embedder=HashEmbedder()) as lib:
            assert isinstance(lib.store, PostgresStore if url else SQLiteStore)
            await lib.ingest_articles(shipped())
            runs = []
            for question in QUESTIONS:
                terms = query_terms(question)
                counts = await lib.store.document_counts(terms)
                ranked = await lib.store.fulltext(terms, None, 10)
                passages = await lib.store.passages_by_id([i for i, _ in ranked], None)
                runs.append((counts, [(passages[i].number, score) for i, score in ranked]))
            found[name] = runs
    for (sqlite_counts, sqlite_ranked), (pg_counts, pg_ranked) in zip(found["sqlite"], found["postgres"], strict=True):
        assert pg_counts == sqlite_counts
        assert [n for n, _ in pg_ranked] == [n for n, _ in sqlite_ranked]
        assert [s for _, s in pg_ranked] == pytest.approx([s for _, s in sqlite_ranked], abs=1e-3)


async def test_the_same_questions_get_the_same_quotes_on_both_stores(tmp_path: Path, postgres_url: str) -> None:
    answers = {}
    for name, url in (("sqlite", ""), ("postgres", postgres_url)):
        settings = Settings(home=tmp_path / name, embedder="hash", entities="lazy", database_url=url)
        async with Library(settings, embedder=HashEmbedder()) as lib:
            await lib.ingest_articles(shipped())
            answers[name] = [[(q.paragraph, q.text) for q in (await lib.ask(question)).quotes] for question in QUESTIONS]
    assert answers["postgres"] == answers["sqlite"]
    assert any("Belousov" in text for _, text in answers["postgres"][0])


async def test_a_second_process_on_the_same_database_sees_new_articles(tmp_path: Path, postgres_url: str) -> None:
    first = settings_for(tmp_path / "one", NEWSDESK_DATABASE_URL=postgres_url)
    second = settings_for(tmp_path / "two", NEWSDESK_DATABASE_URL=postgres_url)
    async with Library(first, embedder=HashEmbedder()) as one, Library(second, embedder=HashEmbedder()) as two:
        assert await two.articles() == []
        [result] = await one.ingest_articles(shipped())
        answer = await two.ask(QUESTIONS[0])
        assert answer.quotes and answer.quotes[0].article_id == result.article_id
        assert "Belousov" in answer.quotes[0].text


async def test_a_database_indexed_by_the_earlier_stemmer_is_reindexed_when_opened(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncpg
    import Stemmer

    from index.store import tokens

    question = query_terms("What did the US say about pressure on North Korea?")
    async with Library(Settings(home=tmp_path / "sqlite"), embedder=HashEmbedder()) as lib:
        await lib.ingest_articles(shipped())
        want = (await lib.store.document_counts(question), await lib.store.fulltext(question, None, 10))
        alone = (await lib.store.document_counts(["u"]))["u"]  # passages with "U.S.", not "US"
    with monkeypatch.context() as patch:  # the terms as schema version 6 made them: "us" and "U.S." both "u"
        patch.setattr(tokens, "_stem", Stemmer.Stemmer("porter").stemWord)
        async with Library(Settings(home=tmp_path / "pg", database_url=postgres_url), embedder=HashEmbedder()) as lib:
            await lib.ingest_articles(shipped())
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT df FROM term_df WHERE term = 'u'") > alone
        await conn.execute("DELETE FROM schema_version WHERE version = 7")
    finally:
        await conn.close()
    async with Library(Settings(home=tmp_path / "pg", database_url=postgres_url), embedder=HashEmbedder()) as lib:
        counts = await lib.store.document_counts(question)
        ranked = await lib.store.fulltext(question, None, 10)
        assert counts == want[0]
        assert [i for i, _ in ranked] == [i for i, _ in want[1]]
        assert [s for _, s in ranked] == pytest.approx([s for _, s in want[1]], abs=1e-3)
        for article in await lib.store.articles(None):  # removal takes away exactly the terms stored
            await lib.store.delete_article(article.id)
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM term_df WHERE df <> 0") == 0
        assert await conn.fetchval("SELECT count(*) FROM passage_terms") == 0  # the remade foreign key cascades
        assert await conn.fetchval("SELECT value FROM meta WHERE key = 'tokens'") == "0"
    finally:
        await conn.close()
