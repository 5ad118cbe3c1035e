"""The `Store` Protocol: everything the library keeps, behind one seam (SQLite today).

Scopes: a read takes the caller's `scopes` (the guild's and the global scope); `None` means every
scope and is passed only by operators' paths (the command line, maintenance). Reads of vectors,
sentences and entities go by passage id: those ids come from a scoped read. Writes raise
`RejectedInput` for a duplicate the caller can fix, and the backend's own error otherwise, after
rolling back: a failed write leaves nothing behind.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..entities import SentenceEntities
from ..models import (
    Article,
    FeedItemRecord,
    KeptAnswer,
    Passage,
    StandingQuestion,
    StoredArticle,
    Subscription,
    WatchAnswerRecord,
)
from ..when import Window
from .rows import SentenceRows

Scopes = Sequence[str] | None
"""The scopes a read may see; None: every scope."""


@runtime_checkable
class Store(Protocol):
    """Articles, passages and their vectors, search, and the records kept beside them."""

    async def close(self) -> None:
        """Release the connections; the store is unusable after."""

    # ---- articles and passages -------------------------------------------------------
    async def find_existing(self, scope: str, key: str, content_hash: str) -> tuple[int, str, str] | None:
        """The article in `scope` with this identity key or the same content: (id, hash, key)."""

    async def put_article(
        self, article: Article, scope: str, key: str, content_hash: str,
        vectors: np.ndarray, replace_id: int | None = None,
    ) -> tuple[int, list[int], list[int]]:
        """Store an article and its passages atomically (replacing `replace_id`): (id, new ids, removed ids)."""

    async def delete_article(self, article_id: int) -> list[int]:
        """Remove an article and its passages; returns the removed passage ids."""

    async def articles(self, scopes: Scopes) -> list[StoredArticle]:
        """Every article `scopes` hold, oldest first."""

    async def article(self, article_id: int, scopes: Scopes) -> StoredArticle | None:
        """One article, when `scopes` hold it."""

    async def articles_by_id(self, ids: Sequence[int], scopes: Scopes) -> list[StoredArticle]:
        """The articles among `ids` that `scopes` hold, in the order given."""

    async def headlines_by_id(self, ids: Sequence[int], scopes: Scopes) -> dict[int, tuple[str, str]]:
        """(headline, published) of the articles among `ids` that `scopes` hold."""

    async def article_count(self, scopes: Scopes) -> int:
        """How many articles `scopes` hold."""

    async def newest_published(self, scopes: Scopes) -> str:
        """The latest `published` among the articles `scopes` hold ("" when none is dated)."""

    async def scope_names(self) -> frozenset[str]:
        """Every scope holding at least one article (operators and the all-scopes shortcut)."""

    async def find_articles(self, query: str, scopes: Scopes, limit: int) -> list[StoredArticle]:
        """Articles whose title contains `query`, case-insensitive, by title."""

    async def passages(self, article_id: int, scopes: Scopes) -> list[Passage]:
        """An article's passages in order; none when `scopes` do not hold it."""

    async def passages_by_id(self, ids: Sequence[int], scopes: Scopes, window: Window | None = None) -> dict[int, Passage]:
        """The passages among `ids` in `scopes` and published in `window`."""

    async def passages_in(self, window: Window | None, scopes: Scopes, limit: int) -> list[int] | None:
        """Ids of the passages in `scopes` published in `window`; None when there are more than `limit`."""

    async def passage_count(self) -> int:
        """How many passages the library holds, every scope."""

    # ---- wire copies (index.wire) ----------------------------------------------------
    async def put_copies(self, article_id: int, copy_ids: Sequence[int]) -> int:
        """Link an article with the stored articles that are the same story (both ways round); links
        already made or to an article gone meanwhile are skipped. How many links are new."""

    async def copies_of(self, ids: Sequence[int], scopes: Scopes) -> dict[int, list[StoredArticle]]:
        """The linked copies, oldest first, of the articles among `ids` that `scopes` hold, only those
        copies `scopes` hold too; articles without any are left out."""

    # ---- lexical search --------------------------------------------------------------
    async def fulltext(
        self, terms: Sequence[str], scopes: Scopes, limit: int, window: Window | None = None
    ) -> list[tuple[int, float]]:
        """BM25 over passages holding any of `terms` (plain words, stemmed by the store): (id, score), best first."""

    async def document_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """How many passages (every scope) hold each term, as `fulltext` matches it."""

    # ---- vectors, sentences, entities (by passage id) --------------------------------
    async def vectors_by_id(self, ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        """Stored passage vectors of `ids`."""

    def vector_batches(self, dim: int, batch: int = 20000) -> AsyncIterator[tuple[np.ndarray, np.ndarray]]:
        """Every passage's (ids, vectors), `batch` at a time in id order (every scope)."""

    async def vector_sample(self, dim: int, size: int, seed: int = 0) -> np.ndarray:
        """The vectors of `size` passages picked at random (every scope)."""

    async def vector_matrix(self, dim: int, batch: int = 20000) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's (ids, vectors) as two arrays (every scope)."""

    async def passage_texts(self, after: int, batch: int) -> list[tuple[int, str]]:
        """(id, text) of the next `batch` passages after id `after` (every scope; re-embedding)."""

    async def set_vectors(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Replace the vectors of `ids`, in one transaction."""

    async def sentences_by_id(self, ids: Sequence[int], dim: int) -> SentenceRows:
        """Sentence spans and vectors of the passages among `ids` that have them."""

    async def put_sentences(self, rows: Sequence[tuple[int, list[tuple[int, int]], np.ndarray]]) -> None:
        """Store (passage id, spans, vectors) rows; rows of passages gone meanwhile are dropped."""

    async def clear_sentences(self) -> None:
        """Forget every sentence vector (every scope; the embedder changed)."""

    async def entities_by_id(self, ids: Sequence[int]) -> dict[int, SentenceEntities]:
        """Named entities per sentence of the passages among `ids` that have them."""

    async def put_entities(self, rows: Sequence[tuple[int, SentenceEntities]]) -> None:
        """Store (passage id, entities) rows; rows of passages gone meanwhile are dropped."""

    # ---- library metadata and change tracking ----------------------------------------
    async def get_meta(self, key: str, default: str = "") -> str:
        """A library setting (the embedder's name, the generation)."""

    async def set_meta(self, key: str, value: str) -> None:
        """Set a library setting."""

    async def version(self) -> int:
        """A number that changes whenever another process commits."""

    async def optimize(self) -> None:
        """Refresh what the database plans queries with, after a bulk load (an import, a copy)."""

    # ---- answers and votes ------------------------------------------------------------
    async def keep_answer(self, created: str, scope: str, answer: str, drop_before: str) -> int:
        """Keep an answer's JSON, dropping those created before `drop_before`; returns its id."""

    async def kept_answer(self, answer_id: int, scopes: Scopes) -> tuple[str, str] | None:
        """(answer JSON, scope) of a kept answer in `scopes`; None when gone."""

    async def answer_posted(self, answer_id: int, channel_id: str, message_id: str, question_message_id: str = "") -> bool:
        """Record where a kept answer was posted (Discord ids as text); False when it is gone."""

    async def kept_answers(
        self, scopes: Scopes, limit: int, *, channel_id: str = "", since: str = "", posted: bool = False,
    ) -> list[KeptAnswer]:
        """The newest `limit` kept answers of `scopes`, oldest first: created at or after `since`; with
        `channel_id`, those posted in it or whose message started it (a thread started from an answer
        has that message's id); with `posted`, only those posted in public (their message is known)."""

    async def put_kept_answer(self, kept: KeptAnswer) -> None:
        """Store a kept answer as it is, its id included (a copy between stores: the ids old buttons
        carry stay theirs, and later answers get newer ones); RejectedInput when that id is taken."""

    async def add_vote(
        self, created: str, scope: str, user_id: str, question: str, vote: int, quotes: str, answer_id: int | None
    ) -> int:
        """Store a vote; 0 when this person already voted on `answer_id`."""

    async def votes(self, limit: int, scopes: Scopes) -> list[dict[str, Any]]:
        """The latest votes of `scopes`, newest first."""

    # ---- feeds --------------------------------------------------------------------------
    async def add_feed(
        self, url: str, scope: str, title: str, added: str, announce_channel: int | None = None
    ) -> Subscription:
        """Subscribe `scope` to a feed (its new articles announced in `announce_channel`, if given);
        RejectedInput when it already is."""

    async def feeds(self, scopes: Scopes) -> list[Subscription]:
        """Subscriptions of `scopes`, oldest first."""

    async def remove_feed(self, feed_id: int, scopes: Scopes) -> bool:
        """Unsubscribe; False when `scopes` hold no such feed."""

    async def update_feed(self, feed_id: int, values: dict[str, str]) -> None:
        """Set a feed's title, etag, last_modified, last_polled or last_error (ValueError for others)."""

    async def set_feed_announce(self, feed_id: int, channel_id: int | None, scopes: Scopes) -> bool:
        """Choose the channel a feed's new articles are announced in (None: none); False when
        `scopes` hold no such feed."""

    async def claim_feed(self, feed_id: int, owner: str, now: str, until: str) -> bool:
        """Take a feed's polling lease for `owner` until `until` (ISO times); False while another
        owner's lease runs (or, on PostgreSQL, while another process is claiming it: the row is
        locked FOR UPDATE SKIP LOCKED). Of several processes on one library, one polls a feed at a
        time; a dead process's lease runs out at `until`."""

    async def release_feed(self, feed_id: int, owner: str) -> None:
        """Give back `owner`'s lease on a feed (another's is left alone)."""

    async def feed_items(self, feed_id: int) -> list[FeedItemRecord]:
        """What is recorded of a feed's items, each with when it was last recorded (`seen`)."""

    async def record_feed_item(self, feed_id: int, item: FeedItemRecord, seen: str) -> None:
        """Record (or replace) what became of one feed item (its `tries` too), at `seen`."""

    # ---- standing questions (index.watch) -------------------------------------------------
    async def add_watch(self, watch: StandingQuestion, limit: int) -> int:
        """Store a standing question (its id ignored); its id, or 0 when its scope holds `limit` already."""

    async def watches(self, scopes: Scopes) -> list[StandingQuestion]:
        """Standing questions of `scopes`, oldest first."""

    async def remove_watch(self, watch_id: int, scopes: Scopes) -> bool:
        """Remove a standing question and its recorded answers; False when `scopes` hold no such question."""

    async def add_watch_answer(self, answer: WatchAnswerRecord) -> bool:
        """Record an answer to post; False when its question and article have one already (or the question is gone)."""

    async def watch_answers_due(self, limit: int) -> list[WatchAnswerRecord]:
        """Recorded answers not posted yet, oldest first (every scope)."""

    async def claim_watch_answer(self, watch_id: int, article: str, posted: str) -> bool:
        """Mark an answer posted at `posted`; False when another process already did. Of several
        processes draining the answers due, one posts each."""
