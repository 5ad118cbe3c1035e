"""Standing questions: a guild's questions asked again of every newly stored article.

`add`, `standing_questions` and `remove` keep them (at most MAX_PER_GUILD a guild, each as long as a
question may be); `matches(lib, article_ids)` asks each standing question that may read the new
articles of those articles only, and records each answer (one per question and article, with
confidence at least Settings.min_score) as due; `due` and `claim` give them to whoever posts them
(the bot), once. The library calls `matches` after every ingest (CLI, feeds, the bot's /ingest), so
articles stored by any process are checked, and the bot posts what is due, also after a restart.

An article is identified by its scope and identity key (url, file, or title and source), so a
replaced version of an article whose answer was posted does not post it again.

The search is restricted to the new articles' passages: their stored vectors give the dense
side, the question's term coverage the lexical one (an exact scan: a batch is at most
CHUNK_ARTICLES articles); ranking and composing are the library's own (index.scoring.rank,
index.answer.compose). Blocking work runs in threads.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from . import wire
from .answer import compose
from .clock import utc_stamp
from .entities import answer_types
from .errors import NewsdeskError
from .models import GLOBAL_SCOPE, Answer, Passage, StandingQuestion, StoredArticle, WatchAnswerRecord
from .scoring import Candidate, TermWeights, age_days, rank, sentence_stems
from .search import CANDIDATES, SentenceVectors, term_weights
from .text import query_terms, sentence_spans
from .when import without_dates

if TYPE_CHECKING:
    from .library import Library

log = logging.getLogger(__name__)
MAX_PER_GUILD = 25
"""Standing questions a guild (or the command line's shared scope) may keep."""
CHUNK_ARTICLES = 32
"""New articles searched together (an ingest batch)."""
DUE_BATCH = 50


class WatchRefused(NewsdeskError):
    """A standing question that cannot be added or removed, in words a user can read."""


@dataclass(frozen=True)
class WatchHit:
    """An answer to post: the standing question, the article that answers it, the answer (its quotes)."""

    watch: StandingQuestion
    article: str  # the article's scope and identity key
    article_id: int
    answer: Answer


def article_identity(article: StoredArticle) -> str:
    """What "the same article" means for posting once: its scope and identity key."""
    return f"{article.scope}|{article.key or article.id}"


def may_read(watch: StandingQuestion, article: StoredArticle) -> bool:
    """A standing question sees the shipped (global) articles and its own scope's."""
    return article.scope in (GLOBAL_SCOPE, watch.scope)


# ---- keeping them ------------------------------------------------------------------------


async def add(
    lib: Library, question: str, scope: str, channel_id: str = "", user_id: str = "", user_name: str = "",
) -> StandingQuestion:
    """Keep a standing question for `scope`: BadQuestion when it could not be asked, WatchRefused
    when the scope holds MAX_PER_GUILD already."""
    text = lib.check_question(question)
    watch = StandingQuestion(0, scope, str(channel_id), str(user_id), user_name, text, utc_stamp())
    watch_id = await lib.store.add_watch(watch, MAX_PER_GUILD)
    if not watch_id:
        raise WatchRefused(f"there are {MAX_PER_GUILD} standing questions here already, the most there may be; "
                           "remove one first")
    return replace(watch, id=watch_id)


async def standing_questions(lib: Library, scopes: Sequence[str] | None) -> list[StandingQuestion]:
    """The standing questions of `scopes` (None: every scope), oldest first."""
    return await lib.store.watches(scopes)


async def remove(lib: Library, watch_id: int, scopes: Sequence[str] | None, user_id: str | None = None) -> StandingQuestion:
    """Remove a standing question of `scopes`; with `user_id`, only one that person set (managers
    pass None). WatchRefused says why not."""
    found = next((w for w in await lib.store.watches(scopes) if w.id == watch_id), None)
    if found is None:
        raise WatchRefused(f"there is no standing question {watch_id} here")
    if user_id is not None and found.user_id != str(user_id):
        raise WatchRefused(f"standing question {watch_id} was set by {found.user_name or 'someone else'}; "
                           "only they or a manager may remove it")
    if not await lib.store.remove_watch(watch_id, scopes):
        raise WatchRefused(f"there is no standing question {watch_id} here")
    return found


# ---- asking them of new articles ---------------------------------------------------------


async def matches(lib: Library, article_ids: Sequence[int]) -> list[WatchHit]:
    """Ask every standing question that may read them of the articles `article_ids` (only those,
    CHUNK_ARTICLES at a time); record each answer not recorded before, one per question and
    article; return those."""
    watches = await lib.store.watches(None) if article_ids else []
    if not watches:
        return []
    ids = list(dict.fromkeys(article_ids))
    qvecs: dict[int, np.ndarray] = {}
    weights: dict[str, TermWeights] = {}
    hits: list[WatchHit] = []
    for start in range(0, len(ids), CHUNK_ARTICLES):
        chunk = await lib.store.articles_by_id(ids[start : start + CHUNK_ARTICLES], None)
        asking = [w for w in watches if any(may_read(w, a) for a in chunk)]
        if not asking:
            continue
        if not qvecs:  # every question at once, the first time one is asked
            made = await asyncio.to_thread(lib.embedder.embed, [w.question for w in watches])
            qvecs = {w.id: vector for w, vector in zip(watches, made)}
        passages = [p for a in chunk for p in await lib.store.passages(a.id, None)]
        vectors = await lib.store.vectors_by_id([p.id for p in passages], lib.embedder.inner.dim)
        sentences = await lib.sentence_vectors(passages)
        for watch in asking:
            readable = {a.id: a for a in chunk if may_read(watch, a)}
            own = [p for p in passages if p.article_id in readable]
            if not own:
                continue
            if watch.question not in weights:
                matched = without_dates(watch.question)
                counts = await lib.store.document_counts(query_terms(matched))
                weights[watch.question] = await term_weights(lib.store, matched, counts)
            answer = await _answer_within(lib, watch.question, qvecs[watch.id], own, readable, vectors, sentences,
                                          weights[watch.question])
            await wire.add_to_answer(lib.store, answer, (GLOBAL_SCOPE, watch.scope))  # as may_read
            hits += await _record(lib, watch, answer, readable)
    return hits


async def _answer_within(
    lib: Library, question: str, qvec: np.ndarray, passages: Sequence[Passage], articles: dict[int, StoredArticle],
    vectors: dict[int, np.ndarray], sentences: SentenceVectors, terms: TermWeights,
) -> Answer:
    """The library's answer to `question` from `passages` alone."""
    picked = await asyncio.to_thread(_candidates, passages, qvec, vectors, sentences, terms)
    wanted = answer_types(question)
    named = await lib.sentence_entities([p for p, _ in picked]) if wanted else {}
    today = datetime.now(UTC).date()
    candidates = [
        Candidate(p, dense, 0.0, sentences.get(p.id), articles[p.article_id].title,
                  age_days(articles[p.article_id].published, today), named.get(p.id))
        for p, dense in picked
    ]
    neighbours = {(p.article_id, p.number): p for p in passages}

    def answer() -> Answer:
        hits = rank(candidates, qvec, terms, 20, wanted, question)
        return compose(question, hits, articles, neighbours, lib.settings.max_quotes, lib.settings.min_score,
                       len(articles))

    return await asyncio.to_thread(answer)


def _candidates(
    passages: Sequence[Passage], qvec: np.ndarray, vectors: dict[int, np.ndarray], sentences: SentenceVectors,
    terms: TermWeights,
) -> list[tuple[Passage, float]]:
    """The passages to rank, with their cosines: the CANDIDATES best by cosine and by term coverage."""
    query = qvec.reshape(-1)
    dense = {p.id: float(np.dot(vectors[p.id], query)) if p.id in vectors else 0.0 for p in passages}

    def coverage(p: Passage) -> float:
        spans = sentences[p.id][0] if p.id in sentences else sentence_spans(p.text) or [(0, len(p.text))]
        return terms.coverage(sentence_stems(p.text, spans)[0])

    by_dense = sorted(passages, key=lambda p: dense[p.id], reverse=True)[:CANDIDATES]
    by_terms = sorted(passages, key=coverage, reverse=True)[:CANDIDATES]
    chosen = {p.id: p for p in [*by_dense, *by_terms]}
    return [(p, dense[p.id]) for p in chosen.values()]


async def _record(lib: Library, watch: StandingQuestion, answer: Answer, articles: dict[int, StoredArticle]) -> list[WatchHit]:
    """Record one answer per article the answer quotes (its quotes of that article), unless recorded before."""
    if answer.refused or answer.confidence < lib.settings.min_score:
        return []
    hits = []
    for article_id in dict.fromkeys(q.article_id for q in answer.quotes):
        own = Answer(answer.question, False, [q for q in answer.quotes if q.article_id == article_id],
                     searched=answer.searched, confidence=answer.confidence)
        identity = article_identity(articles[article_id])
        record = WatchAnswerRecord(watch.id, identity, article_id, json.dumps(own.to_dict(), ensure_ascii=False),
                                   utc_stamp())
        if await lib.store.add_watch_answer(record):
            hits.append(WatchHit(watch, identity, article_id, own))
    return hits


# ---- posting them once ---------------------------------------------------------------------


async def due(lib: Library, limit: int = DUE_BATCH) -> list[WatchHit]:
    """Recorded answers not posted yet, oldest first, with their standing questions (every scope)."""
    records = await lib.store.watch_answers_due(limit)
    if not records:
        return []
    watches = {w.id: w for w in await lib.store.watches(None)}
    return [WatchHit(watches[r.watch_id], r.article, r.article_id, Answer.from_dict(json.loads(r.answer)))
            for r in records if r.watch_id in watches]


async def claim(lib: Library, hit: WatchHit) -> bool:
    """Take an answer for posting: True once, for one process; False when it was taken already."""
    return await lib.store.claim_watch_answer(hit.watch.id, hit.article, utc_stamp())


async def check_ingested(lib: Library, article_ids: Sequence[int]) -> list[WatchHit]:
    """`matches` for an ingest that stored `article_ids`; a failure is logged, never raised (the
    articles are stored either way)."""
    try:
        return await matches(lib, article_ids)
    except Exception:
        log.exception("checking new articles against the standing questions failed")
        return []
