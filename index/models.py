"""Plain data shared by every part of the library: articles, passages, quotes, answers."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

GLOBAL_SCOPE = ""
"""Scope of the shipped articles: visible to every guild, DM and the command line."""
GUILD_PREFIX = "guild:"
FEED_MARK = "(feed summary)"
"""Said after the attribution of a quote (and the listing of an article) whose text is a feed item's
own summary, stored because its page could not be fetched (Article.from_feed)."""


def guild_scope(guild_id: int | str) -> str:
    """The scope of the articles (answers, feeds) of Discord guild `guild_id`."""
    return f"{GUILD_PREFIX}{guild_id}"


def guild_of(scopes: Sequence[str]) -> str | None:
    """The guild id named by the first guild scope among `scopes`, None when there is none."""
    return next((s.removeprefix(GUILD_PREFIX) for s in scopes if s.startswith(GUILD_PREFIX)), None)


def read_scopes(guild_id: int | str | None) -> tuple[str, ...]:
    """What a place may read: the shipped articles everywhere, a guild's own only inside it."""
    return (GLOBAL_SCOPE,) if guild_id is None else (GLOBAL_SCOPE, guild_scope(guild_id))


def write_scope(guild_id: int | str | None) -> str:
    """Where a place's articles go: its guild's scope, else the shared one."""
    return GLOBAL_SCOPE if guild_id is None else guild_scope(guild_id)


@dataclass(frozen=True)
class Article:
    """An article as a reader returns it: metadata plus the paragraphs to store, verbatim."""

    title: str
    paragraphs: tuple[str, ...]
    source: str = ""
    url: str = ""
    published: str = ""  # ISO 8601 date or datetime, "" when unknown
    author: str = ""
    origin: str = ""  # where it was read from (a path or url), for messages
    key: str = ""  # identity when there is no url: the file (and item) it was read from
    dropped: tuple[tuple[str, int], ...] = field(default=(), compare=False)
    """Paragraphs cleaning dropped from what was read, (rule name, count) most first (index.boilerplate);
    not part of the article's identity or content (index.ingesting.content_hash reads title and paragraphs)."""
    from_feed: bool = False
    """Its text is a feed item's own summary or content, stored because the item's page could not be
    fetched (index.webingest); quotes from it say so, and a later fetch of the page replaces it."""


@dataclass(frozen=True)
class StoredArticle:
    """An article as the library holds it."""

    id: int
    title: str
    source: str
    url: str
    published: str
    author: str
    scope: str
    paragraphs: int
    content_hash: str
    added: str
    key: str = ""  # its identity (url, file, or title and source): what a re-ingest replaces
    origin: str = ""  # where it was read from
    from_feed: bool = False  # its text is its feed item's summary, not its page (Article.from_feed)

    def cited(self, paragraph: int = 0) -> dict[str, Any]:
        """This article as an entry of a quote's `also_in` (paragraph 0: the whole article is the same story)."""
        return {"article_id": self.id, "title": self.title, "source": self.source, "url": self.url,
                "published": self.published, "paragraph": paragraph}


@dataclass(frozen=True)
class Passage:
    """One stored paragraph; `number` is 1-based within its article."""

    id: int
    article_id: int
    number: int
    text: str


@dataclass
class Quote:
    """A verbatim passage quoted in an answer, with where it came from.

    `text` is the article's text exactly: a verbatim substring of its paragraphs joined by "\n\n".
    `highlights` are [start, end) character offsets into `text` of the sentence(s) that answer.
    `context` is the paragraph holding the answer, or, when the quote widens back into the previous
    paragraph (to name who "he said" is), those two paragraphs joined by "\n\n"; `offset` is where
    `text` starts inside `context`, so `context[offset:offset + len(text)] == text`.
    `paragraph` is the number of the paragraph holding the marked sentence.
    """

    text: str
    article_id: int
    title: str
    source: str
    url: str
    published: str
    paragraph: int
    score: float
    passage_id: int = 0
    offset: int = 0  # where `text` starts inside `context`
    highlights: list[tuple[int, int]] = field(default_factory=list)
    context: str = ""
    also_in: list[dict[str, Any]] = field(default_factory=list)
    """Other articles holding the same text: {article_id, title, source, url, published, paragraph},
    near-duplicate passages found for the question, then the article's copies linked at ingest
    (index.wire; paragraph 0: the whole article is the same story)."""
    from_feed: bool = False  # quoted from a feed item's summary: its page could not be fetched

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["highlights"] = [list(span) for span in self.highlights]
        data["score"] = round(self.score, 4)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        """The quote `to_dict` described (unknown keys ignored)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["highlights"] = [(int(a), int(b)) for a, b in known.get("highlights", [])]
        return cls(**known)


@dataclass
class Answer:
    """What the library says to a question: quotes, or a refusal with suggestions."""

    question: str
    refused: bool
    quotes: list[Quote] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # close article titles on refusal
    searched: int = 0  # how many articles were searched
    reason: str = ""  # why it refused, in words a user can read
    confidence: float = 0.0  # P(the first quote answers), index.confidence; refused below Settings.min_score
    window: str = ""  # the published dates searched, in words ("" when every date was)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "refused": self.refused,
            "quotes": [quote.to_dict() for quote in self.quotes],
            "suggestions": list(self.suggestions),
            "searched": self.searched,
            "reason": self.reason,
            "confidence": round(self.confidence, 4),
            "window": self.window,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """The answer `to_dict` described."""
        return cls(
            data["question"], bool(data["refused"]), [Quote.from_dict(q) for q in data.get("quotes", [])],
            list(data.get("suggestions", [])), int(data.get("searched", 0)), str(data.get("reason", "")),
            float(data.get("confidence", 0.0)), str(data.get("window", "")),
        )


@dataclass(frozen=True)
class KeptAnswer:
    """A kept answer as the store holds it (index.answer_log) and where it was posted (index.export):
    Discord ids as text, "" when unknown (never posted in public; /ask has no question message)."""

    id: int
    created: str
    scope: str
    answer: str  # the Answer's JSON, without its quotes' context
    channel_id: str = ""  # the channel or thread it was posted in
    message_id: str = ""
    question_message_id: str = ""


@dataclass(frozen=True)
class IngestResult:
    """The outcome of storing one article: added, unchanged, replaced or rejected."""

    status: str  # "added" | "unchanged" | "replaced" | "duplicate" (same text as another) | "rejected"
    origin: str
    title: str = ""
    article_id: int = 0
    passages: int = 0
    reason: str = ""
    dropped: tuple[tuple[str, int], ...] = ()  # the article's paragraphs cleaning dropped, as Article.dropped
    copies: tuple[int, ...] = ()  # stored articles it was linked to as the same story (index.wire)

    @classmethod
    def rejected(cls, origin: str, reason: str) -> IngestResult:
        """A rejection: `origin` (file, url) and why, in words the user can act on."""
        return cls("rejected", origin, reason=reason)


@dataclass(frozen=True)
class Subscription:
    """A subscribed feed and its conditional-request state."""

    id: int
    url: str
    scope: str
    title: str
    etag: str
    last_modified: str
    added: str
    last_polled: str
    last_error: str
    announce_channel: int | None = None  # the Discord channel its new articles are announced in, if chosen


@dataclass(frozen=True)
class FeedItemRecord:
    """What became of one feed item: its guid and url, the article stored from it, status and reason.

    Status "feed text": its page could not be fetched (`reason` says why, `tries` times so far) and the
    article was stored from the feed's own text; later polls fetch the page again (index.webingest)."""

    guid: str
    url: str
    article_id: int | None
    status: str
    reason: str
    tries: int = 0  # failed fetches of its page while it is stored from feed text
    seen: str = field(default="", compare=False)  # when it was last recorded (ISO, UTC); "" when not read back


@dataclass(frozen=True)
class StandingQuestion:
    """A question a guild keeps asking of every newly stored article (index.watch): who set it, where."""

    id: int
    scope: str  # the guild's scope; its answers come from the articles this scope may read
    channel_id: str  # where its answers are posted ("" for none)
    user_id: str  # who set it ("" from the command line)
    user_name: str
    question: str
    created: str


@dataclass(frozen=True)
class WatchAnswerRecord:
    """An answer a new article gave to a standing question, recorded once per (question, article)."""

    watch_id: int
    article: str  # the article's scope and identity key: a replaced version is the same article
    article_id: int
    answer: str  # the Answer's JSON
    created: str
