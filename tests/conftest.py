"""Shared fixtures: a library on tmp_path with the hash embedder, the shipped article, the real model."""
from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

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
