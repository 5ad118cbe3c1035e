"""The PostgreSQL schema as numbered migrations, run under an advisory lock (several processes may
start at once): append a script, never edit one that shipped. Vectors are pgvector columns; every
row a read filters by scope carries its scope."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncpg

from .pg_terms import retokenize
from .schema import SchemaTooNew

log = logging.getLogger(__name__)
LOCK = 0x6E657773  # "news": the advisory lock held while migrating

Step = str | Callable[["asyncpg.Connection"], Awaitable[None]]  # a script, or a function run in the transaction

MIGRATIONS: list[Step] = [
    # 1: everything the SQLite store held at its version 6
    """
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE articles (
        id BIGSERIAL PRIMARY KEY,
        scope TEXT NOT NULL DEFAULT '',
        key TEXT NOT NULL,
        title TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        published TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL,
        added TEXT NOT NULL,
        UNIQUE (scope, key)
    );
    CREATE INDEX articles_scope_hash ON articles (scope, content_hash);
    CREATE INDEX articles_published ON articles (published);
    CREATE TABLE passages (
        id BIGSERIAL PRIMARY KEY,
        article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        scope TEXT NOT NULL,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        vector vector NOT NULL,
        UNIQUE (article_id, number)
    );
    CREATE INDEX passages_scope ON passages (scope, id);
    -- BM25 reads only this table: each term's postings with the passage's term frequency, length
    -- and scope, in the primary key's index (an index-only scan once vacuumed)
    CREATE TABLE passage_terms (
        term TEXT NOT NULL,
        passage_id BIGINT NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
        tf INTEGER NOT NULL,
        tokens INTEGER NOT NULL,
        scope TEXT NOT NULL,
        PRIMARY KEY (term, passage_id) INCLUDE (tf, tokens, scope)
    );
    CREATE TABLE term_df (term TEXT PRIMARY KEY, df BIGINT NOT NULL);
    CREATE INDEX passage_terms_passage ON passage_terms (passage_id);
    CREATE TABLE sentences (
        passage_id BIGINT PRIMARY KEY REFERENCES passages (id) ON DELETE CASCADE,
        spans TEXT NOT NULL,
        vectors BYTEA NOT NULL
    );
    CREATE TABLE sentence_entities (
        passage_id BIGINT PRIMARY KEY REFERENCES passages (id) ON DELETE CASCADE,
        entities TEXT NOT NULL
    );
    CREATE TABLE answers (
        id BIGSERIAL PRIMARY KEY,
        created TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '',
        answer TEXT NOT NULL
    );
    CREATE INDEX answers_created ON answers (created);
    CREATE TABLE feedback (
        id BIGSERIAL PRIMARY KEY,
        created TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL DEFAULT '',
        question TEXT NOT NULL,
        vote INTEGER NOT NULL,
        quotes TEXT NOT NULL,
        answer_id BIGINT
    );
    CREATE INDEX feedback_scope ON feedback (scope, created);
    CREATE UNIQUE INDEX feedback_answer_user ON feedback (answer_id, user_id) WHERE answer_id IS NOT NULL;
    CREATE TABLE feeds (
        id BIGSERIAL PRIMARY KEY,
        url TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        added TEXT NOT NULL,
        last_polled TEXT NOT NULL DEFAULT '',
        last_error TEXT NOT NULL DEFAULT '',
        leased_by TEXT NOT NULL DEFAULT '',  -- the process polling it, until lease_until
        lease_until TEXT NOT NULL DEFAULT '',
        UNIQUE (scope, url)
    );
    CREATE TABLE feed_items (
        feed_id BIGINT NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        article_id BIGINT REFERENCES articles (id) ON DELETE SET NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        seen TEXT NOT NULL,
        PRIMARY KEY (feed_id, guid)
    );
    -- the write generation (moves with every stored or removed article), and what BM25 reads on
    -- every question, kept by each write: passages, and their tokens (passages per term: term_df)
    INSERT INTO meta (key, value) VALUES ('generation', '0'), ('passages', '0'), ('tokens', '0');
    """,
    # 2: the Discord channel each feed's new articles are announced in (NULL: none chosen), kept with
    #    the feed so every bot process on the library sees it, whatever its home folder
    """
    ALTER TABLE feeds ADD COLUMN announce_channel BIGINT;
    """,
    # 3: standing questions (index.watch) and the answers new articles gave them (SQLite's version 9)
    """
    CREATE TABLE watches (
        id BIGSERIAL PRIMARY KEY,
        scope TEXT NOT NULL DEFAULT '',
        channel_id TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL DEFAULT '',
        question TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX watches_scope ON watches (scope);
    CREATE TABLE watch_answers (
        watch_id BIGINT NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        article TEXT NOT NULL,
        article_id BIGINT NOT NULL,
        answer TEXT NOT NULL,
        created TEXT NOT NULL,
        posted TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (watch_id, article)
    );
    CREATE INDEX watch_answers_due ON watch_answers (posted, created);
    """,
    # 4: where each kept answer was posted (index.export): channel or thread, answer and question
    #    messages (SQLite's version 10)
    """
    ALTER TABLE answers ADD COLUMN channel_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN question_message_id TEXT NOT NULL DEFAULT '';
    CREATE INDEX answers_channel ON answers (channel_id);
    CREATE INDEX answers_message ON answers (message_id);
    """,
    # 5: articles stored from a feed item's own text, and failed fetches of its page since (SQLite's version 11)
    """
    ALTER TABLE articles ADD COLUMN from_feed BOOLEAN NOT NULL DEFAULT FALSE;
    ALTER TABLE feed_items ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
    """,
    # 6: wire copies (index.wire): two stored articles that are the same story, linked at ingest; kept
    #    both ways round (a row per direction), gone with either article (SQLite's version 12)
    """
    CREATE TABLE copies (
        article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        copy_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        PRIMARY KEY (article_id, copy_id),
        CHECK (article_id <> copy_id)
    );
    CREATE INDEX copies_copy ON copies (copy_id);
    """,
    # 7: the terms made again with FTS5's own Porter stemmer (index/store/porter.py): until now PyStemmer's
    #    stemmed a few words otherwise ("technology", "us"), so BM25 counted them unlike SQLite
    retokenize,
]


async def migrate(conn: asyncpg.Connection) -> int:
    """Bring the database to the latest version under the advisory lock; returns that version."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        version = await conn.fetchval("SELECT max(version) FROM schema_version") or 0
        if version > len(MIGRATIONS):
            raise SchemaTooNew.at(version, len(MIGRATIONS))
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            log.info("migrating the PostgreSQL database to version %d", number)
            await (conn.execute(script) if isinstance(script, str) else script(conn))
            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
    return len(MIGRATIONS)
