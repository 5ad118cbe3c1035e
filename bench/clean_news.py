"""`python -m bench.clean_news`: what boilerplate cleaning drops from the news-2023 dev set.

Reads ../shared/eval/news-2023/articles-*.jsonl in place (skips cleanly when absent), each file
as the JSONL reader does (parse, then `clean_articles`), and prints paragraphs and words before
and after, per-rule counts, and the guard: how many qa.jsonl questions have an `expect` string
in the text of one of their `urls` articles, before and after cleaning. `--as-read` prints instead
what `newsdesk ingest` would say of the 8 files: each read by `index.readers.read_path` (no
embedding), the paragraphs dropped from the articles kept, per reason, and the summary line.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.data import SHARED
from index.boilerplate import clean_articles, dropped_in, dropped_summary, reason_words
from index.models import Article
from index.readers import partition, read_path
from index.readers.jsonfile import parse_jsonl

NEWS = SHARED / "eval" / "news-2023"


def _texts(articles: list[Article]) -> dict[str, str]:
    return {a.url: "\n\n".join(a.paragraphs) for a in articles}


def _answered(questions: list[dict[str, Any]], texts: dict[str, str]) -> int:
    """Questions with an `expect` string, as whole words in any case, in one of their articles."""
    return sum(
        any(re.search(rf"(?<!\w){re.escape(e)}(?!\w)", texts.get(url, ""), re.IGNORECASE)
            for e in q["expect"] for url in q.get("urls", []))
        for q in questions
    )


def measure(news: Path = NEWS) -> dict[str, Any] | None:
    """The figures as a dict, or None when the data is absent."""
    files = sorted(news.glob("articles-*.jsonl"))
    if not files or not (news / "qa.jsonl").is_file():
        return None
    counts: Counter[str] = Counter()
    before: list[Article] = []
    after: list[Article] = []
    for path in files:
        raw = parse_jsonl(path.read_bytes(), str(path))
        before += [a for a in raw if isinstance(a, Article)]
        after += [a for a in clean_articles(raw, counts) if isinstance(a, Article)]
    questions = [json.loads(line) for line in (news / "qa.jsonl").read_text().splitlines() if line.strip()]
    old, new = _texts(before), _texts(after)
    lost = [q["q"] for q in questions if _answered([q], old) and not _answered([q], new)]
    return {
        "articles": [len(before), len(after)],
        "paragraphs": [sum(len(a.paragraphs) for a in x) for x in (before, after)],
        "words": [sum(len(p.split()) for a in x for p in a.paragraphs) for x in (before, after)],
        "questions": len(questions),
        "answerable": [_answered(questions, old), _answered(questions, new)],
        "lost": lost,
        "rules": dict(counts.most_common()),
    }


def as_read(news: Path = NEWS) -> dict[str, Any] | None:
    """Per file and in all, as the reader returns them: articles, rejected, paragraphs kept, dropped per rule."""
    files = sorted(news.glob("articles-*.jsonl"))
    if not files:
        return None
    figures: dict[str, Any] = {"files": {}, "rules": Counter()}
    for path in files:
        articles, rejected = partition(read_path(path))
        counts = dropped_in(articles)
        figures["rules"] += counts
        figures["files"][path.name] = {
            "articles": len(articles), "rejected": len(rejected),
            "paragraphs": sum(len(a.paragraphs) for a in articles), "dropped": sum(counts.values()),
        }
    return figures


def _print_as_read(figures: dict[str, Any]) -> None:
    print(f"{'file':<18} {'articles':>9} {'rejected':>9} {'kept':>9} {'dropped':>9}")
    for name, f in figures["files"].items():
        print(f"{name:<18} {f['articles']:>9,} {f['rejected']:>9,} {f['paragraphs']:>9,} {f['dropped']:>9,}")
    for rule, count in figures["rules"].most_common():
        print(f"  {rule:<14} {count:>8,}  {reason_words(rule, count)}")
    print(f"ingest: {dropped_summary(figures['rules'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--as-read", action="store_true",
                        help="what the readers drop per reason, and the line newsdesk ingest prints")
    args = parser.parse_args(argv)
    if args.as_read:
        read = as_read()
        if read is None:
            print(f"skipped: {NEWS} is absent")
        elif args.json:
            print(json.dumps(read, indent=1))
        else:
            _print_as_read(read)
        return 0
    figures = measure()
    if figures is None:
        print(f"skipped: {NEWS} is absent")
        return 0
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    for name in ("articles", "paragraphs", "words", "answerable"):
        old, new = figures[name]
        print(f"{name:<12} {old:>10,} -> {new:>10,}  ({new - old:+,}, {(new - old) / old:+.1%})")
    print(f"questions    {figures['questions']:>10,}")
    for question in figures["lost"]:
        print(f"  lost: {question}")
    for rule, count in figures["rules"].items():
        print(f"  {rule:<18} {count:>8,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
