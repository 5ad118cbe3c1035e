"""Backup and restore of the library database with SQLite's online backup API.

A backup is one self-contained SQLite file (rollback journal, no `-wal` beside it), copied from a
consistent snapshot while other processes (the bot) keep reading and writing. The FAISS file is
not part of it: it is a cache rebuilt from the stored vectors. Restoring copies a checked backup
over the live database (again through the backup API, so open connections stay valid), gives it a
new write generation, and removes the FAISS cache so every process rebuilds it from the database.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..config import DATABASE_FILE as DB_NAME, VECTORS_FILE
from ..errors import NewsdeskError
from .schema import MIGRATIONS

log = logging.getLogger(__name__)
INDEX_NAMES = (VECTORS_FILE, VECTORS_FILE + ".json")
_REQUIRED_TABLES = {"articles", "passages", "meta"}


class BackupError(NewsdeskError):
    """A backup that cannot be made or a file that cannot be restored; the message names it."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds."""

    path: Path
    articles: int
    passages: int
    version: int


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA busy_timeout=30000")
    return db


def inspect(path: Path) -> BackupInfo:
    """Check that `path` is an intact Newsdesk database; BackupError saying why not."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = db.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise BackupError(f"{path}: the database is damaged ({check[0][0]})")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables >= _REQUIRED_TABLES:
                raise BackupError(f"{path}: not a Newsdesk database (no {', '.join(sorted(_REQUIRED_TABLES - tables))} table)")
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise BackupError(f"{path}: made by a newer Newsdesk (schema {version}, this one knows {len(MIGRATIONS)})")
            articles = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            passages = int(db.execute("SELECT COUNT(*) FROM passages").fetchone()[0])
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database ({exc})") from None
    return BackupInfo(path, articles, passages, version)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def backup(home: Path, dest: Path) -> BackupInfo:
    """Copy the database in `home` to `dest` (a file, or a folder to put `newsdesk.sqlite3` in)."""
    source = home / DB_NAME
    if not source.is_file():
        raise BackupError(f"{source}: no database to back up (nothing ingested yet?)")
    if dest.is_dir():
        dest = dest / DB_NAME
    if dest.resolve() == source.resolve():
        raise BackupError(f"{dest}: is the live database; choose another path")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    src = _connect(source)
    out = sqlite3.connect(tmp, isolation_level=None)
    try:
        src.backup(out)  # one step: a consistent snapshot, writers in WAL mode carry on
        out.execute("PRAGMA journal_mode=DELETE")
    finally:
        out.close()
        src.close()
    info = inspect(tmp)
    _fsync(tmp)
    os.replace(tmp, dest)
    log.info("backed up %s to %s: %d articles, %d passages", source, dest, info.articles, info.passages)
    return BackupInfo(dest, info.articles, info.passages, info.version)


def restore(home: Path, source: Path) -> BackupInfo:
    """Replace the database in `home` with the backup `source` and drop the FAISS cache.

    The caller then opens a Library, which migrates an older backup and rebuilds the FAISS index.
    """
    info = inspect(source)
    home.mkdir(parents=True, exist_ok=True)
    live = home / DB_NAME
    staged = home / (DB_NAME + ".restore")
    staged.unlink(missing_ok=True)
    src = _connect(source)
    stage = _connect(staged)
    try:
        src.backup(stage)
        stage.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(max(_generation(stage), _generation_of(live)) + 1),),
        )
        target = _connect(live)
        try:
            stage.backup(target)  # live connections elsewhere see the new content on their next read
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    finally:
        stage.close()
        src.close()
        staged.unlink(missing_ok=True)
    for name in INDEX_NAMES:
        (home / name).unlink(missing_ok=True)
    log.info("restored %s from %s: %d articles, %d passages", live, source, info.articles, info.passages)
    return BackupInfo(live, info.articles, info.passages, info.version)


def _generation(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def _generation_of(path: Path) -> int:
    if not path.is_file():
        return 0
    db = _connect(path)
    try:
        return _generation(db)
    except sqlite3.DatabaseError:
        return 0
    finally:
        db.close()
