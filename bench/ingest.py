"""Part 2e: the whole `newsdesk ingest` of the BBC corpus against plain sentence-transformers, one run.

Plain: sentence-transformers (torch, fp32) encoding the corpus's paragraphs, nothing else, in a
fresh process: what a user compares Newsdesk's import with. Newsdesk: `newsdesk ingest` of the
corpus folder (reading, cleaning, embedding passages and sentences, NER, SQLite, FAISS) into an
empty home, in a fresh process, once per way of making sentence vectors. Same run, alternated.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.data import BBC, ROOT

MODES = ("separate", "pooled")


def _plain(articles: int | None) -> dict[str, Any]:
    script = (
        "import json, time; from bench.data import bbc_articles; from index.embed import make_embedder\n"
        f"texts = [p for a in bbc_articles({articles!r}) for p in a.paragraphs]\n"
        "e = make_embedder('torch'); e.embed(['warm up'])\n"
        "t = time.perf_counter(); e.embed(texts); print(json.dumps([len(texts), time.perf_counter() - t]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    count, seconds = __import__("json").loads(done.stdout.splitlines()[-1])
    return {"paragraphs": count, "seconds": seconds}


def _ingest(paths: list[Path], mode: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as home:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSDESK_HOME": home, "NEWSDESK_SENTENCE_VECTORS": mode}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("newsdesk")), "ingest", "-q", *map(str, paths)],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        size = sum(p.stat().st_size for p in Path(home).glob("newsdesk.sqlite3*"))
    return {"seconds": seconds, "peak_rss_mb": max(rss, before) / 1024, "sqlite_mb": size / 1e6}


def part_ingest(quick: bool) -> str:
    """The 2e table: seconds and the ratio to plain encoding, for each way of making sentence vectors."""
    if not BBC.is_dir():
        raise report.Skipped(f"{BBC} is absent")
    limit = 300 if quick else None
    files = sorted(BBC.glob("*/*.txt"))[:limit]
    plain = _plain(limit)
    rows = []
    for mode in MODES:
        r = _ingest([BBC] if limit is None else files, mode)
        rows.append([mode, len(files), r["seconds"], plain["seconds"] / r["seconds"], r["peak_rss_mb"], r["sqlite_mb"]])
    return (
        f"`newsdesk ingest` of {len(files):,} BBC files into an empty home (a fresh process doing every step: reading, "
        "cleaning, passage and sentence vectors, entities, SQLite, FAISS), against plain sentence-transformers "
        f"(torch fp32) encoding the same files' {plain['paragraphs']:,} paragraphs in {plain['seconds']:.1f} s "
        f"({plain['paragraphs'] / plain['seconds']:.1f}/s), in the same run. "
        "Peak RSS is the largest child process so far.\n\n"
        + report.table(["sentence vectors", "files", "ingest s", "x plain encoder", "peak RSS MB", "SQLite MB"], rows)
    )
