"""Prometheus metrics (prometheus-client): questions by outcome, answer latency, ingests, index size.

Off by default: nothing listens until `serve(settings)` is entered with NEWSDESK_METRICS_PORT set.
The counters are always kept (cheap), in one registry per `Metrics`; the module-level functions
use the process-wide `METRICS`. Callers (the bot, the command line) report with
`observe_answer(answer, seconds)`, `observe_outcome(...)`, `observe_ingest(results)` and
`watch_library(lib)`; `index.events.track` does the timing, the log line and the counting at once.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from .config import ConfigError, Settings
from .models import Answer, IngestResult

if TYPE_CHECKING:
    from .library import Library

try:
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

    HAVE_PROMETHEUS = True
except ImportError:  # pragma: no cover - it is a dependency; metrics just stay off without it
    HAVE_PROMETHEUS = False

log = logging.getLogger(__name__)
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
OUTCOMES = ("answered", "refused", "invalid", "error")


class Metrics:
    """The counters, histogram and gauges of one process, in their own registry."""

    def __init__(self) -> None:
        self.enabled = HAVE_PROMETHEUS
        if not self.enabled:
            return
        self.registry = CollectorRegistry()
        r = self.registry
        self.questions = Counter("newsdesk_questions", "Questions by outcome (answered, refused, invalid, error)",
                                 ["outcome", "command"], registry=r)
        self.latency = Histogram("newsdesk_answer_latency_seconds", "Time to answer a question",
                                 ["outcome"], buckets=LATENCY_BUCKETS, registry=r)
        self.ingested = Counter("newsdesk_ingested_articles", "Articles ingested, by status (added, replaced, "
                                "unchanged, rejected)", ["status"], registry=r)
        self.passages = Gauge("newsdesk_index_passages", "Passages in the vector index", registry=r)
        self.articles = Gauge("newsdesk_index_articles", "Stored articles (as of the last update)", registry=r)
        for outcome in OUTCOMES:
            self.latency.labels(outcome)

    def observe_outcome(self, outcome: str, seconds: float, command: str = "ask") -> None:
        """Count one question with its outcome and latency."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
        if self.enabled:
            self.questions.labels(outcome, command).inc()
            self.latency.labels(outcome).observe(seconds)

    def observe_answer(self, answer: Answer, seconds: float, command: str = "ask") -> None:
        """Count an answer as answered or refused, with its latency."""
        self.observe_outcome(outcome_of(answer), seconds, command)

    def observe_ingest(self, results: Iterable[IngestResult]) -> None:
        """Count ingested articles by status."""
        if self.enabled:
            for result in results:
                self.ingested.labels(result.status).inc()

    def set_index_size(self, passages: int | Callable[[], float], articles: int | None = None) -> None:
        """Set the index size: a number, or a function read at each scrape."""
        if not self.enabled:
            return
        if callable(passages):
            self.passages.set_function(passages)
        else:
            self.passages.set(passages)
        if articles is not None:
            self.articles.set(articles)

    def sample(self, name: str, labels: dict[str, str] | None = None) -> float:
        """The current value of one sample (0.0 when absent), for tests and `doctor`."""
        if not self.enabled:
            return 0.0
        return self.registry.get_sample_value(name, labels or {}) or 0.0


def outcome_of(answer: Answer) -> str:
    return "refused" if answer.refused else "answered"


METRICS = Metrics()


def observe_answer(answer: Answer, seconds: float, command: str = "ask") -> None:
    METRICS.observe_answer(answer, seconds, command)


def observe_outcome(outcome: str, seconds: float, command: str = "ask") -> None:
    METRICS.observe_outcome(outcome, seconds, command)


def observe_ingest(results: Iterable[IngestResult]) -> None:
    METRICS.observe_ingest(results)


async def watch_library(lib: Library, metrics: Metrics | None = None) -> None:
    """Report the library's size: passages read live at each scrape, articles counted now.

    Call again after an ingest or forget to refresh the article count."""
    metrics = metrics or METRICS
    metrics.set_index_size(lambda: len(lib.vectors), len(await lib.articles(None)))


@asynccontextmanager
async def serve(settings: Settings, metrics: Metrics | None = None) -> AsyncIterator[int | None]:
    """Serve /metrics on NEWSDESK_METRICS_ADDR:NEWSDESK_METRICS_PORT while inside; yields the
    port (None when metrics are off). `async with serve(settings): ...`"""
    metrics = metrics or METRICS
    if not settings.metrics_port:
        yield None
        return
    if not metrics.enabled:
        raise ConfigError("NEWSDESK_METRICS_PORT is set but prometheus-client is not installed: "
                          "pip install prometheus-client, or unset NEWSDESK_METRICS_PORT")
    try:
        server, thread = await asyncio.to_thread(
            start_http_server, settings.metrics_port, settings.metrics_addr, metrics.registry
        )
    except OSError as exc:
        raise ConfigError(f"NEWSDESK_METRICS_PORT={settings.metrics_port}: cannot listen on "
                          f"{settings.metrics_addr}:{settings.metrics_port} ({exc.strerror or exc})") from None
    log.info("metrics on http://%s:%d/metrics", settings.metrics_addr, settings.metrics_port)
    try:
        yield int(server.server_address[1])
    finally:
        await asyncio.to_thread(server.shutdown)
        server.server_close()
        thread.join(timeout=5)
