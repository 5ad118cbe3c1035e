"""The SQLite store (aiosqlite): articles, passages with their vectors, full-text search (FTS5)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aiosqlite
import numpy as np

from ..clock import utc_stamp
from ..models import Article, Passage, StoredArticle
from ..when import Window
from .rows import title_pattern, vector_blob
from .schema import migrate
from .sql import fts_match, placeholders as _placeholders, scope_clause, window_clause
from .sqlite_answers import AnswerRows
from .sqlite_copies import CopyRows
from .sqlite_entities import EntityRows
from .sqlite_records import RecordRows
from .sqlite_vectors import VectorRows
from .sqlite_watch import WatchRows
from .tokens import tokens

_ARTICLE_COLUMNS = "id, title, source, url, published, author, scope, " \
    "(SELECT COUNT(*) FROM passages p WHERE p.article_id = a.id), content_hash, added, key, origin, from_feed"


PAGE_SIZE = 16_384
"""Bytes a page of a new database (an existing one keeps its own). A passage's sentence vectors are
about 2 KB (int8, 5 sentences): 4 KB pages left a fifth of the sentence table empty, 16 KB pages
pack them (12% smaller at 1M passages, docs/BENCHMARKS.md part 2f)."""
_BM25 = "bm25(passages_fts)"
"""FTS5's default rank, called by name: `ORDER BY rank` gives the same order but takes 28-44% longer (docs/BENCHMARKS.md 2m)."""

VOCABULARY = "CREATE VIRTUAL TABLE temp.passages_vocab USING fts5vocab(main, passages_fts, row)"
"""FTS5's own terms with the passages holding each, on the reader, keyed by the index's stemmed form:
a question's counts read there take 15-17% less than `COUNT(*) ... MATCH` at 1M (docs/BENCHMARKS.md 2n)."""

COUNT_CACHE = 20_000  # cached counts (articles per scope set, passages, passages per term) per change


def _article(row: Sequence[Any]) -> StoredArticle:
    (article_id, title, source, url, published, author, scope, paragraphs, content_hash, added, key, origin,
     from_feed) = row
    return StoredArticle(article_id, title, source, url, published, author, scope, paragraphs, content_hash, added,
                         key, origin, bool(from_feed))


def _count_query(keys: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """One query for the passages holding each of `_term_key`'s keys, as rows of (key, count): an
    index term is read from the vocabulary; a quoted MATCH expression (no index term starts with '"')
    is counted by matching."""
    single = sorted({k for k in keys if not k.startswith('"')})
    phrases = sorted({k for k in keys if k.startswith('"')})
    parts = [f"SELECT term, doc FROM temp.passages_vocab WHERE term IN ({_placeholders(single)})"] if single else []
    parts += ["SELECT ?, (SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ?)"] * len(phrases)
    return " UNION ALL ".join(parts), (*single, *[p for phrase in phrases for p in (phrase, phrase)])


def _term_key(term: str) -> str:
    """The index term an ASCII `term` is stored as, else its MATCH expression. `tokens` makes ASCII
    words exactly as FTS5 does (tests/store/test_porter.py); for other scripts a few code points part
    (private use, some marks), so FTS5 itself counts those, as it does words it splits ("e-mail")."""
    made = tokens(term)
    return made[0] if len(made) == 1 and term.isascii() else fts_match([term])


FIND_EXISTING = (
    "SELECT id, content_hash, key FROM ("
    "SELECT id, content_hash, key, 1 AS by_key FROM articles WHERE scope = ? AND key = ? UNION ALL "
    "SELECT id, content_hash, key, 0 FROM articles WHERE scope = ? AND content_hash = ?) ORDER BY by_key DESC LIMIT 1"
)
"""An article by identity key, else by content, in one scope: two index lookups. (With `key = ? OR
content_hash = ?` SQLite scanned the whole scope, so a large import slowed with every article
stored: 46 ms a lookup at 24,000 articles.)"""

class SQLiteStore(VectorRows, EntityRows, RecordRows, WatchRows, AnswerRows, CopyRows):
    """One SQLite database file (WAL); every write is one transaction. Implements `Store`."""

    def __init__(self, db: aiosqlite.Connection, reader: aiosqlite.Connection | None = None) -> None:
        super().__init__(db, reader)
        self._counted: tuple[int, int] | None = None
        self._counts: dict[tuple[str, Any], Any] = {}

    @classmethod
    async def open(cls, path: Path) -> SQLiteStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        await db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # only a new, empty database takes it
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA foreign_keys=ON")
        try:
            await db.execute("PRAGMA busy_timeout=10000")
            await migrate(db)
            reader = await aiosqlite.connect(path)
        except BaseException:
            await db.close()
            raise
        await reader.execute("PRAGMA busy_timeout=10000")
        await reader.execute(VOCABULARY)  # in the reader's own temp schema, before it turns read-only
        await reader.execute("PRAGMA query_only=ON")
        return cls(db, reader)

    async def close(self) -> None:
        if self._reader is not self._db:
            await self._reader.close()
        await self._db.close()

    async def _count_key(self) -> tuple[int, int]:
        """Changes with every commit: the reader's data_version (any other connection's) and our own."""
        rows = list(await self._reader.execute_fetchall("PRAGMA data_version"))  # one trip to the reader's thread
        return (int(rows[0][0]) if rows else 0), self.writes

    async def _cache(self) -> dict[tuple[str, Any], Any]:
        """Values computed since the database last changed (a new, empty dict after any commit)."""
        version = await self._count_key()
        if version != self._counted:
            self._counts, self._counted = {}, version
        return self._counts

    async def _cached(self, key: tuple[str, Any], sql: str, params: tuple[Any, ...], convert: Callable[[list[Any]], Any]) -> Any:
        """`convert` of a query's rows, run once per change of the database (so the value stays exact)."""
        cache = await self._cache()
        if key in cache:
            return cache[key]
        value = convert(list(await self._reader.execute_fetchall(sql, params)))
        if len(cache) < COUNT_CACHE:  # after a commit meanwhile, the next call starts afresh
            cache[key] = value
        return value

    async def _cached_count(self, key: tuple[str, Any], sql: str, params: tuple[Any, ...]) -> int:
        """COUNT(*) of committed rows, run once per change of the database."""
        return int(await self._cached(key, sql, params, lambda rows: rows[0][0] if rows else 0))

    async def scope_names(self) -> frozenset[str]:
        """The scopes holding at least one article (one index seek per scope, once per change)."""
        sql = "WITH RECURSIVE s (scope) AS (SELECT MIN(scope) FROM articles UNION ALL " \
            "SELECT (SELECT MIN(scope) FROM articles WHERE scope > s.scope) FROM s WHERE s.scope IS NOT NULL) " \
            "SELECT scope FROM s WHERE scope IS NOT NULL"
        names: frozenset[str] = await self._cached(("scopes", None), sql, (), lambda rows: frozenset(r[0] for r in rows))
        return names

    async def get_meta(self, key: str, default: str = "") -> str:
        row = await (await self._db.execute("SELECT value FROM meta WHERE key = ?", (key,))).fetchone()
        return str(row[0]) if row else default

    async def _bump_generation(self) -> None:
        await self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    async def set_meta(self, key: str, value: str) -> None:
        async with self._lock:
            await self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            await self._commit()

    async def find_existing(self, scope: str, key: str, content_hash: str) -> tuple[int, str, str] | None:
        """The article with this identity key, or the same content, in this scope: (id, hash, key)."""
        row = await (await self._db.execute(FIND_EXISTING, (scope, key, scope, content_hash))).fetchone()
        return (int(row[0]), str(row[1]), str(row[2])) if row else None

    async def put_article(
        self, article: Article, scope: str, key: str, content_hash: str,
        vectors: np.ndarray, replace_id: int | None = None,
    ) -> tuple[int, list[int], list[int]]:
        """Store an article and its passages atomically; returns (id, new ids, removed ids)."""
        removed: list[int] = []
        async with self._lock:
            try:
                if replace_id is not None:
                    removed = await self._passage_ids(replace_id)
                    await self._db.execute("DELETE FROM articles WHERE id = ?", (replace_id,))
                cursor = await self._db.execute(
                    "INSERT INTO articles (scope, key, title, source, url, published, author, origin, "
                    "content_hash, added, from_feed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (scope, key, article.title, article.source, article.url, article.published,
                     article.author, article.origin, content_hash, utc_stamp(), int(article.from_feed)),
                )
                article_id = int(cursor.lastrowid or 0)
                ids: list[int] = []
                for number, (text, vector) in enumerate(zip(article.paragraphs, vectors), start=1):
                    cursor = await self._db.execute(
                        "INSERT INTO passages (article_id, number, text, vector) VALUES (?, ?, ?, ?)",
                        (article_id, number, text, vector_blob(vector)),
                    )
                    ids.append(int(cursor.lastrowid or 0))
                await self._bump_generation()
                await self._commit()
            except BaseException:
                await self._db.rollback()
                raise
        return article_id, ids, removed

    async def delete_article(self, article_id: int) -> list[int]:
        """Remove an article and its passages; returns the removed passage ids."""
        async with self._lock:
            removed = await self._passage_ids(article_id)
            await self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            await self._bump_generation()
            await self._commit()
            return removed

    async def _passage_ids(self, article_id: int) -> list[int]:
        rows = await self._db.execute_fetchall("SELECT id FROM passages WHERE article_id = ?", (article_id,))
        return [int(r[0]) for r in rows]

    async def articles(self, scopes: Sequence[str] | None) -> list[StoredArticle]:
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles a"
        params: tuple[Any, ...] = ()
        if scopes is not None:
            sql += f" WHERE scope IN ({_placeholders(scopes)})"
            params = tuple(scopes)
        rows = await self._reader.execute_fetchall(sql + " ORDER BY id", params)
        return [_article(r) for r in rows]

    async def article_count(self, scopes: Sequence[str] | None = None) -> int:
        """How many articles `scopes` hold (None: all), counted on the scope index once per change."""
        where, params = scope_clause(None if scopes is None else sorted(set(scopes)))
        sql = f"SELECT COUNT(*) FROM articles WHERE 1{where}"
        return await self._cached_count(("articles", params if scopes is not None else None), sql, params)

    async def newest_published(self, scopes: Sequence[str] | None = None) -> str:
        """The latest `published` among the articles `scopes` hold ("" when none is dated), once per change."""
        where, params = scope_clause(None if scopes is None else sorted(set(scopes)))
        sql = f"SELECT MAX(published) FROM articles WHERE published != ''{where}"
        newest: str = await self._cached(("newest", params if scopes is not None else None), sql, params,
                                         lambda rows: str(rows[0][0] or "") if rows else "")
        return newest

    async def articles_by_id(self, ids: Sequence[int], scopes: Sequence[str] | None) -> list[StoredArticle]:
        """The stored articles among `ids` that `scopes` hold, in the order given, in one query."""
        if not ids:
            return []
        where, params = scope_clause(scopes)
        rows = await self._reader.execute_fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE id IN ({_placeholders(ids)}){where}", (*ids, *params)
        )
        found = {int(r[0]): _article(r) for r in rows}
        return [found[i] for i in ids if i in found]

    async def headlines_by_id(self, ids: Sequence[int], scopes: Sequence[str] | None) -> dict[int, tuple[str, str]]:
        """(headline, published) of the stored articles among `ids` that `scopes` hold, in one query."""
        if not ids:
            return {}
        where, params = scope_clause(scopes)
        rows = await self._reader.execute_fetchall(
            f"SELECT id, title, published FROM articles WHERE id IN ({_placeholders(ids)}){where}", (*ids, *params)
        )
        return {int(r[0]): (str(r[1]), str(r[2] or "")) for r in rows}

    async def article(self, article_id: int, scopes: Sequence[str] | None) -> StoredArticle | None:
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE id = ?"
        params: tuple[Any, ...] = (article_id,)
        if scopes is not None:
            sql += f" AND scope IN ({_placeholders(scopes)})"
            params += tuple(scopes)
        row = await (await self._reader.execute(sql, params)).fetchone()
        return _article(row) if row else None

    async def passages(self, article_id: int, scopes: Sequence[str] | None) -> list[Passage]:
        """An article's passages in order; none when `scopes` do not hold the article."""
        where, params = scope_clause(scopes, "a.scope")
        rows = await self._reader.execute_fetchall(
            "SELECT p.id, p.article_id, p.number, p.text FROM passages p JOIN articles a ON a.id = p.article_id "
            f"WHERE p.article_id = ?{where} ORDER BY p.number",
            (article_id, *params),
        )
        return [Passage(*r) for r in rows]

    async def passages_by_id(
        self, ids: Sequence[int], scopes: Sequence[str] | None, window: Window | None = None
    ) -> dict[int, Passage]:
        """Fetch passages in one query, keeping only those in `scopes` and published in `window`."""
        if not ids:
            return {}
        # CROSS JOIN keeps passages first: SQLite 3.40 otherwise scans every article of the scope
        sql = f"SELECT p.id, p.article_id, p.number, p.text FROM passages p " \
            f"CROSS JOIN articles a ON a.id = p.article_id WHERE p.id IN ({_placeholders(ids)})"
        params: tuple[Any, ...] = tuple(ids)
        if scopes is not None:
            sql += f" AND a.scope IN ({_placeholders(scopes)})"
            params += tuple(scopes)
        dated, dates = window_clause(window)
        rows = await self._reader.execute_fetchall(sql + dated, params + dates)
        return {int(r[0]): Passage(*r) for r in rows}

    async def passages_in(self, window: Window | None, scopes: Sequence[str] | None, limit: int) -> list[int] | None:
        """Ids of the passages published in `window` (and `scopes`); None when there are more than `limit`.

        The articles are found on their published index, so a narrow window costs little at any size.
        """
        dated, params = window_clause(window)
        sql = f"SELECT p.id FROM articles a CROSS JOIN passages p ON p.article_id = a.id WHERE 1{dated}"
        if scopes is not None:
            sql += f" AND a.scope IN ({_placeholders(scopes)})"
            params += tuple(scopes)
        rows = list(await self._reader.execute_fetchall(sql + " LIMIT ?", (*params, limit + 1)))
        return None if len(rows) > limit else [int(r[0]) for r in rows]

    async def fulltext(
        self, terms: Sequence[str], scopes: Sequence[str] | None, limit: int, window: Window | None = None
    ) -> list[tuple[int, float]]:
        """BM25 search (FTS5) for any of `terms`; returns (passage id, score) with higher scores better.

        With a `window`, only passages published in it are ranked: every match is joined to its
        article's date before sorting (the match reads at most the postings budget of passages).
        """
        match = fts_match(terms)
        if not match:
            return []
        if window is not None:
            return await self._fulltext_in(match, scopes, limit, window)
        ranked = f"SELECT rowid, {_BM25} AS score FROM passages_fts WHERE passages_fts MATCH ? ORDER BY score LIMIT ?"
        fetch = limit if scopes is None else limit * 4
        while True:  # the best matches first, then their scopes (joining every match costs 2x at 1M)
            rows = list(await self._reader.execute_fetchall(ranked, (match, fetch)))
            found = [(int(r[0]), -float(r[1])) for r in rows]
            if scopes is not None:
                allowed = await self.passages_by_id([i for i, _ in found], scopes)
                found = [(i, s) for i, s in found if i in allowed]
            if len(found) >= limit or len(rows) < fetch:
                return found[:limit]
            fetch *= 8

    async def _fulltext_in(
        self, match: str, scopes: Sequence[str] | None, limit: int, window: Window
    ) -> list[tuple[int, float]]:
        dated, params = window_clause(window)
        sql = f"SELECT passages_fts.rowid, {_BM25} AS score FROM passages_fts " \
            "CROSS JOIN passages p ON p.id = passages_fts.rowid CROSS JOIN articles a ON a.id = p.article_id " \
            f"WHERE passages_fts MATCH ?{dated}"
        params = (match, *params)
        if scopes is not None:
            sql += f" AND a.scope IN ({_placeholders(scopes)})"
            params += tuple(scopes)
        rows = await self._reader.execute_fetchall(sql + " ORDER BY score LIMIT ?", (*params, limit))
        return [(int(r[0]), -float(r[1])) for r in rows]

    async def find_articles(self, query: str, scopes: Sequence[str] | None, limit: int) -> list[StoredArticle]:
        """Articles whose title contains `query` (case-insensitive), then by keyword in the text."""
        where, params = scope_clause(scopes)
        pattern = title_pattern(query)
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE title LIKE ? ESCAPE '\\'{where} ORDER BY title LIMIT ?"
        rows = await self._reader.execute_fetchall(sql, (pattern, *params, limit))
        return [_article(r) for r in rows]

    async def optimize(self) -> None:
        """`PRAGMA optimize`: SQLite's own statistics, refreshed where they matter."""
        await self._db.execute("PRAGMA optimize")

    async def version(self) -> int:
        """A number that changes whenever another connection (another process) commits."""
        row = await (await self._db.execute("PRAGMA data_version")).fetchone()
        return int(row[0]) if row else 0

    async def document_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """How many committed passages contain each term (stemmed as the full-text index stems it).

        The terms not counted since the database last changed are counted in one trip to the reader.
        """
        cache = await self._cache()
        counts = {t: cache[("term", t)] for t in terms if ("term", t) in cache}
        todo = [t for t in dict.fromkeys(terms) if t not in counts]
        if todo:
            keys = {t: _term_key(t) for t in todo}
            found = {str(key): int(n) for key, n in await self._reader.execute_fetchall(*_count_query(list(keys.values())))}
            for term, key in keys.items():
                count = counts[term] = found.get(key, 0)
                if len(cache) < COUNT_CACHE:
                    cache[("term", term)] = count
        return {t: counts[t] for t in terms}

    async def passage_count(self) -> int:
        """How many passages are committed, counted once per change of the database."""
        return await self._cached_count(("passages", None), "SELECT COUNT(*) FROM passages", ())
