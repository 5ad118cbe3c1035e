"""PostgreSQL's own term index, kept as FTS5 keeps SQLite's: each passage's terms (`passage_terms`),
the passages per term (`term_df`) and the token totals BM25 reads (`meta`)."""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncpg

from . import tokens

log = logging.getLogger(__name__)
BUMP = "UPDATE meta SET value = (value::bigint + $1)::text WHERE key = $2"
RETOKENIZE_BATCH = 2_000  # passages read and re-indexed at a time


async def count_in(conn: asyncpg.Connection, passages: list[tuple[Counter[str], int]], sign: int) -> None:
    """Add (or, with sign -1, take away) passages' terms and tokens to the counts BM25 reads.
    Terms in sorted order: two writers never lock the same rows in opposite orders."""
    df = Counter(term for counts, _ in passages for term in counts)
    terms = sorted(df)
    await conn.execute(
        "INSERT INTO term_df (term, df) SELECT unnest($1::text[]), unnest($2::bigint[]) "
        "ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df",
        terms, [sign * df[t] for t in terms])
    await conn.execute(BUMP, sign * len(passages), "passages")
    await conn.execute(BUMP, sign * sum(length for _, length in passages), "tokens")


async def insert_terms(
    conn: asyncpg.Connection, ids: Sequence[int], made: Sequence[tuple[Counter[str], int]], scopes: Sequence[str]
) -> None:
    """The postings of passages `ids`: their term counts and lengths `made`, in their `scopes`."""
    terms: list[str] = []
    owners: list[int] = []
    tfs: list[int] = []
    lengths: list[int] = []
    scoped: list[str] = []
    for pid, (counts, length), scope in zip(ids, made, scopes, strict=True):
        terms += counts
        owners += [pid] * len(counts)
        tfs += counts.values()
        lengths += [length] * len(counts)
        scoped += [scope] * len(counts)
    await conn.execute(
        "INSERT INTO passage_terms (term, passage_id, tf, tokens, scope) SELECT unnest($1::text[]), "
        "unnest($2::bigint[]), unnest($3::int[]), unnest($4::int[]), unnest($5::text[])",
        terms, owners, tfs, lengths, scoped)


async def retokenize(conn: asyncpg.Connection) -> None:
    """Make every passage's terms again with `tokens` (a migration, inside its transaction), then the
    counts from them. Databases indexed with PyStemmer's Porter, which stems a few words unlike FTS5
    ("technology", "us", and every word under 3 letters), then count and rank as SQLite does, and
    removing an article takes away the terms it was stored with. The postings are copied in with
    their key, index and foreign key dropped, then made once (100k passages: 39 s, against 167 s
    row by row under them; docs/SCALING.md)."""
    await conn.execute("ALTER TABLE passage_terms DROP CONSTRAINT passage_terms_pkey")
    await conn.execute("ALTER TABLE passage_terms DROP CONSTRAINT passage_terms_passage_id_fkey")
    await conn.execute("DROP INDEX passage_terms_passage")
    await conn.execute("TRUNCATE passage_terms")
    last, done = 0, 0
    while rows := await conn.fetch(
        "SELECT id, text, scope, tokens FROM passages WHERE id > $1 ORDER BY id LIMIT $2", last, RETOKENIZE_BATCH
    ):
        made = [tokens.term_counts(str(r[1])) for r in rows]
        await conn.copy_records_to_table("passage_terms", columns=["term", "passage_id", "tf", "tokens", "scope"], records=[
            (term, r[0], tf, length, r[2]) for r, (counts, length) in zip(rows, made) for term, tf in counts.items()])
        moved = [(r[0], length) for r, (_, length) in zip(rows, made) if length != r[3]]
        if moved:  # a length changes only where the old folding split a character ("½")
            await conn.execute(
                "UPDATE passages p SET tokens = x.n FROM unnest($1::bigint[], $2::int[]) AS x(id, n) WHERE p.id = x.id",
                [m[0] for m in moved], [m[1] for m in moved])
        last, done = rows[-1][0], done + len(rows)
        log.info("re-indexed the terms of %d passages", done)
    await conn.execute("ALTER TABLE passage_terms ADD PRIMARY KEY (term, passage_id) INCLUDE (tf, tokens, scope)")
    await conn.execute("CREATE INDEX passage_terms_passage ON passage_terms (passage_id)")
    await conn.execute("ALTER TABLE passage_terms ADD CONSTRAINT passage_terms_passage_id_fkey FOREIGN KEY (passage_id) "
                       "REFERENCES passages (id) ON DELETE CASCADE")
    await conn.execute("TRUNCATE term_df")
    await conn.execute("INSERT INTO term_df (term, df) SELECT term, count(*) FROM passage_terms GROUP BY term")
    await conn.execute("UPDATE meta SET value = (SELECT coalesce(sum(tokens), 0) FROM passages)::text WHERE key = 'tokens'")
    await conn.execute(BUMP, 1, "generation")
