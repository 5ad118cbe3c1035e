"""`python -m bench.answer_types [--misses FILE]`: how well `answer_types` matches what the NER finds.

For each answerable news-2023 quiz question, the `expect` string is looked up (case-insensitively)
in the paragraphs of the question's articles, the paragraph run through the NER, and the labels of
the entities overlapping it collected. A question is a hit when one of them is in `answer_types(q)`.
Rules were tuned on the even ISO weeks of `asked`; the odd weeks are the held-out half.
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.data import SHARED
from index.entities import answer_types, passages_entities
from index.readers.jsonfile import parse_object
from index.text import sentence_spans

NEWS = SHARED / "eval" / "news-2023"


def _paragraphs_by_url() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(NEWS.glob("articles-*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                article = parse_object(json.loads(line), f"{path.name}:{number}")
                found[article.url] = article.paragraphs
    return found


def _occurrences(question: dict[str, Any], paragraphs: dict[str, tuple[str, ...]]) -> list[tuple[str, int, int]]:
    """(paragraph, start, end) of each place an expected answer is written in the question's articles."""
    out = []
    for url in question["urls"]:
        for text in paragraphs.get(url, ()):
            folded = text.casefold()
            for expect in question["expect"]:
                start = folded.find(expect.casefold())
                if start >= 0:
                    out.append((text, start, start + len(expect)))
    return out


def measure(questions: list[dict[str, Any]], paragraphs: dict[str, tuple[str, ...]]) -> tuple[dict[str, float], list[str]]:
    """Counts and shares for one half, and a line per question that missed."""
    found = typed = hits = 0
    misses = []
    for q in questions:
        spots = _occurrences(q, paragraphs)
        if not spots:
            continue
        found += 1
        entities = passages_entities([(text, sentence_spans(text) or [(0, len(text))]) for text, _, _ in spots])
        labels = {
            label for (text, a, b), per_sentence in zip(spots, entities)
            for sentence in per_sentence for start, end, label in sentence if start < b and a < end
        }
        wanted = answer_types(q["q"])
        typed += bool(wanted)
        hits += bool(wanted & labels)
        if not wanted & labels:
            misses.append(f"{sorted(wanted)} vs {sorted(labels)} | {q['q']} => {q['expect'][0]}")
    return {
        "answerable_found": found, "typed": typed, "hits": hits,
        "precision": hits / typed if typed else 0.0, "recall": hits / found if found else 0.0,
    }, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", type=Path, help="write the missed questions of the tuning half here")
    args = parser.parse_args()
    questions = [json.loads(line) for line in (NEWS / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [q for q in questions if q["expect"]]
    paragraphs = _paragraphs_by_url()
    started = time.perf_counter()
    for half, parity in (("even weeks (tuned on)", 0), ("odd weeks (held out)", 1)):
        part = [q for q in answerable if date.fromisoformat(q["asked"]).isocalendar()[1] % 2 == parity]
        result, misses = measure(part, paragraphs)
        print(f"{half}: {len(part)} answerable, " + ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()))
        if args.misses and parity == 0:
            args.misses.write_text("\n".join(misses) + "\n", encoding="utf-8")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
