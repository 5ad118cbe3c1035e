"""`newsdesk eval`: run a SQuAD-format file (v1.1 or v2.0) against a fresh temporary library.

Each SQuAD article becomes one stored article (its title, its paragraphs in order), every question
is asked through `Library.ask_ranked`, and the figures are what a user would get: the gold
paragraph's rank in retrieval, whether the gold answer lies inside the marked sentence(s) of the
first quote, and, on v2.0, how well refusals pick out the unanswerable questions.
"""
from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import Settings
from .embed import Embedder, make_embedder
from .errors import NewsdeskError
from .library import Library
from .models import Answer, Article
from .progress import ProgressBar

SOURCE = "SQuAD"
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # on the confidence probability


@dataclass(frozen=True)
class Case:
    """One question: where its answer is (article title, 1-based paragraph) and the gold texts."""

    question: str
    title: str
    paragraph: int
    answers: tuple[str, ...]
    impossible: bool
    half: str  # "train" (even-numbered articles, used for tuning) or "test" (odd, held out)


@dataclass
class Outcome:
    """What happened to one case."""

    case: Case
    rank: int | None  # 0-based rank of the gold paragraph in retrieval, None when not retrieved
    refused: bool
    confidence: float
    in_marked: bool
    seconds: float
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (article title, quoted text)


def load_squad(path: Path) -> tuple[list[Article], list[Case]]:
    """Articles and questions from a SQuAD-format JSON file; ValueError names what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a SQuAD-format JSON file: {exc}") from exc
    articles: list[Article] = []
    cases: list[Case] = []
    for number, item in enumerate(data):
        paragraphs = tuple(p["context"] for p in item["paragraphs"])
        articles.append(Article(title=item["title"], paragraphs=paragraphs, source=SOURCE, origin=str(path)))
        half = "train" if number % 2 == 0 else "test"
        for index, paragraph in enumerate(item["paragraphs"], start=1):
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", [])))
                impossible = bool(qa.get("is_impossible", False)) or not answers
                cases.append(Case(qa["question"], item["title"], index, answers, impossible, half))
    return articles, cases


def sample(cases: Sequence[Case], limit: int | None) -> list[Case]:
    """`limit` cases spread evenly over the file (all of them when `limit` is None)."""
    if not limit or limit >= len(cases):
        return list(cases)
    step = len(cases) / limit
    return [cases[int(i * step)] for i in range(limit)]


def answer_in_marked(answer: Answer, golds: Sequence[str]) -> bool:
    """Whether a gold answer text lies inside the marked sentence(s) of the first quote."""
    if answer.refused or not answer.quotes:
        return False
    quote = answer.quotes[0]
    marked = " ".join(quote.text[start:end] for start, end in quote.highlights).casefold()
    return any(gold.strip().casefold() in marked for gold in golds)


async def run(
    path: Path, settings: Settings, limit: int | None = None, embedder: Embedder | None = None,
    progress: bool = True,
) -> list[Outcome]:
    """Ingest `path`'s contexts into a temporary library and ask its questions."""
    articles, cases = load_squad(path)
    cases = sample(cases, limit)
    if embedder is None:  # built once, with the real home's model cache (the library itself is temporary)
        embedder = await asyncio.to_thread(make_embedder, settings.embedder, settings.home / "models")
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as home:
        async with Library(replace(settings, home=Path(home)), embedder=embedder) as lib:
            ids = await _ingest(lib, articles, progress)
            bar = ProgressBar("questions") if progress else None
            outcomes = []
            for done, case in enumerate(cases, start=1):
                outcomes.append(await _ask(lib, case, ids))
                if bar:
                    bar(done, len(cases))
            if bar:
                bar.close()
    return outcomes


async def _ingest(lib: Library, articles: Sequence[Article], progress: bool) -> dict[tuple[str, int], int]:
    """Store the articles in batches; returns (title, paragraph number) -> passage id."""
    bar = ProgressBar("articles") if progress else None
    step = 8
    for start in range(0, len(articles), step):
        await lib.ingest_articles(articles[start : start + step])
        if bar:
            bar(min(start + step, len(articles)), len(articles))
    if bar:
        bar.close()
    ids: dict[tuple[str, int], int] = {}
    for stored in await lib.articles():
        for passage in await lib.passages(stored.id):
            ids[(stored.title, passage.number)] = passage.id
    return ids


async def _ask(lib: Library, case: Case, ids: dict[tuple[str, int], int]) -> Outcome:
    started = time.perf_counter()
    try:
        answer, hits = await lib.ask_ranked(case.question)
    except NewsdeskError:
        answer, hits = Answer(case.question, refused=True), []
    seconds = time.perf_counter() - started
    gold = ids.get((case.title, case.paragraph))
    ranked = [h.passage.id for h in hits]
    rank = ranked.index(gold) if gold in ranked else None
    return Outcome(
        case, rank, answer.refused, answer.confidence, answer_in_marked(answer, case.answers), seconds,
        [(q.title, q.text) for q in answer.quotes],
    )


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(outcomes: Sequence[Outcome], min_score: float) -> dict[str, Any]:
    """The figures for a set of outcomes: retrieval, answer, refusal and latency."""
    answerable = [o for o in outcomes if not o.case.impossible]
    n = max(len(answerable), 1)
    figures: dict[str, Any] = {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "R@1": sum(o.rank == 0 for o in answerable) / n,
        "R@5": sum(o.rank is not None and o.rank < 5 for o in answerable) / n,
        "MRR": sum(1 / (o.rank + 1) for o in answerable if o.rank is not None) / n,
        "answer_in_marked": sum(o.in_marked for o in answerable) / n,
        "answered_R@1": sum(o.rank == 0 and not o.refused for o in answerable) / n,
        "refused_answerable": sum(o.refused for o in answerable) / n,
        "latency_p50_ms": 1000 * _percentile([o.seconds for o in outcomes], 0.5),
        "latency_p95_ms": 1000 * _percentile([o.seconds for o in outcomes], 0.95),
    }
    if len(answerable) < len(outcomes):
        figures["refusal"] = refusal_curve(outcomes, [min_score])[0]
        figures["refusal_curve"] = refusal_curve(outcomes, THRESHOLDS)
    return figures


def refusal_curve(outcomes: Sequence[Outcome], thresholds: Sequence[float]) -> list[dict[str, float]]:
    """Refusal precision and recall on unanswerable questions if refusing below each threshold."""
    impossible = sum(o.case.impossible for o in outcomes) or 1
    answerable = [o for o in outcomes if not o.case.impossible]
    curve = []
    for threshold in thresholds:
        refused = [o for o in outcomes if o.confidence < threshold]
        hits = sum(o.case.impossible for o in refused)
        kept_r1 = sum(o.rank == 0 and o.confidence >= threshold for o in answerable) / max(len(answerable), 1)
        curve.append({
            "threshold": threshold,
            "precision": hits / len(refused) if refused else 1.0,
            "recall": hits / impossible,
            "answered_R@1": kept_r1,
        })
    return curve


def report(outcomes: Sequence[Outcome], min_score: float) -> str:
    """The printed report: every figure for all questions and for each half of the articles."""
    lines = []
    for label, part in (("all", outcomes), ("train half", [o for o in outcomes if o.case.half == "train"]),
                        ("held-out half", [o for o in outcomes if o.case.half == "test"])):
        if not part:
            continue
        f = summary(part, min_score)
        lines.append(
            f"{label:<14} questions {f['questions']:>6}  R@1 {f['R@1']:.3f}  R@5 {f['R@5']:.3f}  "
            f"MRR {f['MRR']:.3f}  answer-in-marked {f['answer_in_marked']:.3f}  "
            f"latency p50 {f['latency_p50_ms']:.0f} ms p95 {f['latency_p95_ms']:.0f} ms"
        )
        if "refusal" in f:
            r = f["refusal"]
            lines.append(
                f"{'':<14} refusal at {min_score:.2f}: precision {r['precision']:.3f} recall {r['recall']:.3f}  "
                f"answerable R@1 answered {f['answered_R@1']:.3f} (refused {f['refused_answerable']:.3f})"
            )
    first = summary(outcomes, min_score)
    if "refusal_curve" in first:
        lines.append("refusal curve (all): threshold precision recall answered-R@1")
        for point in first["refusal_curve"]:
            lines.append(
                f"  {point['threshold']:.2f}  {point['precision']:.3f}  {point['recall']:.3f}  {point['answered_R@1']:.3f}"
            )
    return "\n".join(lines)
