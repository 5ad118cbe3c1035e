"""The PostgreSQL store (asyncpg, pgvector): the same `Store` as SQLite's, for libraries that
outgrow one process. Selected by NEWSDESK_DATABASE_URL=postgresql://...

Lexical search keeps its own term index (`passage_terms`, terms made as FTS5 makes them,
index/store/tokens.py) and ranks with FTS5's BM25 formula, so both stores rank alike.
"""
from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from typing import Any

import asyncpg
import numpy as np

from ..clock import utc_stamp
from ..models import Article, Passage, StoredArticle
from ..when import Window
from . import tokens
from .pg_answers import AnswerRows
from .pg_copies import CopyRows
from .pg_rows import RecordRows, VectorRows
from .pg_schema import migrate
from .pg_sql import Sql
from .pg_terms import BUMP, count_in, insert_terms
from .pg_watch import WatchRows
from .rows import title_pattern

K1, B = 1.2, 0.75  # FTS5's bm25() defaults
_ARTICLE = ("a.id, a.title, a.source, a.url, a.published, a.author, a.scope, "
            "(SELECT count(*) FROM passages p WHERE p.article_id = a.id), a.content_hash, a.added, a.key, a.origin, a.from_feed")


def _encode_vector(value: Any) -> bytes:
    array = np.asarray(value, dtype=">f4").reshape(-1)
    return struct.pack(">HH", len(array), 0) + array.tobytes()


def _decode_vector(data: bytes) -> np.ndarray:
    dim = struct.unpack_from(">H", data)[0]
    return np.frombuffer(data, dtype=">f4", count=dim, offset=4).astype(np.float32)


async def _setup(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("vector", schema="public", encoder=_encode_vector, decoder=_decode_vector, format="binary")


def _article(row: Sequence[Any]) -> StoredArticle:
    return StoredArticle(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]), str(row[6]),
                         int(row[7]), str(row[8]), str(row[9]), str(row[10]), str(row[11]), bool(row[12]))


class PostgresStore(VectorRows, RecordRows, WatchRows, AnswerRows, CopyRows):
    """One PostgreSQL database, reached through a pool; every write is one transaction.

    Counts (scopes, articles, passages, terms) are cached per write generation, read on each use:
    a cached value is never older than the library's last stored or removed article."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._generation = -1
        self._cache: dict[tuple[str, Any], Any] = {}

    async def _cached(self) -> dict[tuple[str, Any], Any]:
        """Values computed since the last stored or removed article (with the passage and token counts)."""
        rows = dict(await self._pool.fetch(
            "SELECT key, value FROM meta WHERE key IN ('generation', 'passages', 'tokens')"))
        generation = int(rows.get("generation", 0))
        if generation != self._generation:
            self._generation, self._cache = generation, {}
        self._cache[("passages", None)] = int(rows.get("passages", 0))
        self._cache[("tokens", None)] = int(rows.get("tokens", 0))
        return self._cache

    async def optimize(self) -> None:
        """After a bulk load: VACUUM ANALYZE, so the planner knows the tables and BM25 reads its index only."""
        await self._pool.execute("VACUUM ANALYZE")

    @classmethod
    async def open(cls, url: str) -> PostgresStore:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        pool = await asyncpg.create_pool(url, min_size=1, max_size=4, init=_setup)
        return cls(pool)

    async def close(self) -> None:
        await self._pool.close()

    # ---- articles and passages ---------------------------------------------------------------
    async def find_existing(self, scope: str, key: str, content_hash: str) -> tuple[int, str, str] | None:
        row = await self._pool.fetchrow(
            "SELECT id, content_hash, key FROM articles WHERE scope = $1 AND (key = $2 OR content_hash = $3) "
            "ORDER BY key = $2 DESC LIMIT 1", scope, key, content_hash)
        return (int(row[0]), str(row[1]), str(row[2])) if row else None

    async def put_article(
        self, article: Article, scope: str, key: str, content_hash: str,
        vectors: np.ndarray, replace_id: int | None = None,
    ) -> tuple[int, list[int], list[int]]:
        removed: list[int] = []
        async with self._pool.acquire() as conn, conn.transaction():
            if replace_id is not None:
                removed = await self._remove(conn, replace_id)
            article_id = int(await conn.fetchval(
                "INSERT INTO articles (scope, key, title, source, url, published, author, origin, content_hash, added, "
                "from_feed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                scope, key, article.title, article.source, article.url, article.published, article.author,
                article.origin, content_hash, utc_stamp(), article.from_feed))
            ids: list[int] = []
            made = [tokens.term_counts(text) for text in article.paragraphs]
            for number, (text, vector, (_, length)) in enumerate(
                zip(article.paragraphs, vectors, made, strict=False), start=1
            ):
                ids.append(int(await conn.fetchval(
                    "INSERT INTO passages (article_id, scope, number, text, tokens, vector) "
                    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    article_id, scope, number, text, length, np.asarray(vector, dtype=np.float32))))
            await insert_terms(conn, ids, made[: len(ids)], [scope] * len(ids))
            await count_in(conn, made[: len(ids)], 1)
            await conn.execute(BUMP, 1, "generation")
        return article_id, ids, removed

    async def delete_article(self, article_id: int) -> list[int]:
        async with self._pool.acquire() as conn, conn.transaction():
            removed = await self._remove(conn, article_id)
            await conn.execute(BUMP, 1, "generation")
            return removed

    @staticmethod
    async def _remove(conn: asyncpg.Connection, article_id: int) -> list[int]:
        rows = await conn.fetch("SELECT id, text FROM passages WHERE article_id = $1 ORDER BY id", article_id)
        await count_in(conn, [tokens.term_counts(r[1]) for r in rows], -1)
        await conn.execute("DELETE FROM articles WHERE id = $1", article_id)
        return [int(r[0]) for r in rows]

    async def articles(self, scopes: Sequence[str] | None) -> list[StoredArticle]:
        sql = Sql()
        rows = await self._pool.fetch(f"SELECT {_ARTICLE} FROM articles a WHERE true{sql.scopes(scopes)} ORDER BY a.id",
                                      *sql.args)
        return [_article(r) for r in rows]

    async def article(self, article_id: int, scopes: Sequence[str] | None) -> StoredArticle | None:
        sql = Sql()
        where = f"a.id = {sql.arg(article_id)}{sql.scopes(scopes)}"
        row = await self._pool.fetchrow(f"SELECT {_ARTICLE} FROM articles a WHERE {where}", *sql.args)
        return _article(row) if row else None

    async def articles_by_id(self, ids: Sequence[int], scopes: Sequence[str] | None) -> list[StoredArticle]:
        sql = Sql()
        where = f"a.id = ANY({sql.arg(list(ids))}::bigint[]){sql.scopes(scopes)}"
        found = {int(r[0]): _article(r) for r in await self._pool.fetch(f"SELECT {_ARTICLE} FROM articles a WHERE {where}",
                                                                        *sql.args)}
        return [found[i] for i in ids if i in found]

    async def headlines_by_id(self, ids: Sequence[int], scopes: Sequence[str] | None) -> dict[int, tuple[str, str]]:
        sql = Sql()
        where = f"a.id = ANY({sql.arg(list(ids))}::bigint[]){sql.scopes(scopes)}"
        rows = await self._pool.fetch(f"SELECT a.id, a.title, a.published FROM articles a WHERE {where}", *sql.args)
        return {int(r[0]): (str(r[1]), str(r[2])) for r in rows}

    async def _per_scopes(self, name: str, select: str, scopes: Sequence[str] | None) -> Any:
        """`SELECT {select} FROM articles a` over the articles `scopes` hold, once per change."""
        cache = await self._cached()
        key = (name, None if scopes is None else tuple(sorted(set(scopes))))
        if key not in cache:
            sql = Sql()
            cache[key] = await self._pool.fetchval(f"SELECT {select} FROM articles a WHERE true{sql.scopes(key[1])}", *sql.args)
        return cache[key]

    async def article_count(self, scopes: Sequence[str] | None) -> int:
        return int(await self._per_scopes("articles", "count(*)", scopes))

    async def newest_published(self, scopes: Sequence[str] | None) -> str:
        return str(await self._per_scopes("newest", "max(NULLIF(published, ''))", scopes) or "")

    async def scope_names(self) -> frozenset[str]:
        cache = await self._cached()
        if ("scopes", None) not in cache:
            rows = await self._pool.fetch("SELECT DISTINCT scope FROM articles")
            cache[("scopes", None)] = frozenset(str(r[0]) for r in rows)
        names: frozenset[str] = cache[("scopes", None)]
        return names

    async def find_articles(self, query: str, scopes: Sequence[str] | None, limit: int) -> list[StoredArticle]:
        sql = Sql()
        pattern = title_pattern(query)
        where = f"a.title ILIKE {sql.arg(pattern)}{sql.scopes(scopes)}"
        rows = await self._pool.fetch(
            f"SELECT {_ARTICLE} FROM articles a WHERE {where} ORDER BY a.title COLLATE \"C\" LIMIT {sql.arg(limit)}",
            *sql.args)
        return [_article(r) for r in rows]

    async def passages(self, article_id: int, scopes: Sequence[str] | None) -> list[Passage]:
        sql = Sql()
        where = f"p.article_id = {sql.arg(article_id)}{sql.scopes(scopes, 'p.scope')}"
        rows = await self._pool.fetch(
            f"SELECT p.id, p.article_id, p.number, p.text FROM passages p WHERE {where} ORDER BY p.number", *sql.args)
        return [Passage(int(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in rows]

    async def passages_by_id(
        self, ids: Sequence[int], scopes: Sequence[str] | None, window: Window | None = None
    ) -> dict[int, Passage]:
        if not ids:
            return {}
        sql = Sql()
        where = f"p.id = ANY({sql.arg(list(ids))}::bigint[]){sql.scopes(scopes, 'p.scope')}{sql.window(window)}"
        rows = await self._pool.fetch(
            f"SELECT p.id, p.article_id, p.number, p.text FROM passages p JOIN articles a ON a.id = p.article_id "
            f"WHERE {where}", *sql.args)
        return {int(r[0]): Passage(int(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in rows}

    async def passages_in(self, window: Window | None, scopes: Sequence[str] | None, limit: int) -> list[int] | None:
        sql = Sql()
        where = f"true{sql.scopes(scopes, 'p.scope')}{sql.window(window)}"
        rows = await self._pool.fetch(
            f"SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id WHERE {where} "
            f"LIMIT {sql.arg(limit + 1)}", *sql.args)
        return None if len(rows) > limit else [int(r[0]) for r in rows]

    async def passage_count(self) -> int:
        return int((await self._cached())[("passages", None)])

    # ---- lexical search --------------------------------------------------------------------
    async def _df(self, words: Sequence[str]) -> dict[str, int]:
        """Passages holding each index term (kept in term_df by every write; cached per generation)."""
        cache = await self._cached()
        todo = [w for w in dict.fromkeys(words) if ("df", w) not in cache]
        if todo:
            found = dict(await self._pool.fetch("SELECT term, df FROM term_df WHERE term = ANY($1::text[])", todo))
            for word in todo:
                cache[("df", word)] = int(found.get(word, 0))
        return {w: int(cache[("df", w)]) for w in words}

    async def document_counts(self, terms: Sequence[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        split = {term: tokens.query_terms([term]) for term in dict.fromkeys(terms)}
        single = await self._df([parts[0] for parts in split.values() if len(parts) == 1])
        for term, parts in split.items():
            if len(parts) == 1:
                counts[term] = single[parts[0]]
            else:  # a word the index splits ("e-mail"): passages holding all its parts
                counts[term] = int(await self._pool.fetchval(
                    "SELECT count(*) FROM (SELECT passage_id FROM passage_terms WHERE term = ANY($1::text[]) "
                    "GROUP BY passage_id HAVING count(*) = $2) hits", parts, len(parts))) if parts else 0
        return {t: counts[t] for t in terms}

    async def fulltext(
        self, terms: Sequence[str], scopes: Sequence[str] | None, limit: int, window: Window | None = None
    ) -> list[tuple[int, float]]:
        """BM25 as FTS5 computes it: idf = ln((N - n + 0.5) / (n + 0.5)) (at least 1e-6), k1 1.2, b 0.75,
        N and the mean length over every passage; returns (passage id, score), best first."""
        words = tokens.query_terms(list(terms[:32]))
        if not words:
            return []
        cache = await self._cached()
        n_all = int(cache[("passages", None)])
        mean = int(cache[("tokens", None)]) / max(n_all, 1) or 1.0
        df = {w: n for w, n in (await self._df(words)).items() if n}
        idf = {w: max(math.log((n_all - n + 0.5) / (n + 0.5)), 1e-6) for w, n in df.items()}
        if not idf:
            return []
        sql = Sql()
        q_terms, q_idf, q_mean = sql.arg(list(idf)), sql.arg(list(idf.values())), sql.arg(mean)
        where = f"true{sql.scopes(scopes, 't.scope')}"
        if window is not None:  # only then the passage's article (its date) is read
            where += f" AND EXISTS (SELECT 1 FROM passages p JOIN articles a ON a.id = p.article_id " \
                f"WHERE p.id = t.passage_id{sql.window(window)})"
        rows = await self._pool.fetch(
            f"SELECT t.passage_id, sum(q.idf * t.tf * {K1 + 1} / (t.tf + {K1} * ({1 - B} + {B} * t.tokens / "
            f"{q_mean}::float8))) AS score FROM unnest({q_terms}::text[], {q_idf}::float8[]) AS q (term, idf) "
            f"JOIN passage_terms t ON t.term = q.term WHERE {where} "
            f"GROUP BY t.passage_id ORDER BY score DESC, t.passage_id LIMIT {sql.arg(limit)}", *sql.args)
        return [(int(r[0]), float(r[1])) for r in rows]

    # ---- metadata and change tracking ------------------------------------------------------
    async def get_meta(self, key: str, default: str = "") -> str:
        value = await self._pool.fetchval("SELECT value FROM meta WHERE key = $1", key)
        return default if value is None else str(value)

    async def set_meta(self, key: str, value: str) -> None:
        await self._pool.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key, value)

    async def version(self) -> int:
        """The library's write generation: it moves when any process stores or removes an article."""
        return int(await self.get_meta("generation", "0"))
