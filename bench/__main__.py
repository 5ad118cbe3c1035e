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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import report
from bench.data import BBC, ROOT, SQUAD

BACKENDS = ("onnx", "torch")
QUESTION = "who accompanies Putin?"


NOTES = """## How the backends are made

- `onnx` (`index/embed_onnx.py`): the packaged all-MiniLM-L6-v2 traced with `torch.onnx.export`
  (TorchScript exporter, opset 17, dynamic batch and length), then
  `onnxruntime.quantization.quantize_dynamic` on the MatMuls: int8 weights per channel with
  `reduce_range` (about 15% faster here than full-range int8 for cosine 0.992 vs 0.993 to fp32;
  per-tensor int8 fell to cosine 0.956). Exported once into `<NEWSDESK_HOME>/models/`, named by a key of
  model, torch, onnx and onnxruntime versions, written to a temporary folder and renamed. Later
  start-ups import only onnxruntime, tokenizers and numpy. Tokenized with `tokenizers` from the
  packaged `tokenizer.json`, truncated at 256 tokens like sentence-transformers' `max_seq_length`
  (the file itself says 128 with fixed padding to 128: both overridden), batches of 8 sorted by
  length, mean pooling and L2 normalization in numpy. The fp32 export matches torch to cosine 1.0000.
- onnxruntime session: 2 intra-op threads, sequential execution, thread spinning off. Measured with
  the machine at load 8 on 2 cores: a question took 2.7-5.2 ms with spinning off against 10-14 ms
  with it on (and 4-10 ms with one thread); throughput 37-42 against 21-23 paragraphs/s.
- FAISS single queries: one OpenMP thread (`faiss.omp_set_num_threads(1)`); with two on a busy
  machine a Flat search at 10k took 14 ms instead of 0.3 ms (table 3).
- Dynamic int8 quantizes activations per batch, so a text embedded alone and inside a batch agree
  to cosine >= 0.99, not bit for bit.
- `torch`: sentence-transformers fp32, batch 32, the reference.
- Part 2b (`--only scale --keep DIR` reuses filled data folders): the vector store is exact Flat up
  to FLAT_MAX = 50k passages, then IVF (nlist 4 sqrt N, nprobe 64) trained from SQLite's vectors in a
  thread (2 OpenMP threads) and swapped in; queries use one OpenMP thread. Query-path fixes it
  measured: `passages_by_id` joined articles first (SQLite 3.40 scanned every article of the scope:
  100 ms a question at 100k; now CROSS JOIN, 2 ms); BM25 ranked every match joined to its article
  (65 ms at 100k; now FTS5 ranks alone, terms in more than 5,000 passages are left out of the MATCH,
  scopes checked on the best 200); the article count per answer was a full listing (now COUNT).
  Then (p50 36/54/106 ms at 10k/100k/1M before): the article count per scope set, the passage
  count N and each term's document count are cached, exact, until the next commit (keyed by the
  reader's `PRAGMA data_version` and the store's own commits; 17 + 8 + 8.5 ms at 1M before); each
  passage's sentence stems (one regex pass per sentence) and each text's shingles are memoized by text; scoring and `compose` run
  in a worker thread. The second round of questions finds its term counts cached.

Regenerate: `make bench` (about 20-40 minutes) or `.venv/bin/python -m bench --quick`
(`--only embedding squad ...` for some parts, `--no-write` to leave this file alone).
"""


class Skipped(Exception):
    """A part could not run; the message says why (it goes into the report)."""


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
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


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


def part_scale(quick: bool, keep: Path | None) -> str:
    if not BBC.is_dir():
        raise Skipped(f"{BBC} is absent")
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        for n in sizes:
            home = (keep or Path(folder)) / f"scale-{n}"
            if not (home / "vectors.faiss").is_file():
                shutil.rmtree(home, ignore_errors=True)
                built = worker("scale", {"n": n, "base": 4000, "home": str(home)})
            else:
                built = json.loads((home / "bench-build.json").read_text())
            r = worker("scale_ask", {"home": str(home)})
            rows.append([n, built["index"], built["fill_s"], built["index_build_s"], built["peak_rss_mb"],
                         r["open_s"], r["answers"], r["p50_ms"], r["p95_ms"], r["peak_rss_mb"],
                         r["sqlite_mb"], r["faiss_mb"]])
    return (
        "Synthetic passages made from real ones (bench/scale.py): each is one real BBC paragraph's "
        "sentences with a sentence of another shuffled in; its vector 0.7 x the first paragraph's onnx "
        "embedding + 0.3 x the other's + noise, each sentence's vector its paragraph's + noise; 5 passages "
        "an article. Written straight into a data folder's SQLite (FTS5 through its triggers), then the "
        "Library builds FAISS from SQLite (Flat up to FLAT_MAX = 50k, else IVF trained in a thread) and saves it. "
        "Answers: a fresh process opens the Library (the saved index, memory-mapped past 256 MB) and "
        "times warm `Library.ask` (onnx question embedding included) over 8 generic questions + ~40 "
        "BBC headlines, twice. Peak RSS is the whole process.\n\n"
        + report.table(["passages", "index", "fill s", "index build s", "build peak RSS MB", "open s",
                        "answers", "answer p50 ms", "answer p95 ms", "answer peak RSS MB", "SQLite MB",
                        "FAISS MB"], rows)
    )


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
    parser.add_argument("--only", nargs="*", help="parts to run: embedding library faiss scale cli squad")
    parser.add_argument("--articles", type=int, help="BBC articles for the library part (default all, quick 100)")
    parser.add_argument("--keep", type=Path, help="keep the scale part's data folders here (and reuse them)")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    worker("embed", {"backend": "onnx", "paragraphs": 1, "question_rounds": 1})  # export once, outside timings
    parts = {
        "embedding": ("1. Embedding throughput (BBC)", lambda: part_embedding(args.quick, runs)),
        "library": ("2. Ingest and answer latency through the library (BBC)", lambda: part_library(args.quick, args.articles)),
        "faiss": ("3. Vector search: Flat vs IVF at 10k / 100k / 1M", lambda: part_faiss(args.quick)),
        "scale": ("2b. Answer latency at 10k / 100k / 1M passages through the library", lambda: part_scale(args.quick, args.keep)),
        "cli": ("4. One-shot `newsdesk ask`", lambda: part_cli(runs)),
        "squad": ("5. Retrieval quality: SQuAD v1.1 dev", lambda: part_squad(args.quick)),
    }
    command = "python -m bench " + " ".join(sys.argv[1:])
    info = report.machine()
    started = datetime.now(timezone.utc)
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
        stamp = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load {report.load_average()}"
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
        NOTES,
    ])
    if not args.no_write:
        (ROOT / "docs" / "BENCHMARKS.md").write_text(doc, encoding="utf-8")
        print("wrote docs/BENCHMARKS.md")


if __name__ == "__main__":
    main()
