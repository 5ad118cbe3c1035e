"""Timelines: how a story developed, one verbatim quote per article about a topic, oldest first.

`build(lib, topic, scopes)` (the library's `timeline`) searches like a question with a deeper pool
(POOL candidates from each of dense and BM25, within the since/until window before ranking, no
recency bonus), takes each article's best passage, and keeps only the articles about the topic:
  - the passage (its article's headline at half credit, as in index.search) holds at least
    MIN_COVERAGE of the topic's IDF-weighted terms, and
  - its score is at most SCORE_MARGIN below the best article's.
Both were measured on news-2023 (docs/EVAL.md, "Timelines"). Near-duplicate copies of one wire story
(index.answer.near_duplicate) become one entry listing the other outlets, the earliest-dated copy
quoted. Entries run by publication date, oldest first; articles without a date come last, most
relevant first, marked undated. Each article is quoted from its best passage that reads as a sentence
and holds the topic (`quotable`: not a subhead), its best sentence for the topic, widened to name who
speaks (index.answer.build_quote): the article's text, verbatim.
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from .answer import build_quote, near_duplicate
from .clean import normalize_line
from .errors import BadQuestion
from .models import Passage, Quote, StoredArticle
from .scoring import Hit
from .search import retrieve
from .text import content_terms, words
from .when import explicit_window, without_dates

if TYPE_CHECKING:
    from .library import Library

POOL = 150  # candidates from each of dense and BM25 (a question's are index.search.CANDIDATES, 30)
MIN_COVERAGE = 0.7  # share of the topic's weighted terms an article's best passage must hold (headline terms half)
SCORE_MARGIN = 0.5  # how far below the best article's score an article may be (one-word topics: the only floor)
MIN_WORDS = 6  # a passage shorter than this is a heading, not a quote (when the article has a longer one)
STATEMENT_ENDS = frozenset(".!\"”’')")
LIMIT = 60  # entries at most: the most relevant articles, then put in date order
NAME_ONE = "name a person, place, organisation or event"
VAGUE = f"the topic has no words to search by; {NAME_ONE}"


@dataclass
class TimelineEntry:
    """One article's point on a timeline: its quote (with the other outlets in `also_in`)."""

    quote: Quote

    @property
    def day(self) -> str:
        """The publication day (YYYY-MM-DD), "" when the article is undated."""
        return day_of(self.quote.published)

    @property
    def undated(self) -> bool:
        return not self.day

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day, "undated": self.undated, "quote": self.quote.to_dict()}


@dataclass
class Timeline:
    """The entries about a topic, dated ones oldest first, then the undated; `reason` says why none."""

    topic: str
    entries: list[TimelineEntry] = field(default_factory=list)
    searched: int = 0  # articles in the scopes searched
    more: int = 0  # articles about the topic left out past the limit
    window: str = ""  # the published dates searched, in words ("" when every date was)
    reason: str = ""

    @property
    def dated(self) -> list[TimelineEntry]:
        return [e for e in self.entries if not e.undated]

    @property
    def undated(self) -> list[TimelineEntry]:
        return [e for e in self.entries if e.undated]

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "entries": [e.to_dict() for e in self.entries], "searched": self.searched,
                "more": self.more, "window": self.window, "reason": self.reason}


def check_topic(topic: str, cap: int) -> str:
    """The topic stripped, or BadQuestion naming what is wrong with it (as long as a question may be)."""
    topic = topic.strip()
    if not normalize_line(topic):
        raise BadQuestion(f"the topic is empty; {NAME_ONE}")
    if len(topic) > cap:
        raise BadQuestion(f"the topic is {len(topic):,} characters long; the limit is {cap:,}")
    return topic


def day_of(published: str) -> str:
    """The ISO day an article was published, "" when unknown or not a date."""
    try:
        return date.fromisoformat(published[:10]).isoformat() if published else ""
    except ValueError:
        return ""


async def build(
    lib: Library, topic: str, scopes: Sequence[str] | None, since: str = "", until: str = "", limit: int = LIMIT,
) -> Timeline:
    """The timeline of `topic` in `scopes` (None: every scope), only articles published `since`..`until`
    (YYYY-MM-DD, both included; undated ones left out then) when given. BadQuestion names a bad
    topic or date; an empty timeline carries its `reason`."""
    topic = check_topic(topic, lib.settings.max_question_chars)
    window = explicit_window(since, until)
    found = Timeline(topic, searched=await lib.store.article_count(scopes), window=window.describe() if window else "")
    if not content_terms(without_dates(topic)):
        found.reason = VAGUE
        return found

    async def embed_query(query: str) -> np.ndarray:
        vector: np.ndarray = (await asyncio.to_thread(lib.embedder.embed, [query]))[0]
        return vector

    hits = await retrieve(lib.store, lib.vectors, embed_query, topic, scopes, k=2 * POOL,
                          sentences=lib.sentence_vectors, window=window, pool=POOL)
    articles = {a.id: a for a in await lib.store.articles_by_id(list(dict.fromkeys(h.passage.article_id for h in hits)), None)}
    best = about(hits, articles)
    found.more = max(len(best) - limit, 0)
    neighbours = await lib.previous_passages(best[:limit])
    found.entries = await asyncio.to_thread(entries, best[:limit], hits, articles, neighbours)
    if not found.entries:
        found.reason = f"no stored article{' published then' if window else ''} is about “{topic}”"
    return found


def about(hits: Sequence[Hit], articles: dict[int, StoredArticle]) -> list[Hit]:
    """For each article about the topic (judged by its best passage, see the module doc), best first,
    the passage to quote (`quotable`)."""
    own: dict[int, list[Hit]] = {}
    for hit in sorted(hits, key=lambda h: h.score, reverse=True):
        if hit.passage.article_id in articles:
            own.setdefault(hit.passage.article_id, []).append(hit)
    if not own:
        return []
    floor = max(found[0].score for found in own.values()) - SCORE_MARGIN
    return [quotable(found) for found in own.values() if found[0].score >= floor and found[0].coverage >= MIN_COVERAGE]


def quotable(found: Sequence[Hit]) -> Hit:
    """An article's best passage that reads as a sentence and still holds the topic (MIN_COVERAGE),
    else its best: a scraped page's subheads ("George Santos", "What happened to Damar Hamlin?")
    name a topic well but tell nothing of it."""
    return next((h for h in found if h.coverage >= MIN_COVERAGE and reads_as_sentence(h.passage.text)), found[0])


def reads_as_sentence(text: str) -> bool:
    """At least MIN_WORDS words, ending as a statement does (not a question, a colon or a bare heading)."""
    end = text.rstrip()[-1:]
    return len(words(text)) >= MIN_WORDS and end in STATEMENT_ENDS


def _sort_key(hit: Hit, articles: dict[int, StoredArticle]) -> tuple[int, str, float]:
    """Dated first, by publication (oldest first); then undated, most relevant first."""
    published = articles[hit.passage.article_id].published
    return (0, published, 0.0) if day_of(published) else (1, "", -hit.score)


def twins(best: Sequence[Hit], hits: Sequence[Hit]) -> list[list[Hit]]:
    """`best` (one hit an article, in order) grouped into copies of one story: an article joins the
    first group one of whose passages among `hits` is a near-duplicate of its best passage."""
    passages: dict[int, list[str]] = {}
    for hit in hits:
        passages.setdefault(hit.passage.article_id, []).append(hit.passage.text)
    groups: list[list[Hit]] = []
    for hit in best:
        group = next((g for g in groups if any(near_duplicate(hit.passage.text, text)
                                               for other in g for text in passages[other.passage.article_id])), None)
        if group is None:
            groups.append([hit])
        else:
            group.append(hit)
    return groups


def entries(
    best: Sequence[Hit], hits: Sequence[Hit], articles: dict[int, StoredArticle],
    neighbours: dict[tuple[int, int], Passage],
) -> list[TimelineEntry]:
    """One entry per story in date order (undated last), quoting its earliest-dated copy."""
    ordered = sorted(best, key=lambda h: _sort_key(h, articles))
    made = []
    for group in twins(ordered, hits):
        first, *others = group
        article = articles[first.passage.article_id]
        quote = build_quote(first, article, neighbours.get((article.id, first.passage.number - 1)))
        quote.also_in = [articles[h.passage.article_id].cited(h.passage.number) for h in others]
        made.append(TimelineEntry(quote))
    return made
