"""The Library on real SQLite and FAISS in tmp_path, with the deterministic hash embedder."""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.config import Settings
from index.embed import HashEmbedder
from index.errors import BadQuestion
from index.library import Library
from index.models import GLOBAL_SCOPE, Article
from tests.conftest import SHIPPED

HARBOUR = Article(
    title="Harbour reopens",
    paragraphs=("The harbour reopened on Monday after the storm.", "Fishing boats returned at dawn with crab."),
    source="Coast Times",
    origin="harbour.txt",
)


def sqlite_passage_ids(home: Path) -> set[int]:
    with sqlite3.connect(home / "newsdesk.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT id FROM passages")}


async def test_ingest_then_unchanged_then_replaced(library: Library) -> None:
    [added] = await library.ingest_paths([SHIPPED])
    assert (added.status, added.passages) == ("added", 25)
    [again] = await library.ingest_paths([SHIPPED])
    assert (again.status, again.article_id) == ("unchanged", added.article_id)
    changed = Article(**{**HARBOUR.__dict__, "paragraphs": HARBOUR.paragraphs[:1]})
    await library.ingest_articles([HARBOUR])
    [replaced] = await library.ingest_articles([changed])
    assert replaced.status == "replaced"
    titles = [(a.title, a.paragraphs) for a in await library.articles()]
    assert titles == [("Putin's Visit to North Korea After 24 Years", 25), ("Harbour reopens", 1)]


async def test_faiss_and_sqlite_hold_the_same_passages_after_every_operation(library: Library, settings: Settings) -> None:
    await library.ingest_paths([SHIPPED])
    await library.ingest_articles([HARBOUR])
    assert library.vectors.ids() == sqlite_passage_ids(settings.home)
    harbour = (await library.find_articles("harbour"))[0]
    assert await library.forget(harbour.id)
    assert library.vectors.ids() == sqlite_passage_ids(settings.home)
    assert len(library.vectors) == 25
    assert await library.passages(harbour.id) == []
    assert not await library.forget(harbour.id)


async def test_forget_removes_the_article_from_answers(library: Library) -> None:
    [result] = await library.ingest_articles([HARBOUR])
    assert not (await library.ask("when did the harbour reopen?")).refused
    await library.forget(result.article_id)
    answer = await library.ask("when did the harbour reopen?")
    assert answer.refused and answer.quotes == []


@pytest.mark.parametrize("damage", ["missing", "truncated", "other-model"])
async def test_vector_index_is_rebuilt_from_sqlite_at_start(settings: Settings, damage: str) -> None:
    async with Library(settings, embedder=HashEmbedder()) as lib:
        await lib.ingest_paths([SHIPPED])
        expected = lib.vectors.ids()
    index = settings.home / "vectors.faiss"
    if damage == "missing":
        index.unlink()
    elif damage == "truncated":
        index.write_bytes(index.read_bytes()[:100])
    else:
        stamp = index.with_name("vectors.faiss.json")
        stamp.write_text(stamp.read_text().replace("hash-64", "another-model"))
    async with Library(settings, embedder=HashEmbedder()) as lib:
        assert lib.vectors.ids() == expected
        answer = await lib.ask("Belousov Lavrov Novak accompany Putin")
        assert "Belousov" in answer.quotes[0].text


async def test_changing_the_embedder_re_embeds_stored_passages(settings: Settings) -> None:
    async with Library(settings, embedder=HashEmbedder(64)) as lib:
        await lib.ingest_paths([SHIPPED])
    async with Library(settings, embedder=HashEmbedder(32)) as lib:
        assert lib.vectors.dim == 32 and len(lib.vectors) == 25
        sentence = "Russian Defense Minister Andrei Belousov, Foreign Minister Sergey Lavrov"
        assert "Belousov" in (await lib.ask(sentence)).quotes[0].text


async def test_quotes_are_verbatim_with_attribution(library: Library) -> None:
    await library.ingest_paths([SHIPPED])
    answer = await library.ask("Which ministers will accompany Putin, Belousov and Lavrov?")
    quote = answer.quotes[0]
    stored = "\n\n".join(p.text for p in await library.passages(quote.article_id))
    assert quote.text in stored and quote.text in quote.context
    assert quote.context[quote.offset : quote.offset + len(quote.text)] == quote.text
    assert (quote.title, quote.source, quote.paragraph) == ("Putin's Visit to North Korea After 24 Years", "ALJAZEERA", 23)
    start, end = quote.highlights[0]
    assert "Belousov" in quote.text[start:end]


async def test_guild_articles_stay_in_their_guild(library: Library) -> None:
    await library.ingest_paths([SHIPPED])
    await library.ingest_articles([HARBOUR], scope="guild:1")
    in_guild = await library.ask("harbour reopened Monday storm", scopes=(GLOBAL_SCOPE, "guild:1"))
    assert in_guild.quotes[0].title == "Harbour reopens"
    elsewhere = await library.ask("harbour reopened Monday storm", scopes=(GLOBAL_SCOPE, "guild:2"))
    assert all(q.title != "Harbour reopens" for q in elsewhere.quotes)
    assert "Harbour reopens" not in elsewhere.suggestions
    assert [a.title for a in await library.articles((GLOBAL_SCOPE, "guild:2"))] == [
        "Putin's Visit to North Korea After 24 Years"]
    assert await library.find_articles("harbour", (GLOBAL_SCOPE, "guild:2")) == []
    harbour = (await library.find_articles("harbour", (GLOBAL_SCOPE, "guild:1")))[0]
    assert not await library.forget(harbour.id, scope="guild:2")
    assert await library.forget(harbour.id, scope="guild:1")


async def test_a_guild_sees_nothing_of_another_guilds_first_article(library: Library) -> None:
    """While every article is global a guild's question needs no scope check; one ingest later it does."""
    await library.ingest_paths([SHIPPED])
    before = await library.ask("harbour reopened Monday storm", scopes=(GLOBAL_SCOPE, "guild:2"))
    assert all(q.title != "Harbour reopens" for q in before.quotes)
    await library.ingest_articles([HARBOUR], scope="guild:1")
    assert await library.store.scope_names() == {GLOBAL_SCOPE, "guild:1"}
    after = await library.ask("harbour reopened Monday storm", scopes=(GLOBAL_SCOPE, "guild:2"))
    assert all(q.title != "Harbour reopens" for q in after.quotes)
    assert (await library.ask("harbour reopened Monday storm", scopes=(GLOBAL_SCOPE, "guild:1"))).quotes[0].title == "Harbour reopens"
    await library.forget((await library.find_articles("harbour", ("guild:1",)))[0].id, scope="guild:1")
    assert await library.store.scope_names() == {GLOBAL_SCOPE}


@pytest.mark.parametrize("question", ["", "   \n\t "])
async def test_empty_question_is_refused_with_a_reason(library: Library, question: str) -> None:
    with pytest.raises(BadQuestion, match="empty"):
        await library.ask(question)


async def test_overlong_question_names_the_cap(library: Library) -> None:
    with pytest.raises(BadQuestion, match="limit is 500"):
        await library.ask("why " * 300)


@pytest.mark.parametrize("question", ['" OR 1=1 --', "NEAR(", 'unbalanced "quote', "😀😀", "<@123> @everyone **bold**"])
async def test_query_syntax_in_questions_is_just_text(library: Library, question: str) -> None:
    await library.ingest_paths([SHIPPED])
    answer = await library.ask(question)
    assert answer.question == question.strip()


async def test_date_range_filter(library: Library) -> None:
    dated = Article(**{**HARBOUR.__dict__, "published": "2024-05-02"})
    await library.ingest_articles([dated])
    assert not (await library.ask("harbour reopened Monday", since="2024-05-01", until="2024-05-31")).refused
    assert (await library.ask("harbour reopened Monday", since="2024-06-01")).refused


async def test_feedback_is_stored_with_question_and_quotes(library: Library) -> None:
    await library.ingest_articles([HARBOUR], scope="guild:1")
    answer = await library.ask("harbour reopened Monday", scopes=("guild:1",))
    await library.record_feedback(answer.question, 1, answer.quotes, scope="guild:1", user_id="42")
    [row] = await library.feedback()
    assert (row["question"], row["vote"], row["scope"], row["user_id"]) == ("harbour reopened Monday", 1, "guild:1", "42")
    assert row["quotes"][0]["text"] == answer.quotes[0].text
    assert await library.feedback(scopes=("guild:2",)) == []
    with pytest.raises(ValueError, match="vote must be"):
        await library.record_feedback("q", 5, [])


async def test_a_bad_line_in_a_bulk_file_is_rejected_and_the_rest_stored(library: Library, tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.jsonl"
    bulk.write_text(
        '{"title": "Harbour reopens", "text": "The harbour reopened on Monday."}\n'
        "not json at all\n"
        '{"title": "Bridge closes", "text": "The old bridge closed for repairs."}\n'
    )
    results = await library.ingest_paths([bulk])
    assert [r.status for r in results] == ["rejected", "added", "added"]
    assert results[0].origin.endswith("bulk.jsonl:2")
    uploaded = await library.ingest_bytes("up.jsonl", bulk.read_bytes())
    assert [r.status for r in uploaded] == ["rejected", "duplicate", "duplicate"]


async def test_the_same_article_twice_in_one_import_is_stored_once(library: Library, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SHIPPED.read_bytes())
    results = await library.ingest_paths([SHIPPED, copy])
    assert [r.status for r in results] == ["added", "duplicate"]
    assert len(await library.articles()) == 1


async def test_identity_is_the_url_else_the_file(library: Library, tmp_path: Path) -> None:
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("Same headline\n\nFirst story about the harbour.\n")
    two.write_text("Same headline\n\nA different story about the bridge.\n")
    assert [r.status for r in await library.ingest_paths([one, two])] == ["added", "added"]
    one.write_text("Same headline\n\nFirst story about the harbour, corrected.\n")
    assert [r.status for r in await library.ingest_paths([one])] == ["replaced"]
    copy = tmp_path / "copy.txt"
    copy.write_bytes(two.read_bytes())
    [duplicate] = await library.ingest_paths([copy])
    assert (duplicate.status, duplicate.reason) == ("duplicate", f"same text as article {duplicate.article_id}")
    assert len(await library.articles()) == 2


class CountingEmbedder:
    """The hash embedder, counting the texts it embeds (what the model would have to read)."""

    def __init__(self) -> None:
        self.inner = HashEmbedder()
        self.dim, self.name, self.texts = self.inner.dim, self.inner.name, 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts)


async def test_a_one_sentence_passage_is_its_own_sentence_vector(settings: Settings) -> None:
    """Only passages of several sentences need a second pass over their sentences."""
    embedder = CountingEmbedder()
    async with Library(settings, embedder=embedder) as lib:
        await lib.ingest_articles([Article("Ferries", ("Northwind Ferries cancelled the crossings.",
                                                        "The storm closed the port. Crews waited on the quay."),
                                           source="Test")])
        assert embedder.texts == 2 + 2  # two passages, then the two sentences of the second only
        passages = await lib.passages(1, None)
        stored = await lib.store.sentences_by_id([p.id for p in passages], embedder.dim)
        one = stored[passages[0].id][1]
        assert one.shape == (1, embedder.dim) and np.allclose(one[0], embedder.inner.embed([passages[0].text])[0], atol=0.01)
        answer = await lib.ask("Who cancelled the crossings?")
        assert not answer.refused and "Northwind Ferries" in answer.quotes[0].text
