"""Standing questions (index.watch) on a library with the hash embedder: kept per guild, asked of new
articles only, each answer recorded once per question and article, and posted once."""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from index import watch
from index.embed import HashEmbedder
from index.errors import BadQuestion
from index.library import Library
from index.models import Article, guild_scope
from tests.conftest import settings_for
from tests.webfixtures import Site, site  # noqa: F401 (site is a fixture)

A, B = guild_scope(1), guild_scope(2)
QUESTION = "How many suspension cables did the engineers replace on the harbour bridge?"
BRIDGE = Article("Harbour bridge reopens", (
    "The harbour bridge reopened on Monday after two years of repairs.",
    "Engineers replaced forty-two suspension cables on the harbour bridge.",
), source="HERALD", url="https://example.org/bridge")
BAKERY = Article("Bakery wins prize", ("A village bakery won the national bread prize for its sourdough.",),
                 source="GAZETTE", url="https://example.org/bakery")


def library_in(home: Path, min_score: str = "0") -> Library:
    # the hash embedder's cosines are not the model's the confidence was learned on: threshold 0 answers
    return Library(settings_for(home, NEWSDESK_MIN_SCORE=min_score), embedder=HashEmbedder())


@pytest.fixture
async def lib(tmp_path: Path) -> AsyncIterator[Library]:
    async with library_in(tmp_path / "home") as opened:
        yield opened


async def test_standing_questions_are_kept_per_guild_and_checked_like_questions(lib: Library) -> None:
    first = await watch.add(lib, f"  {QUESTION} ", A, "100", "7", "ada")
    assert (first.question, first.scope, first.channel_id, first.user_id, first.user_name) == (QUESTION, A, "100", "7", "ada")
    await watch.add(lib, "Who won the bread prize?", B, "200", "8", "bob")
    assert [w.id for w in await watch.standing_questions(lib, (A,))] == [first.id]
    with pytest.raises(BadQuestion, match="empty"):
        await watch.add(lib, "   ", A, "100", "7", "ada")
    with pytest.raises(BadQuestion, match="limit is 500"):
        await watch.add(lib, "why " * 200, A, "100", "7", "ada")


async def test_a_guild_keeps_at_most_the_limit(lib: Library) -> None:
    for n in range(watch.MAX_PER_GUILD):
        await watch.add(lib, f"Question number {n}?", A, "100", "7", "ada")
    with pytest.raises(watch.WatchRefused, match=f"{watch.MAX_PER_GUILD} standing questions here already"):
        await watch.add(lib, "One too many?", A, "100", "7", "ada")
    await watch.add(lib, "Another guild's first?", B, "200", "8", "bob")  # the limit is per guild


async def test_only_the_author_or_a_manager_removes_and_only_in_its_guild(lib: Library) -> None:
    mine = await watch.add(lib, QUESTION, A, "100", "7", "ada")
    with pytest.raises(watch.WatchRefused, match="set by ada; only they or a manager"):
        await watch.remove(lib, mine.id, (A,), user_id="8")
    with pytest.raises(watch.WatchRefused, match=f"no standing question {mine.id} here"):
        await watch.remove(lib, mine.id, (B,), user_id=None)  # another guild's manager
    assert (await watch.remove(lib, mine.id, (A,), user_id="7")).id == mine.id
    again = await watch.add(lib, QUESTION, A, "100", "7", "ada")
    assert (await watch.remove(lib, again.id, (A,), user_id=None)).id == again.id  # a manager
    assert await watch.standing_questions(lib, None) == []


async def test_a_new_article_answers_its_guild_s_question_once(lib: Library) -> None:
    heard: list[Sequence[watch.WatchHit]] = []

    async def listener(hits: Sequence[watch.WatchHit]) -> None:
        heard.append(hits)

    lib.watch_listeners.append(listener)
    here = await watch.add(lib, QUESTION, A, "100", "7", "ada")
    await watch.add(lib, QUESTION, B, "200", "8", "bob")  # the same question in another guild
    [stored] = await lib.ingest_articles([BRIDGE], A)
    [[hit]] = heard
    assert hit.watch.id == here.id and hit.article_id == stored.article_id
    assert [q.article_id for q in hit.answer.quotes] == [stored.article_id]
    assert hit.answer.quotes[0].text in "\n\n".join(BRIDGE.paragraphs)
    assert not hit.answer.refused and hit.answer.confidence >= lib.settings.min_score

    assert await watch.matches(lib, [stored.article_id]) == []  # asked again: recorded already
    assert (await lib.ingest_articles([BRIDGE], A))[0].status == "unchanged"
    assert len(heard) == 1
    changed = Article(BRIDGE.title, (*BRIDGE.paragraphs, "Traffic returned by noon."), BRIDGE.source, BRIDGE.url)
    assert (await lib.ingest_articles([changed], A))[0].status == "replaced"
    assert len(heard) == 1  # a new version of the same article (its url) is not posted again
    assert [(d.watch.id, d.article_id) for d in await watch.due(lib)] == [(here.id, stored.article_id)]


async def test_only_the_new_articles_are_searched(lib: Library) -> None:
    await lib.ingest_articles([BRIDGE], A)  # stored before the question: never its answer
    await watch.add(lib, QUESTION, A, "100", "7", "ada")
    [bakery] = await lib.ingest_articles([BAKERY], A)
    hits = await watch.due(lib)
    assert {q.article_id for h in hits for q in h.answer.quotes} <= {bakery.article_id}


async def test_shipped_articles_answer_every_guild_and_a_guild_s_only_its_own(lib: Library) -> None:
    a = await watch.add(lib, QUESTION, A, "100", "7", "ada")
    b = await watch.add(lib, QUESTION, B, "200", "8", "bob")
    await lib.ingest_articles([BRIDGE])  # the global scope: every guild reads it
    await lib.ingest_articles([BAKERY], B)
    due = await watch.due(lib)
    assert sorted((d.watch.id, d.answer.quotes[0].title) for d in due) == sorted(
        [(a.id, BRIDGE.title), (b.id, BRIDGE.title), (b.id, BAKERY.title)])


async def test_below_the_answer_threshold_nothing_is_recorded(tmp_path: Path) -> None:
    async with library_in(tmp_path / "strict", min_score="1.01") as strict:
        await watch.add(strict, QUESTION, A, "100", "7", "ada")
        await strict.ingest_articles([BRIDGE], A)
        assert await watch.due(strict) == []


async def test_answers_are_posted_once_and_survive_reopening(tmp_path: Path) -> None:
    async with library_in(tmp_path / "home") as first:
        await watch.add(first, QUESTION, A, "100", "7", "ada")
        await first.ingest_articles([BRIDGE, BAKERY], A)
        due = await watch.due(first)
        assert len(due) >= 1
    async with library_in(tmp_path / "home") as second, library_in(tmp_path / "home") as third:
        assert [w.question for w in await watch.standing_questions(second, (A,))] == [QUESTION]
        again = await watch.due(second)
        assert [(d.watch.id, d.article) for d in again] == [(d.watch.id, d.article) for d in due]
        assert await watch.claim(second, again[0]) and not await watch.claim(third, again[0])
        assert [d.article for d in await watch.due(third)] == [d.article for d in again[1:]]


async def test_a_failing_check_never_fails_the_ingest(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    await watch.add(lib, QUESTION, A, "100", "7", "ada")

    async def broken(*args: object) -> list[watch.WatchHit]:
        raise RuntimeError("boom")

    monkeypatch.setattr(watch, "matches", broken)
    assert (await lib.ingest_articles([BRIDGE], A))[0].status == "added"


async def test_a_feed_poll_s_new_articles_are_asked_too(lib: Library, site: Site) -> None:
    from index.fetch import FetchSettings, parse_allow
    from index.webingest import add_feed, poll_feeds

    local = FetchSettings(allow_networks=parse_allow("127.0.0.1/32")[1], timeout=5)
    here = await watch.add(lib, "How many suspension cables did the engineers replace?", A, "100", "7", "ada")
    await watch.add(lib, "How many suspension cables did the engineers replace?", B, "200", "8", "bob")
    await add_feed(lib, site.url("feed.rss"), A, local)
    await poll_feeds(lib, local)
    due = await watch.due(lib)
    assert due and {d.watch.id for d in due} == {here.id}
    assert "Harbour bridge reopens after repairs" in {d.answer.quotes[0].title for d in due}
