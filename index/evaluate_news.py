"""`newsdesk eval FOLDER`: news questions (RealTimeQA-style JSON Lines) against their articles.

The folder holds `articles-*.jsonl` (one article per line: title, text, url, source, published)
and `qa.jsonl` (one question per line: `q`, `expect` answer strings, `refuse` for questions no
article answers, `asked` the day it was asked, `urls` the articles holding the answer). Every
article is ingested through the readers (so cleaning applies), every question asked through
`Library.ask_ranked` as of its `asked` day, and the figures are what a reader of the answer sees:
- seen@k: an `expect` string inside the text of one of the first k quotes, or its headline;
- paragraph@k: inside the quoted paragraph(s) or the headline;
- false refusals of answerable questions, refusals of unanswerable ones, latency.
Halves: questions asked in even ISO weeks (used for tuning) and odd weeks (held out).
"""
from __future__ import annotations

import asyncio
import bisect
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from . import readers
from .config import Settings
from .embed import Embedder, make_embedder
from .errors import NewsdeskError
from .evaluate import _percentile
from .library import Library
from .models import Answer, Article, Quote
from .progress import ProgressBar


@dataclass(frozen=True)
class NewsCase:
    """One news question: the answer strings (none when it must be refused) and when it was asked."""

    question: str
    expect: tuple[str, ...]
    refuse: bool
    asked: str
    urls: tuple[str, ...]
    half: str  # "train" (even ISO week of `asked`, for tuning) or "test" (odd, held out)


@dataclass
class NewsOutcome:
    """What a reader saw for one question."""

    case: NewsCase
    refused: bool
    confidence: float
    seen: list[bool]  # per quote: an answer inside the quoted text or its headline
    paragraph: list[bool]  # per quote: inside the quoted paragraph(s) or its headline
    retrieved: bool  # an answer inside any ranked passage or its headline (the ranking's ceiling)
    seconds: float
    quotes: list[tuple[str, str]] = field(default_factory=list)


def half_of(asked: str) -> str:
    """'train' for an even ISO week of the day `asked`, 'test' for an odd one."""
    try:
        week = date.fromisoformat(asked[:10]).isocalendar()[1]
    except ValueError:
        return "test"
    return "train" if week % 2 == 0 else "test"


def load_cases(path: Path) -> list[NewsCase]:
    """The questions of a `qa.jsonl` file; ValueError names the bad line."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            expect = tuple(str(e) for e in row.get("expect") or ())
            refuse = bool(row.get("refuse", False)) or not expect
            asked = str(row.get("asked") or "")
            cases.append(NewsCase(str(row["q"]), expect, refuse, asked, tuple(row.get("urls") or ()), half_of(asked)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}:{number} is not a news question ({exc})") from exc
    return cases


def load_articles(folder: Path) -> list[Article]:
    """Every article of the folder's `articles-*.jsonl` files, read and cleaned by the JSONL reader."""
    files = sorted(folder.glob("articles*.jsonl"))
    if not files:
        raise ValueError(f"{folder} holds no articles*.jsonl files")
    articles: list[Article] = []
    for path in files:
        found, _ = readers.partition(readers.read_path(path))
        articles += found
    return articles


def subset(articles: Sequence[Article], cases: Sequence[NewsCase], every: int) -> tuple[list[Article], list[NewsCase]]:
    """Every `every`-th answerable question with the run of articles fetched for it, plus every
    unanswerable question. The files keep each question's articles together, in question order:
    a run ends at a question's last answer-holding article."""
    if every <= 1:
        return list(articles), list(cases)
    position = {a.url: i for i, a in enumerate(articles) if a.url}
    answerable = [c for c in cases if not c.refuse and any(u in position for u in c.urls)]
    ends = sorted({max(position[u] for u in c.urls if u in position) for c in answerable})
    kept_cases = answerable[::every]
    keep: set[int] = set()
    for case in kept_cases:
        for url in case.urls:
            if url in position:
                end = ends[bisect.bisect_left(ends, position[url])]
                start = ends[bisect.bisect_left(ends, end) - 1] + 1 if end != ends[0] else 0
                keep.update(range(start, end + 1))
    return [a for i, a in enumerate(articles) if i in keep], kept_cases + [c for c in cases if c.refuse]


def contains(text: str, answers: Sequence[str]) -> bool:
    folded = text.casefold()
    return any(a.strip().casefold() in folded for a in answers if a.strip())


def _quote_checks(quote: Quote, answers: Sequence[str]) -> tuple[bool, bool]:
    return contains(quote.text + "\n" + quote.title, answers), contains(quote.context + "\n" + quote.title, answers)


async def run(
    folder: Path, settings: Settings, limit: int | None = None, every: int = 1, embedder: Embedder | None = None,
    home: Path | None = None, progress: bool = True,
) -> list[NewsOutcome]:
    """Ingest the folder's articles (into `home`, kept, or a temporary folder) and ask its questions."""
    import tempfile

    articles, cases = subset(load_articles(folder), load_cases(folder / "qa.jsonl"), every)
    if limit:
        step = max(len(cases) / limit, 1)
        cases = [cases[int(i * step)] for i in range(min(limit, len(cases)))]
    if embedder is None:
        embedder = await asyncio.to_thread(make_embedder, settings.embedder, settings.home / "models")
    with tempfile.TemporaryDirectory(prefix="newsdesk-news-eval-") as temporary:
        async with Library(replace(settings, home=home or Path(temporary)), embedder=embedder) as lib:
            bar = ProgressBar("articles") if progress else None
            await lib.ingest_articles(articles, progress=bar)
            if bar:
                bar.close()
            bar = ProgressBar("questions") if progress else None
            outcomes = []
            for done, case in enumerate(cases, start=1):
                outcomes.append(await ask(lib, case))
                if bar:
                    bar(done, len(cases))
            if bar:
                bar.close()
    return outcomes


async def ask(lib: Library, case: NewsCase) -> NewsOutcome:
    """Ask one question as of its `asked` day and check what the answer shows."""
    started = time.perf_counter()
    try:
        answer, hits = await lib.ask_ranked(case.question, **_when(lib, case))
    except NewsdeskError:
        answer, hits = Answer(case.question, refused=True), []
    seconds = time.perf_counter() - started
    checks = [_quote_checks(q, case.expect) for q in answer.quotes] if not answer.refused else []
    titles = {a.id: a.title for a in await lib.store.articles_by_id(list({h.passage.article_id for h in hits}), None)}
    retrieved = any(contains(h.passage.text + "\n" + titles.get(h.passage.article_id, ""), case.expect) for h in hits)
    return NewsOutcome(
        case, answer.refused, answer.confidence, [s for s, _ in checks], [p for _, p in checks], retrieved, seconds,
        [(q.title, q.text) for q in answer.quotes],
    )


def _when(lib: Library, case: NewsCase) -> dict[str, Any]:
    """`now=` the day asked, when the library takes it."""
    import inspect

    if case.asked and "now" in inspect.signature(lib.ask_ranked).parameters:
        return {"now": date.fromisoformat(case.asked[:10])}
    return {}


def summary(outcomes: Sequence[NewsOutcome]) -> dict[str, Any]:
    """seen@1/3, paragraph@1/3, refusals and latency for a set of outcomes."""
    answerable = [o for o in outcomes if not o.case.refuse]
    unanswerable = [o for o in outcomes if o.case.refuse]
    n = max(len(answerable), 1)

    def at(o: NewsOutcome, k: int, kind: str) -> bool:
        return any((o.seen if kind == "seen" else o.paragraph)[:k])

    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "seen@1": sum(at(o, 1, "seen") for o in answerable) / n,
        "seen@3": sum(at(o, 3, "seen") for o in answerable) / n,
        "paragraph@1": sum(at(o, 1, "paragraph") for o in answerable) / n,
        "paragraph@3": sum(at(o, 3, "paragraph") for o in answerable) / n,
        "retrieved@20": sum(o.retrieved for o in answerable) / n,
        "false_refusals": sum(o.refused for o in answerable) / n,
        "refused_unanswerable": sum(o.refused for o in unanswerable) / max(len(unanswerable), 1),
        "latency_p50_ms": 1000 * _percentile([o.seconds for o in outcomes], 0.5),
        "latency_p95_ms": 1000 * _percentile([o.seconds for o in outcomes], 0.95),
    }


def report(outcomes: Sequence[NewsOutcome]) -> str:
    """The printed report: every figure for all questions and for each half."""
    lines = []
    for label, part in (("all", outcomes), ("even weeks", [o for o in outcomes if o.case.half == "train"]),
                        ("odd weeks", [o for o in outcomes if o.case.half == "test"])):
        if not part:
            continue
        f = summary(part)
        lines.append(
            f"{label:<11} questions {f['questions']:>4} ({f['unanswerable']} unanswerable)  "
            f"seen@1 {f['seen@1']:.3f}  seen@3 {f['seen@3']:.3f}  paragraph@1 {f['paragraph@1']:.3f}  "
            f"paragraph@3 {f['paragraph@3']:.3f}  retrieved@20 {f['retrieved@20']:.3f}  "
            f"false refusals {f['false_refusals']:.3f}  unanswerable refused {f['refused_unanswerable']:.3f}  "
            f"p50 {f['latency_p50_ms']:.0f} ms p95 {f['latency_p95_ms']:.0f} ms"
        )
    return "\n".join(lines)
