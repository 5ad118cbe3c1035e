"""Part 2g: `newsdesk ingest` of one generated JSON Lines file of 1 GB, streamed: articles/s and peak RSS.

The file is synthetic news-shaped text (about 4 KB an article in 6 paragraphs, a few sources each
with a repeated furniture line the cleaning drops, one broken line in 10,000 the import rejects by
number), generated once into var/bench/ and reused. The import runs in a fresh process into an empty
home with the hash embedder and NER left for later (NEWSDESK_EMBEDDER=hash, NEWSDESK_ENTITIES=lazy):
this part measures the streaming import (reading, cleaning, batching, SQLite, FAISS) and its memory,
not the model, whose rate parts 1 and 2e measure. Its RSS is sampled while it runs, to show it stays
flat but for the FAISS index, which holds every passage's vector by design.

`python -m bench.stream_import [MB]` runs it alone on a file of that many MB (default 1024).
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.data import ROOT

SOURCES = ("Harbour Times", "Valley Courier", "Coast Herald", "Metro Daily")
WORDS = (
    "harbour council budget election minister river bridge vaccine drought festival railway court strike "
    "export summit pipeline satellite museum tariff reservoir treaty glacier orchestra refinery census ferry "
    "embassy wildfire harvest airline senate copper lagoon the a of and to in on for with after before said"
).split()
BAD_EVERY = 10_000


def generate(path: Path, megabytes: int, seed: int = 14) -> int:
    """Write a JSON Lines file of about `megabytes` MB (kept when it is already there); its line count."""
    if path.is_file() and path.stat().st_size >= megabytes * 1_000_000:
        with path.open("rb") as handle:
            return sum(1 for _ in handle)
    rng = random.Random(seed)
    pool = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 110))).capitalize() + "." for _ in range(4000)]
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < megabytes * 1_000_000:
            lines += 1
            if lines % BAD_EVERY == 0:
                line = '{"title": "broken line", "text": '
            else:
                source = SOURCES[lines % len(SOURCES)]
                body = [f"Dispatch {lines} part {n}: {rng.choice(pool)}" for n in range(1, 6)]
                body.append(f"Read the {source} every morning")  # furniture: dropped as repeated
                line = json.dumps({"title": f"Dispatch {lines}: {rng.choice(pool)[:60]}", "text": "\n\n".join(body),
                                   "source": source, "url": f"https://news.example/{lines}",
                                   "published": f"2024-{1 + lines % 12:02d}-{1 + lines % 28:02d}"})
            written += out.write(line + "\n")
    return lines


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def ingest(path: Path) -> dict[str, Any]:
    """`newsdesk ingest -q PATH` in a fresh process: seconds, its own peak RSS, RSS samples over time."""
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as home:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSDESK_HOME": home, "NEWSDESK_EMBEDDER": "hash",
               "NEWSDESK_ENTITIES": "lazy"}
        started = time.perf_counter()
        child = subprocess.Popen([str(Path(sys.executable).with_name("newsdesk")), "ingest", "-q", str(path)],
                                 cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        samples: list[tuple[float, float]] = []

        def sample() -> None:
            while child.poll() is None:
                samples.append((time.perf_counter() - started, _rss_mb(child.pid)))
                time.sleep(2.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stderr = child.stderr.read() if child.stderr else ""
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        sampler.join()
        size = sum(p.stat().st_size for p in Path(home).glob("newsdesk.sqlite3*"))
        faiss = sum(p.stat().st_size for p in Path(home).glob("*.faiss*"))
    summary = next((line for line in stderr.splitlines() if line.startswith("ingest:")), stderr.strip()[-300:])
    rejected = sum(line.startswith("rejected  ") for line in stderr.splitlines())
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "samples": samples, "summary": summary, "rejected": rejected,
            "exit": child.returncode, "sqlite_mb": size / 1e6, "faiss_mb": faiss / 1e6}


def _at(samples: list[tuple[float, float]], fraction: float) -> float:
    if not samples:
        return 0.0
    end = samples[-1][0]
    return next(rss for t, rss in samples if t >= fraction * end)


def part_stream(quick: bool, megabytes: int | None = None) -> str:
    """The 2g table: one generated JSON Lines file imported by `newsdesk ingest`, streamed."""
    megabytes = megabytes or (100 if quick else 1024)
    path = ROOT / "var" / "bench" / f"stream-{megabytes}MB.jsonl"
    lines = generate(path, megabytes)
    r = ingest(path)
    bad = lines // BAD_EVERY
    articles = lines - bad
    rss = [_at(r["samples"], f) for f in (0.25, 0.5, 0.75, 1.0)]
    row = [f"{path.stat().st_size / 1e6:,.0f}", f"{articles:,}", f"{bad:,}", r["seconds"], articles / r["seconds"],
           r["peak_rss_mb"], " / ".join(f"{x:,.0f}" for x in rss), r["faiss_mb"], r["sqlite_mb"]]
    return (
        f"`newsdesk ingest -q` of one generated JSON Lines file ({megabytes:,} MB of synthetic articles, ~4 KB each, "
        f"one broken line in {BAD_EVERY:,}) into an empty home, in a fresh process, with the hash embedder and NER "
        "left lazy: the streaming import itself (read a line at a time, cleaned in windows of 2,000 articles, "
        "stored 32 at a time), not the model. Peak RSS is that process's own (wait4); RSS is also sampled at a "
        "quarter, half, three quarters and the end of the run: what grows is the FAISS index (every passage's "
        f"vector, its file size shown), not the import. Exit {r['exit']}; {r['rejected']:,} lines rejected by "
        f"number; {r['summary']}\n\n"
        + report.table(["file MB", "articles", "bad lines", "seconds", "articles/s", "peak RSS MB",
                        "RSS MB at 25/50/75/100%", "FAISS MB", "SQLite MB"], [row])
    )


if __name__ == "__main__":
    print(part_stream(False, int(sys.argv[1]) if len(sys.argv) > 1 else None))
