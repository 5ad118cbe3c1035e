"""Kept answers (what buttons refer to) and votes: round trip, expiry, one vote per person per answer."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from index import answer_log
from index.embed import HashEmbedder
from index.library import Library
from index.models import Article
from tests.conftest import SHIPPED, settings_for


async def test_a_kept_answer_comes_back_as_it_was(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the hash embedder's cosines are not the model's the confidence was learned on: no refusal here
    async with Library(settings_for(tmp_path / "home", NEWSDESK_MIN_SCORE="0"), embedder=HashEmbedder()) as library:
        await _kept_answer_round_trip(library)


async def _kept_answer_round_trip(library: Library) -> None:
    await library.ingest_paths([SHIPPED])
    answer = await library.ask("who accompanies Putin?")
    assert not answer.refused
    answer_id = await library.keep_answer(answer, "guild:5")
    kept = await library.kept_answer(answer_id)
    assert kept is not None
    again, scope = kept
    assert scope == "guild:5"
    assert again.question == answer.question and again.confidence == round(answer.confidence, 4)
    assert [(q.text, q.title, q.source, q.paragraph, q.highlights, q.also_in) for q in again.quotes] == [
        (q.text, q.title, q.source, q.paragraph, q.highlights, q.also_in) for q in answer.quotes]
    assert again.quotes and all(q.context == "" for q in again.quotes)  # kept without the paragraphs around
    assert await library.kept_answer(answer_id + 1) is None


async def test_answers_older_than_the_keep_days_are_dropped(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = await library.ask("anything at all?")
    old = await library.keep_answer(answer)
    later = datetime.now(UTC) + timedelta(days=answer_log.KEEP_DAYS + 1)
    monkeypatch.setattr(answer_log, "utc_now", lambda: later)
    new = await library.keep_answer(answer)
    assert await library.kept_answer(old) is None
    assert await library.kept_answer(new) is not None


async def test_one_vote_per_person_per_answer(library: Library) -> None:
    answer = await library.ask("anything at all?")
    answer_id = await library.keep_answer(answer)
    assert await library.record_feedback(answer.question, 1, [], user_id="7", answer_id=answer_id)
    assert await library.record_feedback(answer.question, -1, [], user_id="7", answer_id=answer_id) == 0
    assert await library.record_feedback(answer.question, -1, [], user_id="8", answer_id=answer_id)
    assert await library.record_feedback(answer.question, 1, [], user_id="7")  # no answer id: the CLI's votes
    assert await library.record_feedback(answer.question, 1, [], user_id="7")
    assert [(row["user_id"], row["vote"]) for row in await library.feedback()] == [
        ("7", 1), ("7", 1), ("8", -1), ("7", 1)]


async def test_votes_during_an_import_never_commit_half_an_article(library: Library) -> None:
    articles = [Article(f"Report {n}", tuple(f"Paragraph {p} of report {n}." for p in range(6)), origin=f"{n}.txt")
                for n in range(40)]
    answer = await library.ask("anything at all?")

    async def votes() -> None:
        for user in range(60):
            await library.record_feedback(answer.question, 1, [], user_id=str(user))
            await asyncio.sleep(0)

    async def watch() -> list[int]:
        seen = []
        for _ in range(200):
            seen.append(sum(a.paragraphs != 6 for a in await library.store.articles(None)))
            await asyncio.sleep(0)
        return seen

    _, _, partial = await asyncio.gather(library.ingest_articles(articles), votes(), watch())
    assert not any(partial)
    assert len(await library.feedback(1000)) == 60
    assert len(await library.articles()) == 40
