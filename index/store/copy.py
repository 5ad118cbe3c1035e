"""Copy a whole library from one store to another (SQLite to PostgreSQL and back) without
re-embedding: articles with their passages and vectors (and whether their text came from a feed),
sentence vectors, entities, the links between wire copies, feeds with their items (with the tries of
pages still to fetch), the answers kept for buttons and exports (with their ids, which old buttons
carry, and where they were posted), votes (still linked to those answers), standing questions and the
library's settings. Standing questions' answers not yet posted are not copied."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..errors import NewsdeskError
from ..models import Article
from .protocol import Store

META_KEYS = ("embedder",)


@dataclass(frozen=True)
class Copied:
    """What a copy moved."""

    articles: int
    passages: int
    feeds: int
    votes: int
    watches: int = 0
    answers: int = 0
    copies: int = 0  # links between wire copies (index.wire)


async def copy_library(
    source: Store, target: Store, dim: int, progress: Callable[[int, int], None] | None = None
) -> Copied:
    """Copy `source` into `target`, which must hold no article; vectors of dimension `dim`."""
    if held := await target.article_count(None):
        raise NewsdeskError(f"the target library already holds {held:,} articles; copy into an empty one")
    for key in META_KEYS:
        if value := await source.get_meta(key):
            await target.set_meta(key, value)
    articles = await source.articles(None)
    passages = 0
    article_ids: dict[int, int] = {}
    for done, stored in enumerate(articles, start=1):
        rows = await source.passages(stored.id, None)
        old = [p.id for p in rows]
        vectors = await source.vectors_by_id(old, dim)
        article = Article(stored.title, tuple(p.text for p in rows), stored.source, stored.url, stored.published,
                          stored.author, stored.origin, stored.key, from_feed=stored.from_feed)
        matrix = np.stack([vectors[i] for i in old]) if old else np.zeros((0, dim), np.float32)
        article_ids[stored.id], new, _ = await target.put_article(
            article, stored.scope, stored.key, stored.content_hash, matrix)
        mapping = dict(zip(old, new, strict=True))
        sentences = await source.sentences_by_id(old, dim)
        await target.put_sentences([(mapping[pid], spans, vecs) for pid, (spans, vecs) in sentences.items()])
        entities = await source.entities_by_id(old)
        await target.put_entities([(mapping[pid], found) for pid, found in entities.items()])
        passages += len(rows)
        if progress:
            progress(done, len(articles))
    copies = await _copy_links(source, target, article_ids)
    feeds = await source.feeds(None)
    for feed in feeds:
        copied = await target.add_feed(feed.url, feed.scope, feed.title, feed.added, feed.announce_channel)
        await target.update_feed(copied.id, {"etag": feed.etag, "last_modified": feed.last_modified,
                                             "last_polled": feed.last_polled, "last_error": feed.last_error})
        for item in await source.feed_items(feed.id):
            linked = replace(item, article_id=article_ids.get(item.article_id) if item.article_id else None)
            await target.record_feed_item(copied.id, linked, item.seen or feed.last_polled or feed.added)
    await target.optimize()
    answers = await source.kept_answers(None, 1_000_000_000)
    for posted in answers:  # oldest first, each with its id: the buttons on their messages carry it
        await target.put_kept_answer(posted)
    votes = await source.votes(1_000_000_000, None)
    answer_ids = {posted.id for posted in answers}
    for vote in reversed(votes):  # oldest first, as they were given; linked to its answer while that is kept
        answer_id = vote["answer_id"] if vote["answer_id"] in answer_ids else None
        await target.add_vote(vote["created"], vote["scope"], vote["user_id"], vote["question"], vote["vote"],
                              vote["quotes"], answer_id)  # the store's quotes are JSON text already
    watches = await source.watches(None)
    for kept in watches:  # oldest first, as they were set; the source kept each scope within its limit
        await target.add_watch(kept, len(watches) + 1)
    return Copied(len(articles), passages, len(feeds), len(votes), len(watches), len(answers), copies)


async def _copy_links(source: Store, target: Store, article_ids: dict[int, int], chunk: int = 500) -> int:
    """Link the copied articles as their originals were linked; how many links."""
    made, old = 0, list(article_ids)
    for start in range(0, len(old), chunk):
        for original, copies in (await source.copies_of(old[start : start + chunk], None)).items():
            made += await target.put_copies(article_ids[original], [article_ids[c.id] for c in copies if c.id in article_ids])
    return made
