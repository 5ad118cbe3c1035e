"""The `Store` contract: what every backend does, as mixins of tests over a `store` fixture.

Shaped like Haystack's `haystack/testing/document_store.py`: a backend's test class inherits the
mixins and provides three fixtures, `store` (an empty, migrated store), `reopen` (an async callable
giving a second store on the same library: another process's view) and `dim` (8).
Every read is checked for isolation between two guilds.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import numpy as np
import pytest

from index.errors import RejectedInput
from index.models import Article, FeedItemRecord, KeptAnswer, StandingQuestion, WatchAnswerRecord
from index.store import Store
from index.when import Window

DIM = 8
A, B = "guild:1", "guild:2"
Reopen = Callable[[], Awaitable[Store]]



def stored_as(found: np.ndarray, written: np.ndarray) -> bool:
    """Whether vectors read back are the ones written, within the int8 form's precision (each
    component within half a step of 1/127 of its vector's largest magnitude); exact stores pass too."""
    step = np.abs(np.atleast_2d(written)).max(axis=1, keepdims=True) / 127
    return bool(np.all(np.abs(np.atleast_2d(found) - np.atleast_2d(written)) <= step / 2 + 1e-7))

def vectors(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def article(title: str, *paragraphs: str, published: str = "", url: str = "") -> Article:
    return Article(title, paragraphs or (f"{title} first paragraph.", f"{title} second paragraph."),
                   source="Contract", url=url, published=published)


async def put(store: Store, item: Article, scope: str = "", seed: int = 0) -> tuple[int, list[int]]:
    article_id, ids, _ = await store.put_article(item, scope, item.title, f"hash-{item.title}",
                                                 vectors(len(item.paragraphs), seed))
    return article_id, ids


class ArticleContract:
    """Articles and passages: stored, found, replaced, removed."""

    async def test_an_article_is_stored_with_its_passages_in_order(self, store: Store) -> None:
        article_id, ids = await put(store, article("Ferries", "Crossings resume.", "The operator said so."))
        [stored] = await store.articles(None)
        assert (stored.id, stored.title, stored.source, stored.paragraphs) == (article_id, "Ferries", "Contract", 2)
        passages = await store.passages(article_id, None)
        assert [(p.id, p.number, p.text) for p in passages] == [
            (ids[0], 1, "Crossings resume."), (ids[1], 2, "The operator said so.")]
        assert await store.passage_count() == 2 and await store.article_count(None) == 1

    async def test_identity_and_content_find_the_existing_article(self, store: Store) -> None:
        article_id, _ = await put(store, article("Budget"))
        assert await store.find_existing("", "Budget", "other") == (article_id, "hash-Budget", "Budget")
        assert await store.find_existing("", "other", "hash-Budget") == (article_id, "hash-Budget", "Budget")
        assert await store.find_existing(A, "Budget", "hash-Budget") is None

    async def test_replacing_an_article_swaps_its_passages(self, store: Store) -> None:
        old_id, old_ids = await put(store, article("Budget"))
        new_id, new_ids, removed = await store.put_article(
            article("Budget", "Revised."), "", "Budget", "hash-2", vectors(1), replace_id=old_id)
        assert removed == old_ids
        assert [a.id for a in await store.articles(None)] == [new_id]
        assert await store.passage_count() == 1  # ids may be reused: the old passages are gone
        assert [p.text for p in await store.passages(new_id, None)] == ["Revised."]

    async def test_an_article_from_feed_text_is_marked_until_replaced_by_its_page(self, store: Store) -> None:
        summary = Article("Budget", ("The council passed the budget on Tuesday evening after a long debate.",),
                          source="Contract", url="https://example.org/budget", from_feed=True)
        feed_id, _ = await put(store, summary)
        assert [a.from_feed for a in await store.articles(None)] == [True]
        assert (await store.article(feed_id, None)).from_feed  # type: ignore[union-attr]
        page = Article("Budget", ("The full page.", "Its second paragraph."), source="Contract", url=summary.url)
        page_id, _, _ = await store.put_article(page, "", "Budget", "hash-page", vectors(2), replace_id=feed_id)
        [stored] = await store.articles_by_id([page_id], None)
        assert (stored.from_feed, stored.paragraphs) == (False, 2)

    async def test_deleting_an_article_removes_what_hangs_on_it(self, store: Store) -> None:
        article_id, ids = await put(store, article("Gone"))
        await store.put_sentences([(ids[0], [(0, 5)], vectors(1))])
        await store.put_entities([(ids[0], [[(0, 4, "ORG")]])])
        assert await store.delete_article(article_id) == ids
        assert await store.articles(None) == [] and await store.passage_count() == 0
        assert await store.sentences_by_id(ids, DIM) == {} and await store.entities_by_id(ids) == {}
        assert await store.fulltext(["gone"], None, 5) == []

    async def test_articles_by_id_keep_the_order_asked_and_headlines_their_dates(self, store: Store) -> None:
        first, _ = await put(store, article("One", published="2023-05-01"))
        second, _ = await put(store, article("Two"))
        assert [a.id for a in await store.articles_by_id([second, 999, first], None)] == [second, first]
        assert await store.headlines_by_id([first, second], None) == {first: ("One", "2023-05-01"), second: ("Two", "")}
        assert await store.articles_by_id([], None) == [] and await store.headlines_by_id([], None) == {}

    async def test_titles_are_found_case_insensitively_with_wildcards_taken_literally(self, store: Store) -> None:
        await put(store, article("Rates rise 50% in May"))
        await put(store, article("Rates rise"))
        assert [a.title for a in await store.find_articles("RATES RISE", None, 5)] == ["Rates rise", "Rates rise 50% in May"]
        assert [a.title for a in await store.find_articles("50%", None, 5)] == ["Rates rise 50% in May"]
        assert await store.find_articles("_", None, 5) == []

    async def test_windows_keep_the_articles_published_inside(self, store: Store) -> None:
        _, may = await put(store, article("May", published="2023-05-10"))
        _, june = await put(store, article("June", published="2023-06-10T08:00:00"))
        _, undated = await put(store, article("Undated"))
        hard, soft = Window("2023-06-01", "2023-06-10"), Window("2023-06-01", "2023-06-10", soft=True)
        assert sorted(await store.passages_in(hard, None, 10) or []) == june
        assert sorted(await store.passages_in(soft, None, 10) or []) == sorted(june + undated)
        assert await store.passages_in(soft, None, 3) is None  # more than the limit
        found = await store.passages_by_id(may + june + undated, None, hard)
        assert sorted(found) == june


class SearchContract:
    """Lexical search takes plain terms; counts are per term."""

    async def test_fulltext_ranks_passages_holding_the_terms(self, store: Store) -> None:
        _, ids = await put(store, article("Ferries", "Ferry crossings were cancelled.", "The weather was calm."))
        await put(store, article("Trains", "Trains ran late.", "A ferry museum opened."))
        ranked = await store.fulltext(["ferry", "cancelled"], None, 5)
        assert ranked[0][0] == ids[0] and len(ranked) == 2
        assert ranked[0][1] > ranked[1][1]  # higher is better
        assert await store.fulltext([], None, 5) == []

    async def test_search_syntax_in_terms_is_taken_as_words(self, store: Store) -> None:
        await put(store, article("Ferries", "Ferry crossings were cancelled."))
        for terms in (['"', "AND", "OR", "NOT", "*", "(", ")"], ["ferry*"], ["NEAR(ferry"], ["a\"b"]):
            await store.fulltext(terms, None, 5)
            await store.fulltext(terms, (A, B), 5, Window("2023-01-01", "", soft=True))

    async def test_document_counts_count_passages_per_term(self, store: Store) -> None:
        await put(store, article("Council", "The council met.", "Council votes on trams."))
        await put(store, article("Trams", "Trams return."))
        assert await store.document_counts(["council", "trams", "unheard", "council"]) == {
            "council": 2, "trams": 2, "unheard": 0}
        assert await store.document_counts([]) == {}

    async def test_document_counts_follow_the_index_terms_and_every_change(self, store: Store) -> None:
        first, _ = await put(store, article("Tech", "New technologies.", "The U.S. and us.", "An e-mail."))
        await put(store, article("More", "Technology in the US.", "Email rules."))
        terms = ["technology", "Technologies", "us", "u", "e-mail", "email", "café"]
        assert await store.document_counts(terms) == {
            "technology": 2, "Technologies": 2, "us": 2, "u": 1, "e-mail": 1, "email": 1, "café": 0}
        await store.delete_article(first)
        assert await store.document_counts(terms) == {
            "technology": 1, "Technologies": 1, "us": 1, "u": 0, "e-mail": 0, "email": 1, "café": 0}
        await put(store, article("Cafe", "The ǡrbor café."))  # "ǡ": FTS5 keeps it, index.store.tokens strips it
        assert await store.document_counts(["café", "Café", "ǡrbor"]) == {"café": 1, "Café": 1, "ǡrbor": 1}

    async def test_fulltext_in_a_window(self, store: Store) -> None:
        await put(store, article("Old", "Ferry strike.", published="2022-01-01"))
        _, new = await put(store, article("New", "Ferry strike again.", published="2023-03-01"))
        ranked = await store.fulltext(["ferry", "strike"], None, 5, Window("2023-01-01", "2023-12-31"))
        assert [i for i, _ in ranked] == new[:1]


class VectorContract:
    """Passage vectors, sentences and entities, by passage id and in bulk."""

    async def test_vectors_are_read_back_by_id_in_batches_and_sampled(self, store: Store) -> None:
        _, first = await put(store, article("One", "a", "b", "c"), seed=1)
        _, second = await put(store, article("Two", "d", "e"), seed=2)
        byid = await store.vectors_by_id(first[:1], DIM)
        assert stored_as(byid[first[0]], vectors(3, 1)[0])
        batches = [ids.tolist() async for ids, _ in store.vector_batches(DIM, batch=2)]
        assert batches == [first[:2], first[2:] + second[:1], second[1:]]
        ids, matrix = await store.vector_matrix(DIM)
        assert ids.tolist() == first + second and stored_as(matrix[3:], vectors(2, 2))
        assert (await store.vector_sample(DIM, 3)).shape == (3, DIM)
        assert len(await store.vector_sample(DIM, 50)) == 5

    async def test_vectors_can_be_replaced_and_texts_paged(self, store: Store) -> None:
        _, ids = await put(store, article("One", "a", "b", "c"))
        await store.set_vectors(ids[1:2], vectors(1, 9))
        assert stored_as((await store.vectors_by_id(ids[1:2], DIM))[ids[1]], vectors(1, 9)[0])
        assert await store.passage_texts(0, 2) == [(ids[0], "a"), (ids[1], "b")]
        assert await store.passage_texts(ids[1], 2) == [(ids[2], "c")]

    async def test_sentences_and_entities_of_passages_gone_are_dropped(self, store: Store) -> None:
        _, ids = await put(store, article("One"))
        await store.put_sentences([(ids[0], [(0, 3), (4, 9)], vectors(2)), (99_999, [(0, 1)], vectors(1))])
        stored = await store.sentences_by_id([ids[0], 99_999], DIM)
        assert list(stored) == [ids[0]] and stored[ids[0]][0] == [(0, 3), (4, 9)]
        await store.put_entities([(ids[0], [[(0, 4, "ORG")], []]), (99_999, [[(0, 1, "DATE")]])])
        assert await store.entities_by_id([ids[0], 99_999]) == {ids[0]: [[(0, 4, "ORG")], []]}
        await store.clear_sentences()
        assert await store.sentences_by_id(ids, DIM) == {}


class RecordContract:
    """Answers, votes and feeds."""

    async def test_answers_are_kept_until_dropped(self, store: Store) -> None:
        old = await store.keep_answer("2023-01-01T00:00:00", A, '{"q": 1}', "2022-12-01")
        new = await store.keep_answer("2023-06-01T00:00:00", A, '{"q": 2}', "2023-03-01")
        assert await store.kept_answer(old, None) is None
        assert await store.kept_answer(new, None) == ('{"q": 2}', A)

    async def test_one_vote_per_person_per_answer(self, store: Store) -> None:
        answer = await store.keep_answer("2023-06-01T00:00:00", A, "{}", "2023-01-01")
        first = await store.add_vote("2023-06-01T00:00:00", A, "u1", "q?", 1, "[]", answer)
        assert first > 0
        assert await store.add_vote("2023-06-01T00:00:01", A, "u1", "q?", -1, "[]", answer) == 0
        assert await store.add_vote("2023-06-01T00:00:02", A, "u2", "q?", -1, "[]", answer) > first
        assert [v["vote"] for v in await store.votes(10, None)] == [-1, 1]

    async def test_where_answers_were_posted_is_kept_and_a_thread_s_answers_found(self, store: Store) -> None:
        keep = [await store.keep_answer(f"2023-06-0{n}T00:00:00", A, f'{{"q": {n}}}', "2023-01-01") for n in range(1, 6)]
        assert await store.answer_posted(keep[0], "100", "200", "150")  # in the channel: the thread starts here
        assert await store.answer_posted(keep[1], "200", "201", "199")  # in the thread (id = starting message's)
        assert await store.answer_posted(keep[2], "200", "202")  # /ask in the thread: no question message
        assert await store.answer_posted(keep[3], "300", "301", "299")  # another channel; keep[4] never posted
        assert not await store.answer_posted(99_999, "200", "203")
        thread = await store.kept_answers(None, 10, channel_id="200", posted=True)
        assert [(k.id, k.channel_id, k.message_id, k.question_message_id) for k in thread] == [
            (keep[0], "100", "200", "150"), (keep[1], "200", "201", "199"), (keep[2], "200", "202", "")]
        assert (thread[0].created, thread[0].scope, thread[0].answer) == ("2023-06-01T00:00:00", A, '{"q": 1}')
        assert [k.id for k in await store.kept_answers(None, 2, channel_id="200")] == keep[1:3]  # the newest, oldest first
        assert [k.id for k in await store.kept_answers((A,), 10, since="2023-06-03")] == keep[2:]
        assert [k.id for k in await store.kept_answers((A,), 10, since="2023-06-03", posted=True)] == keep[2:4]
        assert [k.message_id for k in await store.kept_answers(None, 10)] == ["200", "201", "202", "301", ""]

    async def test_a_kept_answer_is_stored_with_its_id_and_later_ones_get_newer_ids(self, store: Store) -> None:
        copied = KeptAnswer(41, "2023-06-01T00:00:00", A, '{"q": 1}', "200", "201", "199")
        await store.put_kept_answer(copied)
        assert await store.kept_answers(None, 10) == [copied]
        assert await store.kept_answer(41, (A,)) == ('{"q": 1}', A)
        with pytest.raises(RejectedInput, match="answer 41"):
            await store.put_kept_answer(copied)
        assert await store.keep_answer("2023-06-02T00:00:00", A, "{}", "2023-01-01") > 41

    async def test_feeds_are_subscribed_once_updated_and_their_items_recorded(self, store: Store) -> None:
        feed = await store.add_feed("https://example.org/rss", A, "Example", "2023-06-01T00:00:00")
        with pytest.raises(RejectedInput, match="already subscribed"):
            await store.add_feed("https://example.org/rss", A, "", "2023-06-01T00:00:00")
        await store.add_feed("https://example.org/rss", B, "", "2023-06-01T00:00:00")  # another guild may
        await store.update_feed(feed.id, {"etag": "W/1", "last_error": "timed out"})
        [found] = [f for f in await store.feeds(None) if f.id == feed.id]
        assert (found.etag, found.last_error, found.title) == ("W/1", "timed out", "Example")
        with pytest.raises(ValueError, match="scope"):
            await store.update_feed(feed.id, {"scope": B})
        item = FeedItemRecord("guid-1", "https://example.org/a", None, "rejected", "timed out")
        await store.record_feed_item(feed.id, item, "2023-06-01T00:00:00")
        await store.record_feed_item(feed.id, FeedItemRecord("guid-1", item.url, None, "added", ""), "2023-06-02")
        assert await store.feed_items(feed.id) == [FeedItemRecord("guid-1", item.url, None, "added", "")]
        tried = FeedItemRecord("guid-2", "https://example.org/b", None, "feed text", "HTTP status 403 Forbidden", 2)
        await store.record_feed_item(feed.id, tried, "2023-06-03T00:00:00+00:00")
        found = {i.guid: i for i in await store.feed_items(feed.id)}
        assert (found["guid-2"], found["guid-2"].tries, found["guid-2"].seen) == (tried, 2, "2023-06-03T00:00:00+00:00")
        assert await store.remove_feed(feed.id, None) and not await store.remove_feed(feed.id, None)
        assert await store.feed_items(feed.id) == []

    async def test_a_feed_s_announce_channel_is_kept_and_seen_by_another_process(
        self, store: Store, reopen: Reopen
    ) -> None:
        snowflake = 1_187_654_321_098_765_432  # Discord ids need 64 bits
        plain = await store.add_feed("https://example.org/rss", A, "", "2023-06-01T00:00:00")
        chosen = await store.add_feed("https://example.org/atom", A, "", "2023-06-01T00:00:00", snowflake)
        assert plain.announce_channel is None and chosen.announce_channel == snowflake
        other = await reopen()
        try:
            assert {f.id: f.announce_channel for f in await other.feeds((A,))} == {plain.id: None, chosen.id: snowflake}
            assert await other.set_feed_announce(plain.id, 42, (A,))
            assert not await other.set_feed_announce(chosen.id, 43, (B,))  # not guild B's feed
            await store.update_feed(chosen.id, {"last_error": "timed out"})  # other columns leave it alone
            assert {f.id: f.announce_channel for f in await store.feeds((A,))} == {plain.id: 42, chosen.id: snowflake}
            assert await store.set_feed_announce(chosen.id, None, None)
            assert [f.announce_channel for f in await other.feeds(None)] == [42, None]
            with pytest.raises(ValueError, match="announce_channel"):
                await store.update_feed(plain.id, {"announce_channel": "7"})
            assert await store.remove_feed(plain.id, None) and not await store.set_feed_announce(plain.id, 1, None)
        finally:
            await other.close()

    async def test_one_process_at_a_time_holds_a_feed_s_lease(self, store: Store, reopen: Reopen) -> None:
        feed = await store.add_feed("https://example.org/rss", A, "", "2023-06-01T00:00:00")
        other = await reopen()
        try:
            assert await store.claim_feed(feed.id, "one", "2023-06-01T10:00:00", "2023-06-01T10:15:00")
            assert not await other.claim_feed(feed.id, "two", "2023-06-01T10:05:00", "2023-06-01T10:20:00")
            assert await store.claim_feed(feed.id, "one", "2023-06-01T10:06:00", "2023-06-01T10:21:00")  # renewed
            await other.release_feed(feed.id, "two")  # not its lease: nothing changes
            assert not await other.claim_feed(feed.id, "two", "2023-06-01T10:07:00", "2023-06-01T10:22:00")
            await store.release_feed(feed.id, "one")
            assert await other.claim_feed(feed.id, "two", "2023-06-01T10:08:00", "2023-06-01T10:23:00")
            # "two" dies holding it: once its lease has run out, another process takes the feed
            assert await store.claim_feed(feed.id, "one", "2023-06-01T10:24:00", "2023-06-01T10:39:00")
        finally:
            await other.close()

    async def test_two_processes_claiming_at_once_never_both_get_a_feed(self, store: Store, reopen: Reopen) -> None:
        feeds = [await store.add_feed(f"https://example.org/{n}.rss", A, "", "2023-06-01T00:00:00") for n in range(12)]
        other = await reopen()

        async def claim_all(claimer: Store, owner: str, minute: int) -> set[int]:
            now, until = f"2023-06-01T10:{minute:02d}:00", f"2023-06-01T10:{minute + 15:02d}:00"
            return {f.id for f in feeds if await claimer.claim_feed(f.id, owner, now, until)}

        try:
            for minute in range(5):  # both go through every feed at the same moment, five times
                one, two = await asyncio.gather(claim_all(store, "one", minute), claim_all(other, "two", minute))
                assert not one & two and one | two == {f.id for f in feeds}, (minute, one, two)
                for feed in feeds:
                    await store.release_feed(feed.id, "one")
                    await other.release_feed(feed.id, "two")
        finally:
            await other.close()

    async def test_a_dead_process_s_lease_runs_out_and_the_feed_is_claimable(self, store: Store, reopen: Reopen) -> None:
        feed = await store.add_feed("https://example.org/rss", A, "", "2023-06-01T00:00:00")
        other = await reopen()
        try:
            assert await other.claim_feed(feed.id, "dead", "2023-06-01T10:00:00", "2023-06-01T10:15:00")
        finally:
            await other.close()  # it dies without giving the lease back
        assert not await store.claim_feed(feed.id, "alive", "2023-06-01T10:14:59", "2023-06-01T10:29:59")
        assert await store.claim_feed(feed.id, "alive", "2023-06-01T10:15:01", "2023-06-01T10:30:01")
        assert not await store.claim_feed(9_999, "alive", "2023-06-01T10:16:00", "2023-06-01T10:31:00")  # no such feed

    async def test_meta_values_are_kept(self, store: Store) -> None:
        assert await store.get_meta("embedder", "none") == "none"
        await store.set_meta("embedder", "hash")
        await store.set_meta("embedder", "onnx")
        assert await store.get_meta("embedder") == "onnx"


def standing(question: str, scope: str = A, user: str = "u1") -> StandingQuestion:
    return StandingQuestion(0, scope, "500", user, f"name-{user}", question, "2023-06-01T00:00:00")


def answered(watch_id: int, article: str, created: str = "2023-06-02T00:00:00") -> WatchAnswerRecord:
    return WatchAnswerRecord(watch_id, article, 7, '{"question": "q?"}', created)


class WatchContract:
    """Standing questions: at most `limit` per scope, their answers recorded once and posted once."""

    async def test_standing_questions_are_kept_per_scope_up_to_the_limit(self, store: Store) -> None:
        first = await store.add_watch(standing("Who won?"), 2)
        second = await store.add_watch(standing("Who lost?", user="u2"), 2)
        assert first and second and first != second
        assert await store.add_watch(standing("One more?"), 2) == 0  # the scope is full
        assert await store.add_watch(standing("Elsewhere?", scope=B), 2)  # another guild is not
        found = await store.watches((A,))
        assert [(w.id, w.question, w.user_id, w.user_name, w.channel_id) for w in found] == [
            (first, "Who won?", "u1", "name-u1", "500"), (second, "Who lost?", "u2", "name-u2", "500")]
        assert len(await store.watches(None)) == 3
        assert await store.remove_watch(first, (A,)) and not await store.remove_watch(first, (A,))
        assert await store.add_watch(standing("Room again?"), 2)

    async def test_an_answer_is_recorded_once_and_claimed_once(self, store: Store, reopen: Reopen) -> None:
        watch = await store.add_watch(standing("Who won?"), 5)
        assert await store.add_watch_answer(answered(watch, "guild:1|https://example.org/a"))
        assert not await store.add_watch_answer(answered(watch, "guild:1|https://example.org/a", "2023-06-03"))
        assert not await store.add_watch_answer(answered(watch + 1000, "x"))  # no such question
        assert await store.add_watch_answer(answered(watch, "guild:1|https://example.org/b", "2023-06-03"))
        due = await store.watch_answers_due(10)
        assert [(d.watch_id, d.article, d.article_id, d.answer) for d in due] == [
            (watch, "guild:1|https://example.org/a", 7, '{"question": "q?"}'),
            (watch, "guild:1|https://example.org/b", 7, '{"question": "q?"}')]
        other = await reopen()
        try:
            assert await store.claim_watch_answer(watch, due[0].article, "2023-06-04")
            assert not await other.claim_watch_answer(watch, due[0].article, "2023-06-04")
        finally:
            await other.close()
        assert [d.article for d in await store.watch_answers_due(10)] == [due[1].article]
        assert not await store.add_watch_answer(answered(watch, due[0].article))  # posted stays posted
        assert await store.remove_watch(watch, None)
        assert await store.watch_answers_due(10) == []  # a removed question's answers go with it


class CopyContract:
    """Wire copies: linked both ways round once, read per scope, gone with either article."""

    async def test_copies_are_linked_both_ways_once(self, store: Store) -> None:
        first, _ = await put(store, article("Wire story (AP)"))
        second, _ = await put(store, article("Wire story (Reuters)"), seed=1)
        third, _ = await put(store, article("Wire story (AFP)"), seed=2)
        other, _ = await put(store, article("Another story"), seed=3)
        assert await store.put_copies(third, [first, second, third]) == 2  # itself skipped
        assert await store.put_copies(first, [third]) == 0  # made already, from the other side
        assert await store.put_copies(first, []) == 0
        found = await store.copies_of([first, third, other], None)
        assert {k: [a.id for a in v] for k, v in found.items()} == {first: [third], third: [first, second]}
        assert found[first][0].title == "Wire story (AFP)" and found[first][0].paragraphs == 2
        assert await store.copies_of([], None) == {}

    async def test_a_copy_gone_takes_its_links_and_none_is_made_to_it(self, store: Store) -> None:
        first, _ = await put(store, article("Wire story (AP)"))
        second, _ = await put(store, article("Wire story (Reuters)"), seed=1)
        assert await store.put_copies(first, [second]) == 1
        await store.delete_article(second)
        assert await store.copies_of([first, second], None) == {}
        assert await store.put_copies(first, [second]) == 0  # gone meanwhile: skipped, no error
        third, _ = await put(store, article("Wire story (AFP)"), seed=2)
        await store.put_copies(third, [first])
        replaced, _, _ = await store.put_article(article("Wire story (AFP)", "Updated."), "", "Wire story (AFP)",
                                                 "hash-2", vectors(1), replace_id=third)
        assert await store.copies_of([first, third, replaced], None) == {}  # a replaced article is linked afresh

    async def test_copies_are_read_only_within_the_readers_scopes(self, store: Store) -> None:
        shipped, _ = await put(store, article("Wire story (AP)"))
        mine, _ = await put(store, article("Wire story (Reuters)"), A, seed=1)
        theirs, _ = await put(store, article("Wire story (AFP)"), B, seed=2)
        await store.put_copies(shipped, [mine, theirs])
        seen = {k: [a.id for a in v] for k, v in (await store.copies_of([shipped, mine, theirs], ("", A))).items()}
        assert seen == {shipped: [mine], mine: [shipped]}  # B's article is neither listed nor looked up
        assert await store.copies_of([shipped], ("",)) == {}
        assert {a.id for a in (await store.copies_of([shipped], None))[shipped]} == {mine, theirs}


class IsolationContract:
    """What guild A stored, guild B's reads never see; the global scope ("") is seen by both."""

    async def _two_guilds(self, store: Store) -> dict[str, tuple[int, list[int]]]:
        return {
            A: await put(store, article("Harbour plan", "The harbour plan was approved.", published="2023-05-01"), A),
            B: await put(store, article("Harbour strike", "The harbour strike ended.", published="2023-05-01"), B),
            "": await put(store, article("Harbour history", "The harbour opened in 1850.", published="2023-05-01")),
        }

    async def test_article_reads_see_only_their_scopes(self, store: Store) -> None:
        made = await self._two_guilds(store)
        (a_id, a_ids), (b_id, _), (g_id, _) = made[A], made[B], made[""]
        seen = (B, "")
        assert {a.id for a in await store.articles(seen)} == {b_id, g_id}
        assert await store.article(a_id, seen) is None and await store.article(a_id, (A,)) is not None
        assert await store.articles_by_id([a_id, b_id], seen) == await store.articles_by_id([b_id], None)
        assert a_id not in await store.headlines_by_id([a_id, b_id], seen)
        assert await store.article_count(seen) == 2 and await store.article_count(None) == 3
        assert a_id not in {a.id for a in await store.find_articles("harbour", seen, 10)}
        assert await store.passages(a_id, seen) == []
        assert await store.passages_by_id(a_ids, seen) == {}
        assert not set(await store.passages_in(Window("2023-01-01", "2023-12-31"), seen, 10) or []) & set(a_ids)
        assert await store.scope_names() == frozenset({A, B, ""})

    async def test_newest_published_is_of_the_scopes_read_and_follows_new_articles(self, store: Store) -> None:
        assert await store.newest_published(None) == ""
        await put(store, article("Undated", "No date on this one."))
        assert await store.newest_published(None) == ""
        await self._two_guilds(store)
        await put(store, article("Later", "A later story.", published="2024-02-03T10:00:00Z"), A)
        assert await store.newest_published((B, "")) == "2023-05-01"
        assert await store.newest_published((A,)) == "2024-02-03T10:00:00Z"
        assert await store.newest_published(None) == "2024-02-03T10:00:00Z"

    async def test_search_sees_only_its_scopes(self, store: Store) -> None:
        made = await self._two_guilds(store)
        ranked = await store.fulltext(["harbour"], (B, ""), 10)
        assert {i for i, _ in ranked} == set(made[B][1] + made[""][1])
        dated = await store.fulltext(["harbour"], (B,), 10, Window("2023-01-01", "2023-12-31"))
        assert {i for i, _ in dated} == set(made[B][1])

    async def test_records_are_seen_only_in_their_scope(self, store: Store) -> None:
        answer = await store.keep_answer("2023-06-01T00:00:00", A, "{}", "2023-01-01")
        assert await store.kept_answer(answer, (B, "")) is None and await store.kept_answer(answer, (A,)) is not None
        await store.answer_posted(answer, "200", "201")
        assert await store.kept_answers((B, ""), 10, channel_id="200") == []
        assert await store.kept_answers((B, ""), 10, since="2023-01-01") == []
        assert [k.id for k in await store.kept_answers((A,), 10, channel_id="200")] == [answer]
        await store.add_vote("2023-06-01T00:00:00", A, "u1", "q?", 1, "[]", answer)
        assert await store.votes(10, (B, "")) == [] and len(await store.votes(10, (A,))) == 1
        feed = await store.add_feed("https://example.org/rss", A, "", "2023-06-01T00:00:00")
        assert await store.feeds((B,)) == [] and [f.id for f in await store.feeds((A,))] == [feed.id]
        assert not await store.remove_feed(feed.id, (B,)) and len(await store.feeds(None)) == 1
        watch = await store.add_watch(standing("Who won?"), 5)
        assert await store.watches((B, "")) == [] and [w.id for w in await store.watches((A,))] == [watch]
        assert not await store.remove_watch(watch, (B, "")) and len(await store.watches(None)) == 1


class TransactionContract:
    """Each write is all or nothing; other processes see only what is committed, and notice it."""

    async def test_a_failed_write_leaves_nothing(self, store: Store) -> None:
        bad = np.array([vectors(1)[0], "not a vector"], dtype=object)  # the second vector cannot be stored
        with pytest.raises((TypeError, ValueError)):
            await store.put_article(article("Half"), "", "Half", "hash-half", bad)
        assert await store.articles(None) == [] and await store.passage_count() == 0
        await put(store, article("Whole"))  # and the store still works
        assert [a.title for a in await store.articles(None)] == ["Whole"]

    async def test_concurrent_writes_all_land(self, store: Store) -> None:
        await asyncio.gather(*(put(store, article(f"Story {n}"), seed=n) for n in range(8)),
                             *(store.set_meta(f"k{n}", "v") for n in range(8)))
        assert await store.article_count(None) == 8 and await store.passage_count() == 16

    async def test_another_process_sees_commits_and_its_version_moves(self, store: Store, reopen: Reopen) -> None:
        other = await reopen()
        try:
            before = await other.version()
            article_id, _ = await put(store, article("Fresh"))
            assert await other.version() != before
            assert [a.id for a in await other.articles(None)] == [article_id]
            assert await other.document_counts(["fresh"]) == {"fresh": 2}
        finally:
            await other.close()

    async def test_what_was_committed_survives_closing(self, store: Store, reopen: Reopen) -> None:
        article_id, _ = await put(store, article("Kept"))
        await store.set_meta("embedder", "hash")
        await store.close()
        again = await reopen()
        try:
            assert [a.id for a in await again.articles(None)] == [article_id]
            assert await again.get_meta("embedder") == "hash"
        finally:
            await again.close()


class StoreContract(ArticleContract, SearchContract, VectorContract, RecordContract, WatchContract,
                    CopyContract, IsolationContract, TransactionContract):
    """Every part of the contract: what a backend's test class inherits."""
