"""`python -m bench.train_ranking` (`make train`): learn the fusion weights of ranking (index.fusion).

From ../shared/train/squad-train-1.1.json only (never a dev or eval set): a seeded sample of its
articles is ingested into a temporary library and a seeded sample of their questions is searched
(index.search.retrieve, every candidate kept). For each question with a candidate holding an
answer text and one not, a conditional logit ("which of these candidates holds the answer",
softmax over the question's candidates) is fitted over the evidence of index.fusion.FEATURES by
Newton's method with a small L2 penalty. The weights are scaled so that dense, coverage and
sentence add up to 1 and written to index/ranking_model.json, with the top-1 accuracy of the
learned and the hand-tuned weights on a fifth of the articles held out. The learned weights are
kept only when they beat the hand-tuned ones there (model selection on train data, not on a dev
set); otherwise the file keeps the hand-tuned weights and records the fitted ones beside them.

The weight of `type` is set (--type), not taken from the fit: SQuAD learns about 0 for it (nearly
every Wikipedia candidate names the kind of thing asked for), while on news it measured +0.025
paragraph@1 at 0.1 (docs/EVAL.md). The fitted value is kept in the file's "fitted_type".
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

import numpy as np

from bench.data import ROOT, SHARED
from index import fusion, scoring, search
from index.config import Settings
from index.embed import make_embedder
from index.evaluate import Case, load_squad
from index.library import Library
from index.models import Article

TRAIN = SHARED / "train" / "squad-train-1.1.json"
OUT = ROOT / "index" / fusion.MODEL_FILE
VERSION = 1


@dataclass(frozen=True)
class Question:
    """One searched question: its candidates' evidence (rows of FEATURES) and which hold the answer."""

    evidence: list[list[float]]
    answers: list[bool]
    title: str


def evidence(hit: scoring.Hit) -> list[float]:
    return [hit.dense, hit.coverage, hit.sentence, hit.typed]


async def collect(stored: Sequence[Article], asked: Sequence[Case], settings: Settings) -> list[Question]:
    """Ingest `stored` into a temporary library and search every case, keeping every candidate."""
    embedder = make_embedder(settings.embedder, ROOT / "var" / "models")
    found: list[Question] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-train-") as home:
        async with Library(replace(settings, home=Path(home)), embedder=embedder) as lib:
            started = time.perf_counter()
            await lib.ingest_articles(list(stored))
            print(f"ingested {len(stored)} articles in {time.perf_counter() - started:.0f} s", flush=True)
            for number, case in enumerate(asked, start=1):
                hits = await search.retrieve(lib.store, lib.vectors, lib._embed_query, case.question, None, k=10 * search.CANDIDATES,
                                             sentences=lib.sentence_vectors, entities=lib.sentence_entities)
                answers = [any(a.strip().casefold() in h.passage.text.casefold() for a in case.answers if a.strip()) for h in hits]
                if any(answers) and not all(answers):
                    found.append(Question([evidence(h) for h in hits], answers, case.title))
                if number % 500 == 0:
                    print(f"searched {number}/{len(asked)} ({time.perf_counter() - started:.0f} s)", flush=True)
    return found


def fit(questions: Sequence[Question], l2: float, iterations: int = 100) -> np.ndarray:
    """Weights maximizing the probability of the answer-holding candidates (conditional logit),
    by Newton steps halved until the loss falls."""
    blocks = [(np.array(q.evidence, np.float64), np.array(q.answers)) for q in questions]
    theta = np.zeros(len(fusion.FEATURES))
    loss = _loss(blocks, theta, l2)
    for _ in range(iterations):
        gradient = l2 * theta
        hessian = l2 * np.eye(len(theta))
        for x, positive in blocks:
            p_all = _softmax(x @ theta)
            mean_all = p_all @ x
            gradient += mean_all - _softmax(x[positive] @ theta) @ x[positive]
            hessian += (x * p_all[:, None]).T @ x - np.outer(mean_all, mean_all)  # the loss's curvature, without
            # the positives' own (which only lowers it): a positive definite bound, so steps go downhill
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(theta)), gradient)
        while _loss(blocks, theta - step, l2) > loss and np.max(np.abs(step)) > 1e-10:
            step /= 2
        theta -= step
        new = _loss(blocks, theta, l2)
        if loss - new < 1e-9:
            break
        loss = new
    return theta


def _loss(blocks: Sequence[tuple[np.ndarray, np.ndarray]], theta: np.ndarray, l2: float) -> float:
    """Minus the log-probability of the answer-holding candidates, plus the L2 penalty."""
    total = 0.5 * l2 * float(theta @ theta)
    for x, positive in blocks:
        z = x @ theta
        top = z.max()
        total += float(np.log(np.exp(z - top).sum()) - np.log(np.exp(z[positive] - top).sum()))
    return total


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    out: np.ndarray = e / e.sum()
    return out


def scaled(theta: np.ndarray, meta: dict[str, object], type_weight: float | None = None) -> fusion.Fusion:
    """The Fusion with the ranking of `theta`, scaled so dense, coverage and sentence add up to 1
    (with `type_weight` in place of the fitted type weight when given)."""
    total = float(theta[:3].sum())
    if total <= 0 or min(theta[:3]) < 0:
        raise SystemExit(f"the fitted weights {theta.tolist()} do not rank like evidence (a negative or zero sum)")
    w = [float(v) / total for v in theta]
    return fusion.Fusion(w[0], w[1], w[2], w[3] if type_weight is None else type_weight, meta)


def top1(weights: fusion.Fusion, questions: Sequence[Question]) -> float:
    """Share of questions whose best-scored candidate holds the answer."""
    right = 0
    for q in questions:
        scores = [weights.score(*e) for e in q.evidence]
        right += q.answers[int(np.argmax(scores))]
    return right / max(len(questions), 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_ranking", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="train articles to ingest")
    parser.add_argument("--questions", type=int, default=3000, help="questions to search")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--type", type=float, default=0.1, help="the weight of `type` (set, not learned: see above)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, help="keep the searched evidence here (JSON) and reuse it when present")
    args = parser.parse_args(argv)
    if not TRAIN.is_file():
        print(f"{TRAIN} is missing: nothing to learn from", file=sys.stderr)
        return 1
    started = time.perf_counter()
    rng = random.Random(args.seed)
    articles, cases = load_squad(TRAIN)
    stored = rng.sample(articles, min(args.articles, len(articles)))
    titles = {a.title for a in stored}
    asked = rng.sample([c for c in cases if c.title in titles], args.questions)
    print(f"{TRAIN.name}: ingesting {len(stored)} of {len(articles)} articles, searching {len(asked)} questions", flush=True)
    if args.cache and args.cache.is_file():
        questions = [Question(**q) for q in json.loads(args.cache.read_text(encoding="utf-8"))]
    else:
        questions = asyncio.run(collect(stored, asked, Settings.from_env({}, dotenv=None)))
        if args.cache:
            args.cache.write_text(json.dumps([q.__dict__ for q in questions]), encoding="utf-8")
    held = set(random.Random(args.seed + 1).sample(sorted(titles), len(titles) // 5))
    fitting = [q for q in questions if q.title not in held]
    test = [q for q in questions if q.title in held]
    check = scaled(fit(fitting, args.l2), {}, args.type)
    theta = fit(questions, args.l2)
    learned = scaled(theta, {}, args.type)
    figures: dict[str, object] = {"fitted_type": round(float(theta[3] / theta[:3].sum()), 4), "questions": len(questions),
               "held_out_questions": len(test),
               "held_out_top1_learned": round(top1(check, test), 4),
               "held_out_top1_hand_tuned": round(top1(fusion.HAND_TUNED, test), 4)}
    fitted = dict(zip(fusion.FEATURES, (round(w, 4) for w in learned.to_json()["weights"])))
    better = top1(check, test) > top1(fusion.HAND_TUNED, test)
    print(f"{figures}\nfitted weights: {fitted}; " + ("kept" if better else "not better than the hand-tuned ones on the "
          "held-out articles: the hand-tuned weights are kept"))
    learned = learned if better else fusion.HAND_TUNED
    figures = {**figures, "fitted": fitted, "kept": "learned" if better else "hand-tuned"}
    meta = {"version": VERSION, "trained": date.today().isoformat(), "l2": args.l2, "seed": args.seed,
            "data": f"shared/train/{TRAIN.name}: {len(stored)} articles ingested, {len(asked)} questions searched",
            **figures}
    args.out.write_text(json.dumps(replace(learned, meta=meta).to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
