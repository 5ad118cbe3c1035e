"""One measurement in a fresh process (`python -m bench.worker TASK JSON`), printed as one JSON line.

A process per backend keeps start-up honest (nothing imported yet) and peak RSS per backend.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.config import DATABASE_FILE, VECTORS_FILE

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUESTIONS = [
    "who accompanies Putin?", "What did the central bank decide about interest rates?",
    "Which team won the cup final?", "How much did the company earn last year?",
    "When will the election be held?", "What did the minister say about the strike?",
    "Who directed the film?", "Why did shares fall?",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def models_dir() -> Path:
    from index.config import Settings

    return Settings.from_env().home / "models"


def build(backend: str) -> Any:
    """The embedder a backend names; "onnx" uses the app's cache (exporting on first use)."""
    from index.embed import make_embedder

    return make_embedder(backend, cache_dir=models_dir() if backend == "onnx" else None)


def timed_build(backend: str) -> tuple[Any, float]:
    start = time.perf_counter()
    embedder = build(backend)
    embedder.embed(["warm up"])
    return embedder, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def task_embed(args: dict[str, Any]) -> dict[str, Any]:
    """Start-up, paragraphs/s over BBC paragraphs, one-question latency."""
    from bench.data import bbc_paragraphs

    embedder, startup = timed_build(args["backend"])
    paragraphs = bbc_paragraphs(args["paragraphs"]) or []
    start = time.perf_counter()
    embedder.embed(paragraphs)
    rate = len(paragraphs) / (time.perf_counter() - start)
    latencies = []
    for _ in range(args.get("question_rounds", 5)):
        for question in QUESTIONS:
            t = time.perf_counter()
            embedder.embed([question])
            latencies.append((time.perf_counter() - t) * 1000)
    return {
        "name": embedder.name, "startup_s": startup, "paragraphs": len(paragraphs), "rate": rate,
        "question_p50_ms": statistics.median(latencies), "torch_imported": "torch" in sys.modules,
        "peak_rss_mb": peak_rss_mb(),
    }


def task_squad(args: dict[str, Any]) -> dict[str, Any]:
    """Dense-only retrieval of the gold SQuAD paragraph among all 2,067: R@1, R@5, MRR."""
    import numpy as np

    from bench.data import squad

    data = squad(args.get("questions"))
    assert data is not None
    embedder, _ = timed_build(args["backend"])
    start = time.perf_counter()
    passages = embedder.embed(data.paragraphs)
    questions = embedder.embed(data.questions)
    seconds = time.perf_counter() - start
    scores = questions @ passages.T
    gold = np.asarray(data.gold)
    gold_scores = scores[np.arange(len(gold)), gold]
    ranks = (scores > gold_scores[:, None]).sum(axis=1) + 1
    return {
        "name": embedder.name, "questions": len(gold), "paragraphs": len(data.paragraphs),
        "r1": float((ranks <= 1).mean()), "r5": float((ranks <= 5).mean()),
        "mrr": float((1.0 / ranks).mean()), "embed_s": seconds, "peak_rss_mb": peak_rss_mb(),
    }


def task_library(args: dict[str, Any]) -> dict[str, Any]:
    """Through the Library: ingest BBC articles end to end, then warm answer latency."""
    import asyncio

    return asyncio.run(_library(args))


async def _library(args: dict[str, Any]) -> dict[str, Any]:
    from bench.data import bbc_articles
    from index.config import Settings
    from index.library import Library
    from index.models import Article

    embedder, startup = timed_build(args["backend"])
    bbc = bbc_articles(args.get("articles")) or []
    articles = [Article(title=a.headline, paragraphs=a.paragraphs, source="BBC",
                        url=f"bench://bbc/{i}", origin=f"bbc/{i}") for i, a in enumerate(bbc)]
    home = Path(args["home"])
    settings = Settings.from_env({"NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": args["backend"]}, dotenv=None)
    async with Library(settings, embedder=embedder) as lib:
        start = time.perf_counter()
        results = await lib.ingest_articles(articles)
        wall = time.perf_counter() - start
        stored = sum(r.passages for r in results if getattr(r, "passages", 0))
        questions = QUESTIONS + [a.headline + "?" for a in bbc[:: max(1, len(bbc) // 40)]]
        for question in QUESTIONS:
            await lib.ask(question)  # warm
        latencies = []
        for question in questions:
            t = time.perf_counter()
            await lib.ask(question)
            latencies.append((time.perf_counter() - t) * 1000)
    return {
        "name": embedder.name, "startup_s": startup, "articles": len(articles), "passages": stored,
        "ingest_s": wall, "rate": stored / wall if wall else 0.0, "answers": len(latencies),
        "answer_p50_ms": percentile(latencies, 50), "answer_p95_ms": percentile(latencies, 95),
        "peak_rss_mb": peak_rss_mb(),
    }


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "embed": task_embed, "squad": task_squad, "library": task_library,
}



def task_vectors(args: dict[str, Any]) -> dict[str, Any]:
    """Embed BBC paragraphs (base) and headlines (queries) once with onnx; save them as .npy."""
    import numpy as np

    from bench.data import bbc_articles, bbc_paragraphs

    embedder, _ = timed_build("onnx")
    articles = bbc_articles() or []
    headlines = [a.headline for a in articles[:: max(1, len(articles) // args["queries"])]][: args["queries"]]
    out = Path(args["out"])
    np.save(out / "base.npy", embedder.embed(bbc_paragraphs(args["base"]) or []))
    np.save(out / "queries.npy", embedder.embed(headlines))
    return {"base": args["base"], "queries": len(headlines)}


def task_faiss(args: dict[str, Any]) -> dict[str, Any]:
    """Flat vs IVF at one size, from the saved base and query vectors."""
    import numpy as np

    from bench.faiss_bench import run

    folder = Path(args["dir"])
    rows = run(np.load(folder / "base.npy"), np.load(folder / "queries.npy"), args["n"])
    return {"rows": rows, "peak_rss_mb": peak_rss_mb()}


TASKS.update({"vectors": task_vectors, "faiss": task_faiss})




def _scale_base(args: dict[str, Any]) -> tuple[Any, list[str], list[str], Any]:
    """The embedder, the real BBC paragraphs and headlines, and the paragraphs' embeddings (cached in var/bench)."""
    import numpy as np

    from bench.data import ROOT, bbc_articles, bbc_paragraphs

    embedder, _ = timed_build("onnx")
    paragraphs = bbc_paragraphs(args["base"]) or []
    headlines = [a.headline for a in bbc_articles() or []]
    cache = ROOT / "var" / "bench" / f"scale-base-{len(paragraphs)}-{embedder.name.replace('/', '_')}.npy"
    if cache.is_file():
        base = np.load(cache)
    else:
        base = embedder.embed(paragraphs)
        cache.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/
        np.save(cache, base)
    return embedder, paragraphs, headlines, base


def task_scale(args: dict[str, Any]) -> dict[str, Any]:
    """Fill a data folder with N synthetic passages and let the Library build its FAISS index."""
    import asyncio

    from bench.scale import build, fill

    embedder, paragraphs, headlines, base = _scale_base(args)
    home = Path(args["home"])
    fill_s = fill(home, args["n"], base, paragraphs, headlines, embedder.name)
    built = asyncio.run(build(home, embedder))
    result = {**built, "fill_s": fill_s, "peak_rss_mb": peak_rss_mb()}
    (home / "bench-build.json").write_text(json.dumps(result))  # a kept folder keeps how it was made
    return result


def task_scale_ask(args: dict[str, Any]) -> dict[str, Any]:
    """Warm `Library.ask` latency on a filled data folder, in a fresh process (the index loaded as saved)."""
    import asyncio

    from bench.data import bbc_articles
    from bench.scale import folder_mb, measure, questions

    embedder, _ = timed_build("onnx")
    home = Path(args["home"])
    asked = questions([a.headline for a in bbc_articles() or []], QUESTIONS)
    result = asyncio.run(measure(home, embedder, asked, args.get("rounds", 2), database_url=args.get("database_url", "")))
    sizes = folder_mb(home)
    return {**result, "sqlite_mb": sizes.get(DATABASE_FILE, 0.0), "faiss_mb": sizes.get(VECTORS_FILE, 0.0),
            "peak_rss_mb": peak_rss_mb()}


def task_pg_copy(args: dict[str, Any]) -> dict[str, Any]:
    """Copy a filled SQLite data folder into a PostgreSQL database (`newsdesk migrate`'s path)."""
    import asyncio

    from index.store import SQLiteStore
    from index.store.copy import copy_library
    from index.store.postgres import PostgresStore

    async def copy() -> dict[str, Any]:
        source = await SQLiteStore.open(Path(args["home"]) / DATABASE_FILE)
        target = await PostgresStore.open(args["database_url"])
        started = time.perf_counter()
        try:
            copied = await copy_library(source, target, 384)
        finally:
            await source.close()
            await target.close()
        return {"copy_s": time.perf_counter() - started, "passages": copied.passages}

    return {**asyncio.run(copy()), "peak_rss_mb": peak_rss_mb()}


def task_pg_qps(args: dict[str, Any]) -> dict[str, Any]:
    """One of several processes on one PostgreSQL library: one inference thread, questions one after
    another until `until` (a shared wall-clock time), after a start at `start`; how many it answered."""
    import asyncio

    from bench.data import bbc_articles
    from bench.scale import questions
    from index.config import Settings
    from index.embed_onnx import OnnxEmbedder
    from index.library import Library

    embedder = OnnxEmbedder(models_dir(), threads=1)
    asked = questions([a.headline for a in bbc_articles() or []], QUESTIONS)
    settings = Settings.from_env({"NEWSDESK_HOME": args["home"], "NEWSDESK_DATABASE_URL": args["database_url"]},
                                 dotenv=None)

    async def run() -> int:
        async with Library(settings, embedder=embedder) as lib:
            for question in asked[:8]:
                await lib.ask(question)
            while time.time() < args["start"]:
                await asyncio.sleep(0.01)
            done = 0
            while time.time() < args["until"]:
                await lib.ask(asked[done % len(asked)])
                done += 1
            return done

    return {"answered": asyncio.run(run()), "peak_rss_mb": peak_rss_mb()}


def task_mixed(args: dict[str, Any]) -> dict[str, Any]:
    """SQuAD v1.1 inside a copy of a filled scale folder: R@1/R@5 and latency per search setting."""
    import asyncio
    import shutil
    import tempfile

    from bench.data import SQUAD
    from bench.mixed import run

    with tempfile.TemporaryDirectory(prefix="bench-mixed-", dir=args.get("tmp")) as folder:
        home = Path(folder) / "home"
        shutil.copytree(args["home"], home)
        result = asyncio.run(run(home, SQUAD, args.get("questions", 1000)))
    return {**result, "peak_rss_mb": peak_rss_mb()}


TASKS.update({"scale": task_scale, "scale_ask": task_scale_ask, "pg_copy": task_pg_copy, "pg_qps": task_pg_qps, "mixed": task_mixed})


def main() -> None:
    task, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(TASKS[task](json.loads(raw))))


if __name__ == "__main__":
    main()
