"""The evaluation data beside the repo (`../shared`), read in place; None when it is absent."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BBC = SHARED / "corpus" / "bbc"
SQUAD = SHARED / "eval" / "squad-dev-1.1.json"


@dataclass(frozen=True)
class BbcArticle:
    headline: str
    paragraphs: tuple[str, ...]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # sport/199.txt is Latin-1
        return raw.decode("latin-1")


def bbc_articles(limit: int | None = None) -> list[BbcArticle] | None:
    """BBC articles in a stable order: headline on line 1, paragraphs split at blank lines."""
    if not BBC.is_dir():
        return None
    articles = []
    for path in sorted(BBC.glob("*/*.txt"))[:limit]:
        text = _decode(path.read_bytes()).replace("\r\n", "\n")
        headline, _, body = text.strip().partition("\n")
        paragraphs = tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
        articles.append(BbcArticle(headline.strip(), paragraphs))
    return articles


def bbc_paragraphs(limit: int | None = None) -> list[str] | None:
    """Every BBC paragraph (about 10k-20k), or the first `limit` in a spread over the corpus."""
    articles = bbc_articles()
    if articles is None:
        return None
    paragraphs = [p for a in articles for p in a.paragraphs]
    if limit is None or limit >= len(paragraphs):
        return paragraphs
    step = len(paragraphs) / limit
    return [paragraphs[int(i * step)] for i in range(limit)]


@dataclass(frozen=True)
class Squad:
    paragraphs: list[str]
    questions: list[str]
    gold: list[int]  # index into paragraphs


def squad(limit_questions: int | None = None) -> Squad | None:
    """SQuAD v1.1 dev: every paragraph, and questions with the paragraph they were asked about."""
    if not SQUAD.is_file():
        return None
    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    paragraphs: list[str] = []
    questions: list[str] = []
    gold: list[int] = []
    for article in data:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                questions.append(qa["question"])
                gold.append(len(paragraphs))
            paragraphs.append(paragraph["context"])
    if limit_questions is not None and limit_questions < len(questions):
        step = len(questions) / limit_questions
        picks = [int(i * step) for i in range(limit_questions)]
        questions, gold = [questions[i] for i in picks], [gold[i] for i in picks]
    return Squad(paragraphs, questions, gold)
