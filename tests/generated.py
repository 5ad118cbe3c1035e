"""Generated articles for reliability tests: many small, distinct .txt files in a folder."""
from __future__ import annotations

import random
from pathlib import Path

WORDS = (
    "harbour council budget election minister river bridge vaccine drought festival railway "
    "court strike export summit pipeline satellite museum tariff reservoir treaty glacier "
    "orchestra refinery census ferry embassy wildfire harvest airline senate copper lagoon"
).split()


def topic(article: int) -> str:
    """A word only article `article` contains, to ask about it."""
    return f"topic{article:05d}"


def paragraph(rng: random.Random, number: int, article: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 30))]
    return f"Report {topic(article)} part {number}: the {' '.join(words)} story continued on day {number}."


def article_text(index: int, paragraphs: int | None = None, seed: int = 0) -> tuple[str, str, int]:
    """(title, file text, paragraph count) of generated article `index`."""
    rng = random.Random(seed * 100003 + index)
    count = paragraphs or rng.randint(3, 8)
    title = f"Generated dispatch number {index}"
    body = "\n\n".join(paragraph(rng, n, index) for n in range(1, count + 1))
    text = f"---\ntitle: {title}\nsource: GENERATED\nurl: https://example.org/{index}\n---\n{body}\n"
    return title, text, count


def question_for(index: int, seed: int = 0) -> str:
    """A question only article `index` answers well: its second paragraph's words."""
    text = article_text(index, seed=seed)[1]
    return text.split("---\n", 2)[2].split("\n\n")[1].strip()


def write_articles(folder: Path, count: int, seed: int = 0, start: int = 0) -> dict[str, int]:
    """Write `count` articles to `folder`; returns {title: paragraph count}."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, int] = {}
    for index in range(start, start + count):
        title, text, paragraphs = article_text(index, seed=seed)
        (folder / f"article-{index:05d}.txt").write_text(text, encoding="utf-8")
        expected[title] = paragraphs
    return expected
