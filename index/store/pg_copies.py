"""The PostgreSQL store's wire copies (index.wire): links between stored articles that are the same story."""
from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from ..models import StoredArticle
from .pg_sql import Sql

_COLUMNS = "c.article_id, a.id, a.title, a.source, a.url, a.published, a.author, a.scope, " \
    "(SELECT count(*) FROM passages p WHERE p.article_id = a.id), a.content_hash, a.added, a.key, a.origin, a.from_feed"


class CopyRows:
    """Links kept a row each way round, so an article's copies are one index range."""

    _pool: asyncpg.Pool

    async def put_copies(self, article_id: int, copy_ids: Sequence[int]) -> int:
        others = [i for i in dict.fromkeys(copy_ids) if i != article_id]
        if not others:
            return 0
        status = await self._pool.execute(
            "INSERT INTO copies (article_id, copy_id) SELECT x.id, y.id FROM articles x, articles y "
            "WHERE x.id = ANY($1::bigint[]) AND y.id = ANY($1::bigint[]) AND x.id <> y.id "
            "AND $2 IN (x.id, y.id) ORDER BY x.id, y.id ON CONFLICT DO NOTHING", [article_id, *others], article_id)
        return int(status.rsplit(" ", 1)[-1]) // 2

    async def copies_of(self, ids: Sequence[int], scopes: Sequence[str] | None) -> dict[int, list[StoredArticle]]:
        sql = Sql()
        where = f"c.article_id = ANY({sql.arg(list(dict.fromkeys(ids)))}::bigint[])" \
            f"{sql.scopes(scopes, 'a.scope')}{sql.scopes(scopes, 's.scope')}"
        rows = await self._pool.fetch(
            f"SELECT {_COLUMNS} FROM copies c JOIN articles a ON a.id = c.copy_id JOIN articles s ON s.id = c.article_id "
            f"WHERE {where} ORDER BY c.article_id, a.id", *sql.args)
        found: dict[int, list[StoredArticle]] = {}
        for r in rows:
            found.setdefault(int(r[0]), []).append(StoredArticle(
                int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), str(r[7]), int(r[8]), str(r[9]),
                str(r[10]), str(r[11]), str(r[12]), bool(r[13])))
        return found
