"""`newsdesk doctor` on a PostgreSQL library: the server answers, the schema is one this version
knows, how many passages it holds, and whether `newsdesk backup` finds the server's tools.
Read-only; blocking (run from doctor's thread)."""
from __future__ import annotations

import asyncio

from ..config import without_password
from ..store.pg_schema import MIGRATIONS
from .results import Check, fail, ok, warn

NAME = "database"
RETOKENIZED = 7  # the migration that makes every passage's terms again (index.store.pg_terms.retokenize)
RETOKENIZE_RATE = 2_500  # passages a second it managed here (docs/SCALING.md: 100k in 39 s)


async def _look(url: str) -> tuple[int, int]:
    import asyncpg

    conn = await asyncio.wait_for(asyncpg.connect(url), 10)
    try:
        known = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
        version = int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version") or 0) if known else 0
        passages = int(await conn.fetchval("SELECT count(*) FROM passages")) if version else 0
        return version, passages
    finally:
        await conn.close()


def check_postgres(url: str) -> Check:
    """The PostgreSQL server at NEWSDESK_DATABASE_URL is reachable and its schema known."""
    shown = without_password(url)
    try:
        version, passages = asyncio.run(_look(url))
    except ImportError:
        return fail(NAME, "NEWSDESK_DATABASE_URL is set but asyncpg is not installed",
                    "pip install -c constraints.txt -e '.[postgres]'")
    except Exception as exc:  # refused, unknown host, bad password, timeout: all say the same to the operator
        return fail(NAME, f"cannot reach PostgreSQL at {shown}: {exc or type(exc).__name__}",
                    "start the server, or correct NEWSDESK_DATABASE_URL (user, password, host, database)")
    if version > len(MIGRATIONS):
        return fail(NAME, f"{shown} has schema version {version}, newer than this newsdesk ({len(MIGRATIONS)})",
                    "upgrade newsdesk to the version that wrote it")
    if version == 0:
        return ok(NAME, f"PostgreSQL at {shown} is reachable; the schema is made at first start")
    note = "" if version == len(MIGRATIONS) else f"; schema {version} is migrated to {len(MIGRATIONS)} at next start"
    if version < RETOKENIZED:
        note += f", re-indexing the terms of every passage (about {passages // RETOKENIZE_RATE + 1} s here)"
    return ok(NAME, f"PostgreSQL at {shown}: schema {version}, {passages:,} passages{note}")


def check_backup_tools(url: str, pg_bin: str) -> Check:
    """`newsdesk backup`/`restore` find pg_dump, pg_restore and psql of the server's version or newer."""
    from ..store.pg_backup import tools_for
    from ..store.sqlite_backup import BackupError

    try:
        folder = asyncio.run(tools_for(url, pg_bin))
    except ImportError:
        return warn("backup", "cannot check the backup tools without asyncpg", "pip install -c constraints.txt -e '.[postgres]'")
    except BackupError as exc:
        if str(exc).startswith("cannot reach"):
            return warn("backup", "cannot check the backup tools: the server does not answer")
        return warn("backup", f"`newsdesk backup` cannot run: {exc}",
                    "install the PostgreSQL client tools of the server's version, or set NEWSDESK_PG_BIN")
    return ok("backup", f"`newsdesk backup` uses pg_dump, pg_restore and psql in {folder}")
