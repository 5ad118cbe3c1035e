"""The SQLite store's wire copies (index.wire): links between stored articles that are the same story."""
from __future__ import annotations

from collections.abc import Sequence

from ..models import StoredArticle
from .sql import placeholders
from .sqlite_base import Connections

CHUNK = 500  # article ids a read asks for at once (well under SQLite's bound parameters)
_COLUMNS = "c.article_id, a.id, a.title, a.source, a.url, a.published, a.author, a.scope, " \
    "(SELECT COUNT(*) FROM passages p WHERE p.article_id = a.id), a.content_hash, a.added, a.key, a.origin, a.from_feed"


class CopyRows(Connections):
    """Links kept a row each way round, so an article's copies are one index range."""

    async def put_copies(self, article_id: int, copy_ids: Sequence[int]) -> int:
        """Link `article_id` with each of `copy_ids` both ways (skipping itself, links made, articles gone)."""
        others = [i for i in dict.fromkeys(copy_ids) if i != article_id]
        if not others:
            return 0
        made = 0
        async with self._lock:
            try:
                for other in others:
                    cursor = await self._db.execute(
                        "INSERT OR IGNORE INTO copies (article_id, copy_id) SELECT x.id, y.id FROM articles x, articles y "
                        "WHERE x.id IN (?, ?) AND y.id IN (?, ?) AND x.id != y.id", (article_id, other) * 2)
                    made += cursor.rowcount // 2
                await self._commit()
            except BaseException:
                await self._db.rollback()
                raise
        return made

    async def copies_of(self, ids: Sequence[int], scopes: Sequence[str] | None) -> dict[int, list[StoredArticle]]:
        """The copies in `scopes` of the articles among `ids` in `scopes`, CHUNK ids a query."""
        found: dict[int, list[StoredArticle]] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            sql = f"SELECT {_COLUMNS} FROM copies c CROSS JOIN articles a ON a.id = c.copy_id " \
                f"CROSS JOIN articles s ON s.id = c.article_id WHERE c.article_id IN ({placeholders(chunk)})"
            params: tuple[object, ...] = tuple(chunk)
            if scopes is not None:
                sql += f" AND a.scope IN ({placeholders(scopes)}) AND s.scope IN ({placeholders(scopes)})"
                params += (*scopes, *scopes)
            for row in await self._reader.execute_fetchall(sql + " ORDER BY c.article_id, a.id", params):
                (of, article_id, title, source, url, published, author, scope, paragraphs, content_hash, added, key,
                 origin, from_feed) = row
                found.setdefault(int(of), []).append(StoredArticle(
                    article_id, title, source, url, published, author, scope, paragraphs, content_hash, added, key,
                    origin, bool(from_feed)))
        return found
