"""The Library: one data folder holding articles, their passages and vectors, and the answers.

All blocking work (the model, FAISS, file reads) runs in threads; SQLite runs in aiosqlite's.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

import numpy as np

from . import answer_log, entities, timeline as timelines, watch, wire
from .answer import compose, leans_on_person, refusal
from .clean import normalize_line
from .config import Settings
from .embed import Embedder, make_embedder
from .encoding import LockedEmbedder
from .errors import BadQuestion
from .ingesting import ArticleIngesting
from .models import GLOBAL_SCOPE, Answer, Passage, Quote, StoredArticle
from .scoring import Hit
from .search import SentenceVectors, retrieve
from .staleness import stale_reason
from .store import Store, open_store
from .text import sentence_spans
from .vectors import FaissStore
from .vectors.faiss_index import FLAT_MAX
from .when import combined, day_of, question_window

log = logging.getLogger(__name__)


class Library(ArticleIngesting):
    """Articles in SQLite, their vectors in FAISS; `async with Library(settings) as lib:`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, *, flat_max: int = FLAT_MAX) -> None:
        self.settings = settings
        self._embedder_arg = embedder
        self.flat_max = flat_max
        """Passages up to which FAISS searches exactly (Flat); past it an IVF index is trained."""
        self.write_lock = asyncio.Lock()
        """Held while SQLite and FAISS change together (ingest, forget, following other processes)."""
        self.store: Store
        self.vectors: FaissStore
        self.embedder: LockedEmbedder
        self.watch_listeners: list[Callable[[Sequence[watch.WatchHit]], Awaitable[None]]] = []
        """Told the standing questions' answers each ingest recorded (index.watch; the bot posts them)."""

    async def __aenter__(self) -> Library:
        self.settings.home.mkdir(parents=True, exist_ok=True)
        embedder = self._embedder_arg
        if embedder is None:
            embedder = await asyncio.to_thread(make_embedder, self.settings.embedder, self.settings.home / "models")
        self.embedder = LockedEmbedder(embedder)
        self.store = await open_store(self.settings.database)
        try:
            await self._check_embedder()
            await self._open_vectors()
        except BaseException:
            await self.store.close()
            raise
        return self

    async def __aexit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        await self.store.close()

    async def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return await asyncio.to_thread(self.embedder.embed, texts)

    async def _embed_query(self, query: str) -> np.ndarray:
        vector: np.ndarray = (await self._embed([query]))[0]
        return vector

    async def forget(self, article_id: int, scope: str | None = None) -> bool:
        """Remove an article and all its passages; with `scope`, only an article of that scope."""
        async with self.write_lock:
            found = await self.store.article(article_id, None if scope is None else (scope,))
            if found is None:
                return False
            removed = await self.store.delete_article(article_id)
            await self._note_own_write()
            await asyncio.to_thread(self.vectors.remove, removed)
            await self._resize_vectors()
            await self._save_vectors()
        return True

    # ---- read ---------------------------------------------------------------------------

    async def articles(self, scopes: Sequence[str] | None = None) -> list[StoredArticle]:
        return await self.store.articles(scopes)

    async def article(self, article_id: int, scopes: Sequence[str] | None = None) -> StoredArticle | None:
        return await self.store.article(article_id, scopes)

    async def passages(self, article_id: int, scopes: Sequence[str] | None = None) -> list[Passage]:
        return await self.store.passages(article_id, scopes)

    async def copies(self, ids: Sequence[int], scopes: Sequence[str] | None = None) -> dict[int, list[StoredArticle]]:
        """The copies linked at ingest (the same story from other outlets) of the articles `ids`, in `scopes`."""
        return await self.store.copies_of(ids, scopes)

    async def find_articles(self, query: str, scopes: Sequence[str] | None = None, limit: int = 25) -> list[StoredArticle]:
        """Articles by title substring, for lookups and autocomplete."""
        return await self.store.find_articles(query.strip(), scopes, limit)

    def check_question(self, question: str) -> str:
        """The question stripped, or BadQuestion naming what is wrong with it."""
        question = question.strip()
        if not normalize_line(question):  # also only zero-width spaces or control characters
            raise BadQuestion("the question is empty; ask something about the stored articles")
        cap = self.settings.max_question_chars
        if len(question) > cap:
            raise BadQuestion(f"the question is {len(question):,} characters long; the limit is {cap:,}")
        return question

    async def ask(
        self, question: str, scopes: Sequence[str] | None = (GLOBAL_SCOPE,), *,
        context: str = "", since: str = "", until: str = "", now: datetime | date | None = None,
    ) -> Answer:
        """Answer with verbatim quotes from the articles in `scopes` (None: every scope).

        `since`/`until` (YYYY-MM-DD) keep only articles published then (undated ones left out);
        otherwise date words in the question ("this week", "in March") relative to `now` (None:
        this moment) narrow the search softly: undated articles are still searched.
        """
        answer, _ = await self.ask_ranked(question, scopes, context=context, since=since, until=until, now=now)
        return answer

    async def ask_ranked(
        self, question: str, scopes: Sequence[str] | None = (GLOBAL_SCOPE,), *,
        context: str = "", since: str = "", until: str = "", now: datetime | date | None = None,
    ) -> tuple[Answer, list[Hit]]:
        """The answer and the ranked passages it was composed from (for evaluation)."""
        question = self.check_question(question)
        now = now or datetime.now(UTC)
        window = combined(question_window(question, now), since, until)
        if not self.write_lock.locked():  # acquiring a free asyncio.Lock does not yield
            async with self.write_lock:
                await self._follow_other_writers()
        query = f"{context.strip()} {question}".strip() if context else question
        hits = await retrieve(
            self.store, self.vectors, self._embed_query, query, scopes, k=20, sentences=self.sentence_vectors, window=window,
            entities=self.sentence_entities, today=day_of(now),
        )
        stored, searched, neighbours = await asyncio.gather(
            self._articles_of(hits), self.store.article_count(scopes), self.previous_passages(hits[: 4 * self.settings.max_quotes])
        )
        articles = {a.id: a for a in stored}
        hits = [h for h in hits if h.passage.article_id in articles]  # forgotten or replaced since the search
        answer = await asyncio.to_thread(
            compose, question, hits, articles, neighbours, self.settings.max_quotes, self.settings.min_score, searched
        )
        if window is not None and window.soft and not answer.refused and await self.store.passages_in(window, scopes, 0) == []:
            answer = refusal(question, hits, articles, searched, answer.confidence,
                             f"no stored article was published {window.since} to {window.until}, the dates “{window.phrase}” asks about")
        weak = not answer.refused and answer.confidence < self.settings.stale_min_score
        if weak and self.settings.stale_days and window is None and (not context or question_window(context, now) is None):
            answer = await self._unless_stale(answer, hits, articles, searched, scopes, day_of(now))  # a thread's dates count
        answer.window = window.describe() if window else ""
        await wire.add_to_answer(self.store, answer, scopes)  # every outlet of each quoted article
        return answer, hits

    async def _unless_stale(
        self, answer: Answer, hits: list[Hit], articles: dict[int, StoredArticle], searched: int,
        scopes: Sequence[str] | None, today: date,
    ) -> Answer:
        """`answer`, or a refusal when it quotes only articles far older than the library's news (index.staleness)."""
        newest = await self.store.newest_published(scopes)
        reason = stale_reason(answer, newest, today, self.settings.stale_days)
        return refusal(answer.question, hits, articles, searched, answer.confidence, reason) if reason else answer

    async def timeline(
        self, topic: str, scopes: Sequence[str] | None = (GLOBAL_SCOPE,), *, since: str = "", until: str = "",
        limit: int = timelines.LIMIT,
    ) -> timelines.Timeline:
        """One verbatim quote per article about `topic` in `scopes`, by publication date (index.timeline);
        `since`/`until` (YYYY-MM-DD) keep only articles published then (undated ones left out)."""
        if not self.write_lock.locked():
            async with self.write_lock:
                await self._follow_other_writers()
        return await timelines.build(self, topic, scopes, since, until, limit)

    async def sentence_vectors(self, passages: Sequence[Passage]) -> SentenceVectors:
        """Sentence spans and vectors of passages: stored ones, the missing made (and stored now;
        the store's transaction lock keeps that commit out of any ingest's transaction)."""
        dim = self.embedder.inner.dim
        found = await self.store.sentences_by_id([p.id for p in passages], dim)
        todo = [(p, sentence_spans(p.text) or [(0, len(p.text))]) for p in passages if p.id not in found]
        if todo:
            texts = [p.text[a:b] for p, spans in todo for a, b in spans]
            vectors = await self._embed(texts)
            rows, row = [], 0
            for passage, spans in todo:
                rows.append((passage.id, spans, vectors[row : row + len(spans)]))
                row += len(spans)
            await self.store.put_sentences(rows)
            found.update({pid: (spans, v) for pid, spans, v in rows})
        return found

    async def sentence_entities(self, passages: Sequence[Passage]) -> dict[int, entities.SentenceEntities]:
        """Named entities per sentence of passages (sentences as in `sentence_vectors`): stored ones,
        the missing made by the NER in a thread (and stored now)."""
        spans = {p.id: sentence_spans(p.text) or [(0, len(p.text))] for p in passages}
        found = await self.store.entities_by_id(list(spans))
        todo = [p for p in passages if len(found.get(p.id, ())) != len(spans[p.id])]
        if todo:
            made = await asyncio.to_thread(entities.passages_entities, [(p.text, spans[p.id]) for p in todo])
            rows = [(p.id, e) for p, e in zip(todo, made)]
            await self.store.put_entities(rows)
            found.update(rows)
        return {p.id: found[p.id] for p in passages}

    async def previous_passages(self, hits: Sequence[Hit]) -> dict[tuple[int, int], Passage]:
        """The paragraph before each hit's, for widening a quote back to name its speaker."""
        leaning = [h.passage for h in hits if h.passage.number > 1 and leans_on_person(h.passage.text)]
        if not leaning:
            return {}
        before = await self.store.passages_by_id([p.id - 1 for p in leaning], None)  # stored in order: usually
        found = {(p.article_id, p.number): p for p in before.values()}
        for article_id in dict.fromkeys(p.article_id for p in leaning if (p.article_id, p.number - 1) not in found):
            for passage in await self.store.passages(article_id, None):
                found[(article_id, passage.number)] = passage
        return found

    async def _articles_of(self, hits: Sequence[Hit]) -> list[StoredArticle]:
        return await self.store.articles_by_id(list(dict.fromkeys(h.passage.article_id for h in hits)), None)

    # ---- feedback -----------------------------------------------------------------------

    async def record_feedback(
        self, question: str, vote: int, quotes: Sequence[Quote], scope: str = GLOBAL_SCOPE, user_id: str = "",
        answer_id: int | None = None,
    ) -> int:
        """Store a 👍 (+1) or 👎 (-1) with the question and the quoted passages; its id, or 0 when
        `user_id` already voted on the kept answer `answer_id`."""
        if vote not in (1, -1):
            raise ValueError(f"vote must be 1 or -1, not {vote!r}")
        return await answer_log.add_vote(self.store, scope, str(user_id), question, vote, quotes, answer_id)

    async def feedback(self, limit: int = 50, scopes: Sequence[str] | None = None) -> list[dict[str, Any]]:
        return await answer_log.votes(self.store, limit, scopes)

    async def keep_answer(self, answer: Answer, scope: str = GLOBAL_SCOPE) -> int:
        """Keep a posted answer (for KEEP_DAYS) so its buttons work after a restart; returns its id."""
        return await answer_log.keep_answer(self.store, answer, scope)

    async def kept_answer(self, answer_id: int, scopes: Sequence[str] | None = None) -> tuple[Answer, str] | None:
        """A kept answer and the scope it was asked in, or None when it is gone."""
        return await answer_log.kept_answer(self.store, answer_id, scopes)

