"""Each process's FAISS index follows the library's write generation: another process's article is
picked up at the next question, while its votes, kept answers and stored sentences cost no rebuild."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from index.models import Article
from tests.conftest import settings_for

TRAMS = Article("Tram line opens", ("The new tram line opened on Monday with free rides.",), source="City")
FERRY = Article("Ferry strike ends", ("The ferry strike ended after the operator raised wages.",), source="Port")


def counting_builds(library: Library, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    original = library._built_vectors

    async def counted() -> Any:
        built.append(1)
        return await original()

    monkeypatch.setattr(library, "_built_vectors", counted)
    return built


async def only_articles_rebuild(one: Settings, two: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    async with Library(one, embedder=HashEmbedder()) as first, Library(two, embedder=HashEmbedder()) as second:
        await first.ingest_articles([TRAMS])
        builds = counting_builds(first, monkeypatch)
        await first.ingest_articles([Article("Council budget", ("The council passed its budget.",))])
        answer = await second.ask("When did the tram line open?")
        await second.record_feedback("When did the tram line open?", 1, answer.quotes, user_id="7")
        await second.keep_answer(answer)
        assert (await first.ask("When did the tram line open?")).quotes
        assert builds == []  # its own article, a vote, a kept answer, sentences: no rebuild
        await second.ingest_articles([FERRY])
        answer = await first.ask("Why did the ferry strike end?")
        assert builds == [1] and answer.quotes and "operator raised wages" in answer.quotes[0].text


async def test_on_sqlite_only_another_process_s_articles_rebuild_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = settings_for(tmp_path / "home")  # two processes on one data folder
    await only_articles_rebuild(home, home, monkeypatch)


async def test_on_postgresql_only_another_process_s_articles_rebuild_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    one = settings_for(tmp_path / "one", NEWSDESK_DATABASE_URL=postgres_url)
    two = settings_for(tmp_path / "two", NEWSDESK_DATABASE_URL=postgres_url)
    await only_articles_rebuild(one, two, monkeypatch)
