"""A library copied between stores (SQLite to PostgreSQL and back) answers as before, without re-embedding."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.embed import HashEmbedder
from index.errors import NewsdeskError
from index.library import Library
from index.models import Article, FeedItemRecord, StandingQuestion
from index.readers import partition, read_path
from index.store import SQLiteStore
from index.store.copy import copy_library
from index.store.postgres import PostgresStore
from tests.conftest import ROOT, SHIPPED, settings_for

QUESTION = "Belousov, Lavrov and Novak will accompany Putin on the trip"
ZEBRAS = Article("Zebra migration report", ("The zebra migration crossed the Mara river in August.",), source="Park")
FEED_TEXT_ARTICLE = Article("Lions return", ("Lions were seen again in the northern valley this week, rangers said.",),
                            source="Park", url="https://example.org/lions", from_feed=True)


async def stocked(home: Path) -> None:
    async with Library(settings_for(home), embedder=HashEmbedder()) as lib:
        await lib.ingest_articles(partition(read_path(SHIPPED))[0])
        [zebra] = await lib.ingest_articles([ZEBRAS], "guild:7")
        answer = await lib.ask(QUESTION)
        kept = await lib.keep_answer(answer, "guild:7")
        await lib.store.answer_posted(kept, "300", "301", "299")
        await lib.record_feedback(QUESTION, 1, answer.quotes, user_id="42", scope="guild:7", answer_id=kept)
        feed = await lib.store.add_feed("https://example.org/rss", "guild:7", "Example", "2023-06-01T00:00:00",
                                        announce_channel=1_234_567_890_123_456_789)
        await lib.store.record_feed_item(feed.id, FeedItemRecord("g1", "https://example.org/z", zebra.article_id,
                                                                 "added", ""), "2023-06-01T00:00:00")
        [teaser] = await lib.ingest_articles([FEED_TEXT_ARTICLE], "guild:7")
        await lib.store.record_feed_item(feed.id, FeedItemRecord("g2", FEED_TEXT_ARTICLE.url, teaser.article_id,
                                                                 "feed text", "HTTP status 403", 2), "2023-06-02T00:00:00")
        await lib.store.add_watch(StandingQuestion(0, "guild:7", "500", "42", "ada", "Where did the zebras cross?",
                                                   "2023-06-01T00:00:00"), 25)


async def answers(lib: Library) -> list[tuple[int, str]]:
    found = []
    for question, scopes in ((QUESTION, ("",)), ("When did the zebra migration cross the river?", ("", "guild:7"))):
        found += [(q.paragraph, q.text) for q in (await lib.ask(question, scopes=scopes)).quotes]
    return found


async def test_a_library_copied_to_postgresql_and_back_answers_the_same(tmp_path: Path, postgres_url: str) -> None:
    await stocked(tmp_path / "sqlite")
    async with Library(settings_for(tmp_path / "sqlite"), embedder=HashEmbedder()) as lib:
        before, votes = await answers(lib), await lib.feedback()
    dim = HashEmbedder().dim
    source = await SQLiteStore.open(tmp_path / "sqlite" / "newsdesk.sqlite3")
    target = await PostgresStore.open(postgres_url)
    copied = await copy_library(source, target, dim)
    assert (copied.articles, copied.feeds, copied.votes, copied.watches, copied.answers) == (3, 1, 1, 1, 1)
    [answer] = await target.kept_answers(None, 10)  # with its id (old buttons carry it) and where it was posted
    assert answer == (await source.kept_answers(None, 10))[0] and answer.message_id == "301"
    assert [v["answer_id"] for v in await target.votes(10, None)] == [answer.id]  # the vote stays linked
    [kept] = await target.watches(("guild:7",))
    assert (kept.question, kept.channel_id, kept.user_id, kept.user_name) == ("Where did the zebras cross?", "500", "42", "ada")
    with pytest.raises(NewsdeskError, match="already holds 3 articles"):
        await copy_library(source, target, dim)
    [feed] = await target.feeds(("guild:7",))
    item, teaser_item = sorted(await target.feed_items(feed.id), key=lambda i: i.guid)
    zebra, teaser = await target.articles(("guild:7",))
    assert item.article_id == zebra.id and feed.title == "Example"
    assert (teaser.from_feed, zebra.from_feed) == (True, False)  # text from a feed stays marked
    assert (teaser_item.status, teaser_item.tries, teaser_item.article_id) == ("feed text", 2, teaser.id)
    assert teaser_item.seen == "2023-06-02T00:00:00"  # when its page was last tried
    assert feed.announce_channel == 1_234_567_890_123_456_789  # where its articles are announced comes along
    back = await SQLiteStore.open(tmp_path / "back" / "newsdesk.sqlite3")
    await copy_library(target, back, dim)
    assert [f.announce_channel for f in await back.feeds(None)] == [1_234_567_890_123_456_789]
    assert await back.kept_answers(None, 10) == [answer]
    for store in (source, target, back):
        await store.close()
    for settings in (settings_for(tmp_path / "pg", NEWSDESK_DATABASE_URL=postgres_url), settings_for(tmp_path / "back")):
        async with Library(settings, embedder=HashEmbedder()) as lib:
            assert await answers(lib) == before
            assert [(v["question"], v["vote"], v["scope"]) for v in await lib.feedback()] == [
                (v["question"], v["vote"], v["scope"]) for v in votes]


def test_newsdesk_migrate_copies_into_postgresql(tmp_path: Path, postgres_url: str) -> None:
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_EMBEDDER": "hash", "PYTHONPATH": str(ROOT)}
    env.pop("NEWSDESK_DATABASE_URL", None)

    def newsdesk(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "index", *args], capture_output=True, text=True,
                              env={**env, **extra}, cwd=tmp_path, timeout=300)

    assert newsdesk("ingest", "--quiet", str(SHIPPED)).returncode == 0
    run = newsdesk("migrate", "--to", postgres_url)
    assert run.returncode == 0, run.stderr
    assert "copied 1 articles" in run.stdout and "NEWSDESK_DATABASE_URL" in run.stdout
    asked = newsdesk("ask", QUESTION, NEWSDESK_DATABASE_URL=postgres_url, NEWSDESK_HOME=str(tmp_path / "other"))
    assert "Belousov" in asked.stdout and "ALJAZEERA" in asked.stdout


async def test_the_links_between_wire_copies_are_copied(tmp_path: Path) -> None:
    from tests.index.test_wire import AP, OTHER_STORY, REUTERS

    async with Library(settings_for(tmp_path / "from"), embedder=HashEmbedder()) as lib:
        await lib.ingest_articles([OTHER_STORY, AP, REUTERS])
    source = await SQLiteStore.open(tmp_path / "from" / "newsdesk.sqlite3")
    target = await SQLiteStore.open(tmp_path / "to" / "newsdesk.sqlite3")
    try:
        copied = await copy_library(source, target, HashEmbedder().dim)
        assert (copied.articles, copied.copies) == (3, 1)
        by_source = {a.source: a.id for a in await target.articles(None)}
        found = await target.copies_of(list(by_source.values()), None)
        assert {k: [a.source for a in v] for k, v in found.items()} == {
            by_source["AP"]: ["Reuters"], by_source["Reuters"]: ["AP"]}
    finally:
        await source.close()
        await target.close()
