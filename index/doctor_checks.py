"""What a `newsdesk doctor` check reports, and the read-only way checks open the database."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Check:
    """One finding: `level` is ok, warn or fail; `fix` says what to do when it is not ok."""

    name: str
    level: str
    detail: str
    fix: str = ""


def ok(name: str, detail: str) -> Check:
    return Check(name, "ok", detail)


def warn(name: str, detail: str, fix: str = "") -> Check:
    return Check(name, "warn", detail, fix)


def fail(name: str, detail: str, fix: str) -> Check:
    return Check(name, "fail", detail, fix)


def connect_ro(path: Path) -> closing[sqlite3.Connection]:
    """Open read-only (closed on leaving the `with`): doctor never changes the database."""
    return closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
