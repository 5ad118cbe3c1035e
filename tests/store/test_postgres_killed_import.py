"""A process killed in the middle of an import into a shared PostgreSQL library loses nothing: every
article it stored is whole, the others are not there at all, another process keeps answering, and
running the import again stores the rest once (issue 13)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from tests.conftest import ROOT

ARTICLES = 600
PARAGRAPHS = 3


def write_articles(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(ARTICLES):
            paragraphs = [f"Harbour report {n}: the ferry Nordlys {n} sailed at dawn with {n + 7} passengers aboard.",
                          f"The crossing {n} took {n % 50 + 20} minutes in calm weather, the harbour master said.",
                          f"Tickets for crossing {n} cost {n % 9 + 3} euros and sold out within the hour."]
            out.write(json.dumps({"title": f"Crossing {n}", "text": "\n\n".join(paragraphs), "source": "Harbour News",
                                  "url": f"https://example.com/crossing-{n}", "published": "2024-05-01"}) + "\n")


async def ingest(url: str, home: Path, file: Path) -> asyncio.subprocess.Process:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    env = {**clean, "PYTHONPATH": str(ROOT), "NEWSDESK_HOME": str(home), "NEWSDESK_DATABASE_URL": url,
           "NEWSDESK_EMBEDDER": "hash", "NEWSDESK_ENTITIES": "lazy"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "index", "ingest", "-q", str(file), cwd=home, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def test_an_import_killed_midway_loses_nothing_and_a_rerun_stores_the_rest_once(tmp_path: Path, postgres_url: str) -> None:
    file = tmp_path / "crossings.jsonl"
    write_articles(file)
    (tmp_path / "importer").mkdir()
    settings = Settings(home=tmp_path / "reader", database_url=postgres_url, entities="lazy")
    async with Library(settings, embedder=HashEmbedder()) as reader:  # another process's library on the database
        importer = await ingest(postgres_url, tmp_path / "importer", file)
        while (stored := await reader.store.article_count(None)) < 50:
            assert importer.returncode is None, "the import ended before it could be killed"
            await asyncio.sleep(0.05)
        importer.send_signal(signal.SIGKILL)
        await importer.wait()
        killed_at = await reader.store.article_count(None)
        assert stored <= killed_at < ARTICLES  # killed in the middle
        for article in await reader.articles(None):
            assert len(await reader.passages(article.id, None)) == PARAGRAPHS  # each one whole
        answer = await reader.ask("How many passengers sailed on the ferry Nordlys 3?", None)
        assert not answer.refused and "10 passengers" in answer.quotes[0].text  # the other process answers

        again = await ingest(postgres_url, tmp_path / "importer", file)
        _, errors = await again.communicate()
        assert again.returncode == 0, errors.decode()
        assert await reader.store.article_count(None) == ARTICLES
        titles = [a.title for a in await reader.articles(None)]
        assert len(titles) == len(set(titles)) == ARTICLES  # the rest stored once, nothing twice
        late = await reader.ask(f"How many passengers sailed on the ferry Nordlys {ARTICLES - 2}?", None)
        assert not late.refused and f"{ARTICLES + 5} passengers" in late.quotes[0].text
