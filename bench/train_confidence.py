"""`python -m bench.train_confidence` (`make train`): learn the answer-confidence model.

From ../shared/train/squad-train-1.1.json only (never a dev or eval set): a seeded sample of the
even-numbered articles is ingested into a temporary library through `Library.ingest_articles`, and a
seeded sample of questions is asked through `Library.ask_ranked`, nothing refused. A question of an
ingested article is a positive when one of its answer texts lies in the first quote's paragraph(s)
(`Quote.context`), a negative otherwise; a question of an odd-numbered article (not in the library)
is a negative. A logistic regression with an L2 penalty (Newton's method, numpy) over the features
of index.confidence is fitted, checked on a fifth of the articles held out, refitted on all, and
written to index/confidence_model.json with its feature names, standardization and provenance.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from bench.data import ROOT, SHARED
from index.confidence import FEATURES, MODEL_FILE, Model, feature_map
from index.config import Settings
from index.embed import Embedder, make_embedder
from index.evaluate import Case, load_squad
from index.library import Library
from index.models import Article

TRAIN = SHARED / "train" / "squad-train-1.1.json"
OUT = ROOT / "index" / MODEL_FILE
VERSION = 1


@dataclass(frozen=True)
class Row:
    """One asked question: its features, its label, whether its article was in the library."""

    features: dict[str, float]
    label: int
    in_library: bool
    title: str


def choose(articles: Sequence[Article], cases: Sequence[Case], n_articles: int, n_in: int, n_out: int,
           seed: int) -> tuple[list[Article], list[Case], list[Case]]:
    """The articles to ingest (from the even-numbered ones) and the questions to ask of them and of
    the odd-numbered articles, which stay out of the library."""
    rng = random.Random(seed)
    even = [a for i, a in enumerate(articles) if i % 2 == 0]
    stored = rng.sample(even, min(n_articles, len(even)))
    titles = {a.title for a in stored}
    inside = [c for c in cases if c.title in titles]
    outside = [c for c in cases if c.half == "test"]
    return stored, rng.sample(inside, min(n_in, len(inside))), rng.sample(outside, min(n_out, len(outside)))


async def collect(stored: Sequence[Article], asked: Sequence[Case], embedder: Embedder, settings: Settings) -> list[Row]:
    """Ingest `stored` into a temporary library and ask every case; one Row each."""
    titles = {a.title for a in stored}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-train-") as home:
        async with Library(replace(settings, home=Path(home), min_score=-1.0), embedder=embedder) as lib:
            started = time.perf_counter()
            await lib.ingest_articles(list(stored))
            print(f"ingested {len(stored)} articles in {time.perf_counter() - started:.0f} s", flush=True)
            started = time.perf_counter()
            for number, case in enumerate(asked, start=1):
                answer, hits = await lib.ask_ranked(case.question)
                inside = case.title in titles
                context = answer.quotes[0].context.casefold() if answer.quotes else ""
                label = int(inside and any(g.strip().casefold() in context for g in case.answers if g.strip()))
                rows.append(Row(feature_map(case.question, hits), label, inside, case.title))
                if number % 250 == 0:
                    print(f"asked {number}/{len(asked)} ({time.perf_counter() - started:.0f} s)", flush=True)
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 50) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-penalized logistic regression on standardized `x` (Newton's method;
    the bias is not penalized)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -30, 30)))
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(theta))
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def train(rows: Sequence[Row], l2: float, names: Sequence[str] = FEATURES) -> Model:
    """A Model fitted to `rows` (features standardized by their mean and spread)."""
    x = np.array([[r.features.get(n, 0.0) for n in names] for r in rows], np.float64)
    y = np.array([r.label for r in rows], np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0  # a constant feature (sentence_type before entity types exist) gets weight 0
    weights, bias = fit((x - mean) / scale, y, l2)
    return Model(tuple(names), mean, scale, weights, bias)


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (the chance a positive outscores a negative)."""
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positives = labels.sum()
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    return float((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def evaluate(model: Model, rows: Sequence[Row]) -> dict[str, float]:
    """AUC and log loss of the model on `rows`, and the AUC of the fused score's ingredients alone."""
    x = np.array([[r.features.get(n, 0.0) for n in model.names] for r in rows], np.float64)
    y = np.array([r.label for r in rows], np.float64)
    p = np.clip(model.probability(x), 1e-9, 1 - 1e-9)
    return {"rows": len(rows), "positives": int(y.sum()), "auc": round(auc(p, y), 4),
            "log_loss": round(float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), 4)}


def held_out(rows: Sequence[Row], seed: int) -> tuple[list[Row], list[Row]]:
    """Rows split by article: about a fifth of the articles held out."""
    rng = random.Random(seed + 1)
    titles = sorted({r.title for r in rows})
    test = set(rng.sample(titles, len(titles) // 5))
    return [r for r in rows if r.title not in test], [r for r in rows if r.title in test]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_confidence", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="even-numbered train articles to ingest")
    parser.add_argument("--in-questions", type=int, default=2000, help="questions asked of the ingested articles")
    parser.add_argument("--out-questions", type=int, default=1000, help="questions asked of articles not ingested")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty on the standardized weights")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, default=OUT, help="where the model JSON goes")
    parser.add_argument("--dump", type=Path, help="also write the asked rows (JSON Lines) here")
    parser.add_argument("--rows", type=Path, help="refit from rows dumped earlier instead of asking")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.rows:
        rows = [Row(**json.loads(line)) for line in args.rows.read_text(encoding="utf-8").splitlines() if line]
        sizes = json.loads(args.out.read_text(encoding="utf-8")).get("data", {}) if args.out.exists() else {}
    else:
        if not TRAIN.is_file():
            print(f"{TRAIN} is missing: nothing to learn from", file=sys.stderr)
            return 1
        articles, cases = load_squad(TRAIN)
        stored, inside, outside = choose(articles, cases, args.articles, args.in_questions, args.out_questions, args.seed)
        print(f"{TRAIN.name}: {len(articles)} articles, {len(cases)} questions; ingesting {len(stored)} "
              f"even-numbered articles, asking {len(inside)} of their questions and {len(outside)} of odd-numbered "
              f"articles (not ingested); seed {args.seed}", flush=True)
        settings = Settings.from_env({}, dotenv=None)
        embedder = make_embedder(settings.embedder, ROOT / "var" / "models")
        rows = asyncio.run(collect(stored, [*inside, *outside], embedder, settings))
        sizes = {"file": f"shared/train/{TRAIN.name}", "articles_ingested": len(stored),
                 "questions_in_library": len(inside), "questions_not_in_library": len(outside),
                 "seed": args.seed, "embedder": embedder.name}
    if args.dump:
        args.dump.write_text("".join(json.dumps(r.__dict__) + "\n" for r in rows), encoding="utf-8")
    fitting, test = held_out(rows, args.seed)
    check = evaluate(train(fitting, args.l2), test)
    model = train(rows, args.l2)
    fitted = evaluate(model, rows)
    print(f"rows {len(rows)} (positives {sum(r.label for r in rows)}); held-out articles: {check}; all: {fitted}")
    for name, weight in zip(model.names, model.weights):
        print(f"  {name:<16} {weight:+.3f}")
    print(f"  {'bias':<16} {model.bias:+.3f}")
    meta: dict[str, Any] = {
        "version": VERSION, "trained": date.today().isoformat(), "l2": args.l2,
        "data": {**sizes, "description": "SQuAD v1.1 train only: positives are questions of ingested articles "
                 "whose answer text lies in the first quote's paragraph; negatives the rest of those and every "
                 "question of an article not ingested"},
        "held_out_articles": check, "all_rows": fitted,
    }
    args.out.write_text(json.dumps(replace(model, meta=meta).to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
