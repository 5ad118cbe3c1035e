"""`newsdesk backup` / `newsdesk restore`: consistent copies while the library is in use."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from index.store.sqlite_backup import BackupError, backup, inspect, restore
from tests.conftest import ROOT
from tests.generated import question_for, write_articles


def _titles(db_path: Path) -> dict[str, int]:
    db = sqlite3.connect(db_path)
    try:
        rows = db.execute(
            "SELECT a.title, (SELECT COUNT(*) FROM passages p WHERE p.article_id = a.id) FROM articles a"
        ).fetchall()
        return dict(rows)
    finally:
        db.close()


async def _consistent(lib: Library) -> None:
    stored = {p.id for a in await lib.articles(None) for p in await lib.passages(a.id)}
    assert lib.vectors.ids() == stored


async def test_backup_while_ingesting_is_a_consistent_snapshot(tmp_path: Path, settings: Settings) -> None:
    expected = write_articles(tmp_path / "a", 120)
    async with Library(settings, embedder=HashEmbedder()) as lib:
        ingest = asyncio.create_task(lib.ingest_paths([tmp_path / "a"]))
        copies = []
        while not ingest.done():
            dest = tmp_path / f"backup-{len(copies)}.sqlite3"
            copies.append(await asyncio.to_thread(backup, settings.home, dest))
            await asyncio.sleep(0.01)
        await ingest
    assert len(copies) >= 2
    for copy in copies:
        titles = _titles(copy.path)
        assert all(expected[t] == n for t, n in titles.items()), "an article with some of its passages"
        assert inspect(copy.path).articles == len(titles)
        assert not Path(str(copy.path) + "-wal").exists()
    assert len(_titles(copies[-1].path)) <= len(expected)


async def test_restore_brings_back_the_articles_and_rebuilds_the_vector_index(tmp_path: Path, settings: Settings) -> None:
    write_articles(tmp_path / "old", 5)
    write_articles(tmp_path / "new", 5, seed=1, start=100)
    (tmp_path / "backups").mkdir()
    async with Library(settings, embedder=HashEmbedder()) as lib:
        await lib.ingest_paths([tmp_path / "old"])
        before = {a.title for a in await lib.articles()}
        kept = await lib.keep_answer(await lib.ask(question_for(3)), "guild:7")
        await lib.store.answer_posted(kept, "200", "201", "199")  # where it was posted: exports read it
        saved = await asyncio.to_thread(backup, settings.home, tmp_path / "backups")
        await lib.ingest_paths([tmp_path / "new"])
        for article in (await lib.articles())[:5]:
            await lib.forget(article.id)
    assert saved.path == tmp_path / "backups" / "newsdesk.sqlite3" and saved.articles == 5
    restore(settings.home, saved.path)
    assert not (settings.home / "vectors.faiss").exists()
    async with Library(settings, embedder=HashEmbedder()) as lib:
        assert {a.title for a in await lib.articles()} == before
        await _consistent(lib)
        answer = await lib.ask(question_for(3))
        assert not answer.refused and answer.quotes[0].title == "Generated dispatch number 3"
        [posted] = await lib.store.kept_answers(("guild:7",), 10, channel_id="200")
        assert (posted.id, posted.message_id, posted.question_message_id) == (kept, "201", "199")


async def test_the_links_between_wire_copies_are_backed_up_and_restored(tmp_path: Path, settings: Settings) -> None:
    from tests.index.test_wire import AP, REUTERS

    async with Library(settings, embedder=HashEmbedder()) as lib:
        ap, reuters = await lib.ingest_articles([AP, REUTERS])
        saved = await asyncio.to_thread(backup, settings.home, tmp_path / "backup.sqlite3")
        await lib.forget(reuters.article_id)
        assert await lib.copies([ap.article_id]) == {}
    restore(settings.home, saved.path)
    async with Library(settings, embedder=HashEmbedder()) as lib:
        assert [a.source for a in (await lib.copies([ap.article_id]))[ap.article_id]] == ["Reuters"]


async def test_restore_while_a_library_is_open_is_seen_by_it(tmp_path: Path, settings: Settings) -> None:
    """The bot keeps running: after a restore it answers from the restored articles."""
    write_articles(tmp_path / "old", 3)
    write_articles(tmp_path / "new", 3, seed=1, start=50)
    async with Library(settings, embedder=HashEmbedder()) as bot:
        await bot.ingest_paths([tmp_path / "old"])
        saved = await asyncio.to_thread(backup, settings.home, tmp_path / "b.sqlite3")
        for article in await bot.articles():
            await bot.forget(article.id)
        await bot.ingest_paths([tmp_path / "new"])
        await asyncio.to_thread(restore, settings.home, saved.path)
        assert [a.title for a in await bot.articles()] == [f"Generated dispatch number {i}" for i in range(3)]
        answer = await bot.ask(question_for(1))
        assert not answer.refused and answer.quotes[0].title == "Generated dispatch number 1"
        await _consistent(bot)
        await bot.ingest_paths([tmp_path / "new"])  # writing after a restore keeps both stores equal
        await _consistent(bot)
    async with Library(settings, embedder=HashEmbedder()) as again:
        assert len(await again.articles()) == 6
        await _consistent(again)


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200])
async def test_restoring_a_file_that_is_not_a_backup_changes_nothing(tmp_path: Path, settings: Settings, content: bytes) -> None:
    write_articles(tmp_path / "a", 2)
    async with Library(settings, embedder=HashEmbedder()) as lib:
        await lib.ingest_paths([tmp_path / "a"])
    before = (settings.home / "newsdesk.sqlite3").read_bytes()
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(content)
    with pytest.raises(BackupError, match="bogus.sqlite3"):
        restore(settings.home, bogus)
    with pytest.raises(BackupError, match="no such file"):
        restore(settings.home, tmp_path / "missing.sqlite3")
    assert (settings.home / "newsdesk.sqlite3").read_bytes() == before
    assert (settings.home / "vectors.faiss").exists()


def test_restore_refuses_a_foreign_sqlite_database(tmp_path: Path, settings: Settings) -> None:
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (x)")
    db.commit()
    db.close()
    with pytest.raises(BackupError, match="not a Newsdesk database"):
        restore(settings.home, other)
    assert not (settings.home / "newsdesk.sqlite3").exists()


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "index", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_articles(tmp_path / "a", 4)
    assert _cli(home, "ingest", "-q", str(tmp_path / "a")).returncode == 0
    made = _cli(home, "backup", str(tmp_path / "copy.sqlite3"))
    assert made.returncode == 0, made.stderr
    assert "backed up 4 articles" in made.stderr and made.stdout == ""
    assert _cli(home, "forget", "1").returncode == 0
    back = _cli(home, "restore", str(tmp_path / "copy.sqlite3"))
    assert back.returncode == 0, back.stderr
    assert "restored 4 articles" in back.stderr
    assert (home / "vectors.faiss").exists()
    assert len(_cli(home, "articles").stdout.splitlines()) == 4
    bad = _cli(home, "restore", str(tmp_path / "nope.sqlite3"))
    assert bad.returncode == 2 and "error:" in bad.stderr and "no such file" in bad.stderr
    assert "Traceback" not in bad.stderr


async def test_writes_by_another_process_reach_an_open_library(tmp_path: Path, settings: Settings) -> None:
    """`newsdesk ingest` while the bot runs: the bot answers from the new articles and never
    saves a FAISS file stamped with a generation it does not hold."""
    write_articles(tmp_path / "a", 3)
    write_articles(tmp_path / "b", 3, seed=2, start=10)
    async with Library(settings, embedder=HashEmbedder()) as bot:
        await bot.ingest_paths([tmp_path / "a"])
        async with Library(settings, embedder=HashEmbedder()) as other:
            await other.ingest_paths([tmp_path / "b"])
            await other.forget(1)
        answer = await bot.ask(question_for(11, seed=2))
        assert not answer.refused and answer.quotes[0].title == "Generated dispatch number 11"
        await _consistent(bot)
        await bot.forget(2)  # saves the FAISS file
    stamp_before = (settings.home / "vectors.faiss.json").read_text()
    async with Library(settings, embedder=HashEmbedder()) as again:
        await _consistent(again)
        assert len(await again.articles()) == 4
    assert (settings.home / "vectors.faiss.json").read_text() == stamp_before, "the saved index was rebuilt"
