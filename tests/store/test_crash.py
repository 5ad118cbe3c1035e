"""SIGKILL the real `python -m index ingest` at random moments; nothing is lost or half-stored.

After every kill: the database passes `PRAGMA integrity_check` and the FTS5 integrity check, a
FAISS file whose stamp the library would trust holds exactly SQLite's passage ids, no article
has only some of its passages (or a mix of two versions), and re-opening the Library gives
FAISS ids == SQLite passage ids. Finally the import is re-run to completion without duplicates.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.embed import HashEmbedder
from index.library import Library
from index.readers import plaintext
from index.vectors import FaissStore
from tests.conftest import ROOT, settings_for
from tests.generated import write_articles

ARTICLES = 300
KILLS = int(os.environ.get("NEWSDESK_CRASH_KILLS", "10"))


def _ingest(home: Path, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "index", "ingest", "-q", str(folder)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _versions(folders: list[Path]) -> dict[str, set[tuple[str, ...]]]:
    """Every acceptable stored form of each article: title -> {paragraphs of each version}."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            article = plaintext.parse(path.read_text(encoding="utf-8"), str(path))
            out.setdefault(article.title, set()).add(article.paragraphs)
    return out


def check_database(home: Path, versions: dict[str, set[tuple[str, ...]]]) -> int:
    """Integrity, whole articles, no duplicates, a trusted FAISS file equal to SQLite; returns articles."""
    db = sqlite3.connect(home / "newsdesk.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.execute("INSERT INTO passages_fts (passages_fts) VALUES ('integrity-check')")
        titles = [r[0] for r in db.execute("SELECT title FROM articles")]
        assert len(titles) == len(set(titles)), "an article stored twice"
        stored: dict[str, tuple[str, ...]] = {}
        for article_id, title in db.execute("SELECT id, title FROM articles"):
            rows = db.execute("SELECT number, text FROM passages WHERE article_id = ? ORDER BY number", (article_id,))
            numbers, texts = zip(*rows.fetchall())
            assert list(numbers) == list(range(1, len(numbers) + 1))
            stored[title] = tuple(texts)
        for title, paragraphs in stored.items():
            assert paragraphs in versions[title], f"{title!r} is stored with a partial or mixed set of passages"
        orphans = db.execute("SELECT COUNT(*) FROM passages WHERE article_id NOT IN (SELECT id FROM articles)")
        assert orphans.fetchone()[0] == 0
        ids = {r[0] for r in db.execute("SELECT id FROM passages")}
        generation = (db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone() or ("0",))[0]
    finally:
        db.close()
    embedder = HashEmbedder()
    trusted = FaissStore.load(home / "vectors.faiss", {"embedder": embedder.name, "dim": embedder.dim, "generation": generation})
    if trusted is not None and len(trusted) == len(ids):  # what Library would load without rebuilding
        assert trusted.ids() == ids, "a FAISS file stamped as current holds other passages"
    return len(stored)


async def _library_consistent(home: Path) -> None:
    async with Library(settings_for(home), embedder=HashEmbedder()) as lib:
        stored = {p.id for a in await lib.articles(None) for p in await lib.passages(a.id)}
        assert lib.vectors.ids() == stored
        assert len(lib.vectors) == len(stored)


def _in_version(home: Path, folder_versions: dict[str, tuple[str, ...]]) -> int:
    """How many of a folder's articles are stored exactly as that folder has them."""
    db = sqlite3.connect(home / "newsdesk.sqlite3")
    try:
        count = 0
        for article_id, title in db.execute("SELECT id, title FROM articles"):
            texts = tuple(r[0] for r in db.execute(
                "SELECT text FROM passages WHERE article_id = ? ORDER BY number", (article_id,)))
            count += folder_versions.get(title) == texts
        return count
    finally:
        db.close()


def _finish(home: Path, folder: Path) -> str:
    proc = _ingest(home, folder)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return err


def _generation(home: Path) -> str | None:
    """The database's write generation; None while it has no tables yet."""
    path = home / "newsdesk.sqlite3"
    if not path.exists():
        return None
    db = sqlite3.connect(path, timeout=10)
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] == 0:
            return None
        row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else "0"
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _wait_for_writes(home: Path, before: str | None, proc: subprocess.Popen[str], limit: float = 60.0) -> None:
    """Block until the import has committed something (or ended), whatever the machine's load."""
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        now = _generation(home)
        if now is not None and now != before:
            return
        time.sleep(0.02)


def _single(folder: Path) -> dict[str, tuple[str, ...]]:
    return {title: next(iter(v)) for title, v in _versions([folder]).items()}


async def _crash_run(tmp_path: Path, kills: int, seed: int) -> int:
    """Kill imports that alternate between two versions of 100 of the articles (always work to do)."""
    rng = random.Random(seed)
    home, first, second = tmp_path / "home", tmp_path / "v1", tmp_path / "v2"
    write_articles(first, ARTICLES)
    write_articles(second, ARTICLES // 3, seed=1)  # same urls and titles, new text: replacements
    versions = _versions([first, second])
    wanted = {first: _single(first), second: _single(second)}
    interrupted = 0
    for number in range(kills):
        folder = (first, second)[number % 2]
        before = _generation(home)
        proc = _ingest(home, folder)
        _wait_for_writes(home, before, proc)
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        if _generation(home) is None:
            continue  # killed before the database had its tables: nothing stored
        check_database(home, versions)
        await _library_consistent(home)
        done = _in_version(home, wanted[folder])
        interrupted += 0 < done < len(wanted[folder]) and proc.returncode == -signal.SIGKILL
    print(f"\ncrash: {kills} SIGKILLs, {interrupted} of them left an import partly done; all checks passed")

    for folder in (first, second):
        _finish(home, folder)
        assert check_database(home, versions) == ARTICLES
        assert _in_version(home, wanted[folder]) == len(wanted[folder])
        assert _finish(home, folder) == ""  # a re-run finds everything unchanged (-q prints nothing)
    await _library_consistent(home)
    async with Library(settings_for(home), embedder=HashEmbedder()) as lib:
        assert len(await lib.articles()) == ARTICLES
    return interrupted


async def test_sigkill_during_ingest_loses_nothing(tmp_path: Path) -> None:
    assert await _crash_run(tmp_path, KILLS, seed=7) >= 1, "no kill landed inside an import"


@pytest.mark.slow
async def test_sigkill_during_ingest_many_times(tmp_path: Path) -> None:
    assert await _crash_run(tmp_path, 60, seed=int(os.environ.get("NEWSDESK_CRASH_SEED", "11"))) >= 10


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other-dimension", "stale-count", "no-stamp"])
async def test_a_damaged_faiss_file_is_detected_logged_and_rebuilt(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "home"
    write_articles(tmp_path / "a", 5)
    async with Library(settings_for(home), embedder=HashEmbedder()) as lib:
        await lib.ingest_paths([tmp_path / "a"])
        expected = lib.vectors.ids()
    index, stamp = home / "vectors.faiss", home / "vectors.faiss.json"
    if damage == "garbage":
        index.write_bytes(random.Random(1).randbytes(index.stat().st_size))
    elif damage == "truncated":
        index.write_bytes(index.read_bytes()[: index.stat().st_size // 2])
    elif damage == "empty":
        index.write_bytes(b"")
    elif damage == "other-dimension":
        FaissStore(32).save(index, {"embedder": HashEmbedder().name, "generation": "999"})
        stamp.write_text(stamp.read_text().replace('"dim": 32', '"dim": 64'))
    elif damage == "stale-count":
        stamp.write_text(stamp.read_text().replace('"count": ', '"count": 1'))
    else:
        stamp.unlink()
    caplog.set_level("INFO", logger="index")
    async with Library(settings_for(home), embedder=HashEmbedder()) as lib:
        assert lib.vectors.ids() == expected
    assert any("rebuild" in r.getMessage() or "building it" in r.getMessage() for r in caplog.records)
    assert check_database(home, _versions([tmp_path / "a"])) == 5
