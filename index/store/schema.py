"""The SQLite schema as numbered migrations: append a script, never edit one that shipped."""
from __future__ import annotations

import logging

import aiosqlite

from ..errors import NewsdeskError

log = logging.getLogger(__name__)


class SchemaTooNew(NewsdeskError):
    """The database was made by a newer version; using it could damage it."""

    @classmethod
    def at(cls, version: int, known: int) -> SchemaTooNew:
        return cls(f"the database is at schema version {version}, made by a newer Newsdesk; this one knows "
                   f"versions up to {known}: upgrade Newsdesk (the database is left untouched)")

MIGRATIONS: list[str] = [
    # 1: articles, passages (with their vectors), full-text index, metadata, feedback
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
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
    CREATE INDEX articles_url ON articles (url) WHERE url != '';
    CREATE TABLE passages (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        vector BLOB NOT NULL,
        UNIQUE (article_id, number)
    );
    CREATE VIRTUAL TABLE passages_fts USING fts5 (
        text, content='passages', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts (passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL DEFAULT '',
        question TEXT NOT NULL,
        vote INTEGER NOT NULL,
        quotes TEXT NOT NULL
    );
    CREATE INDEX feedback_scope ON feedback (scope, created);
    """,
    # 2: feed subscriptions (conditional-request state) and the items already taken from them
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        added TEXT NOT NULL,
        last_polled TEXT NOT NULL DEFAULT '',
        last_error TEXT NOT NULL DEFAULT '',
        UNIQUE (scope, url)
    );
    CREATE TABLE feed_items (
        feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        seen TEXT NOT NULL,
        PRIMARY KEY (feed_id, guid)
    );
    CREATE INDEX feed_items_url ON feed_items (feed_id, url);
    """,
    # 3: each passage's sentences ([start, end) spans into its text) and their vectors, for
    #    sentence-level scoring; filled at ingest, and lazily for passages stored before this
    """
    CREATE TABLE sentences (
        passage_id INTEGER PRIMARY KEY REFERENCES passages (id) ON DELETE CASCADE,
        spans TEXT NOT NULL,
        vectors BLOB NOT NULL
    );
    """,
    # 4: answers posted (their buttons keep working after a restart), one vote per person per answer
    """
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: an old button must not find a newer answer
        created TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '',
        answer TEXT NOT NULL
    );
    CREATE INDEX answers_created ON answers (created);
    ALTER TABLE feedback ADD COLUMN answer_id INTEGER;
    CREATE UNIQUE INDEX feedback_answer_user ON feedback (answer_id, user_id) WHERE answer_id IS NOT NULL;
    """,
    # 5: articles by published day, so a date window picks its passages without reading every article
    """
    CREATE INDEX articles_published ON articles (published);
    """,
    # 6: each passage's named entities (spaCy NER), grouped by its sentences: JSON
    #    [[[start, end, label], ...], ...]; made at ingest, and lazily for passages stored before this
    """
    CREATE TABLE sentence_entities (
        passage_id INTEGER PRIMARY KEY REFERENCES passages (id) ON DELETE CASCADE,
        entities TEXT NOT NULL
    );
    """,
    # 7: a lease on each feed, so that of several processes on one library one polls it at a time
    #    (a process that dies lets its lease run out)
    """
    ALTER TABLE feeds ADD COLUMN leased_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE feeds ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
    """,
    # 8: the Discord channel each feed's new articles are announced in (NULL: none chosen), kept with
    #    the feed so every bot process on the library sees it, whatever its home folder
    """
    ALTER TABLE feeds ADD COLUMN announce_channel INTEGER;
    """,
    # 9: standing questions (index.watch) and the answers new articles gave them, one per question
    #    and article (its scope and identity key), posted once: `posted` is set by the process that posts it
    """
    CREATE TABLE watches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scope TEXT NOT NULL DEFAULT '',
        channel_id TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL DEFAULT '',
        question TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX watches_scope ON watches (scope);
    CREATE TABLE watch_answers (
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        article TEXT NOT NULL,
        article_id INTEGER NOT NULL,
        answer TEXT NOT NULL,
        created TEXT NOT NULL,
        posted TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (watch_id, article)
    );
    CREATE INDEX watch_answers_due ON watch_answers (posted, created);
    """,
    # 10: where each kept answer was posted (index.export): the channel or thread, the answer's message
    #     and the question's message ('' when there is none: /ask; all '' for an answer never posted in
    #     public, as a private one); a thread's answers are found by channel, its starting answer by message
    """
    ALTER TABLE answers ADD COLUMN channel_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN question_message_id TEXT NOT NULL DEFAULT '';
    CREATE INDEX answers_channel ON answers (channel_id);
    CREATE INDEX answers_message ON answers (message_id);
    """,
    # 11: articles stored from a feed item's own text because its page could not be fetched (quotes
    #     say so), and how often that page has failed to be fetched since (later polls try it again)
    """
    ALTER TABLE articles ADD COLUMN from_feed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE feed_items ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
    """,
    # 12: wire copies (index.wire): two stored articles that are the same story, linked at ingest; kept
    #    both ways round (a row per direction), gone with either article
    """
    CREATE TABLE copies (
        article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        copy_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        PRIMARY KEY (article_id, copy_id),
        CHECK (article_id != copy_id)
    ) WITHOUT ROWID;
    CREATE INDEX copies_copy ON copies (copy_id);
    """,
]


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring the database to the latest version; returns the version it is at now."""
    row = await (await db.execute("PRAGMA user_version")).fetchone()
    version = int(row[0]) if row else 0
    if version > len(MIGRATIONS):
        raise SchemaTooNew.at(version, len(MIGRATIONS))
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        log.info("migrating database to version %d", number)
        await db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(MIGRATIONS)
