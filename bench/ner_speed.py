"""`python -m bench.ner_speed [PASSAGES]`: what the NER costs on news-2023 paragraphs.

Prints spaCy's import+load time, the RSS it adds (beside the onnx embedder), NER paragraphs/s,
the embedder's paragraphs/s, and a real `Library.ingest_articles` of the same articles into a
fresh folder with and without NER at ingest (seconds per 1,000 passages).
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.data import ROOT, SHARED
from index.config import Settings
from index.embed import Embedder, make_embedder
from index.library import Library
from index.models import Article, Passage
from index.readers.jsonfile import parse_object
from index.text import sentence_spans


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


def articles(passages: int) -> list[Article]:
    """news-2023 articles in file order, until they hold `passages` paragraphs."""
    out: list[Article] = []
    count = 0
    for path in sorted((SHARED / "eval" / "news-2023").glob("articles-*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            out.append(parse_object(json.loads(line), f"{path.name}:{number}"))
            count += len(out[-1].paragraphs)
            if count >= passages:
                return out
    return out


class _NoNer(Library):
    async def sentence_entities(self, passages: Sequence[Passage]) -> dict[int, list[list[tuple[int, int, str]]]]:
        return {}


async def _ingest(kind: type[Library], embedder: Embedder, batch: list[Article]) -> float:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings.from_env({"NEWSDESK_HOME": home}, dotenv=None)
        async with kind(settings, embedder=embedder) as lib:
            started = time.perf_counter()
            await lib.ingest_articles(batch)
            return time.perf_counter() - started


def main() -> None:
    batch = articles(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
    texts = [p for a in batch for p in a.paragraphs]
    embedder = make_embedder("onnx", ROOT / "var" / "models")
    embedder.embed(texts[:32])
    started = time.perf_counter()
    for start in range(0, len(texts), 256):
        embedder.embed(texts[start : start + 256])
    embed_rate = len(texts) / (time.perf_counter() - started)
    before = _rss_mb()
    started = time.perf_counter()
    from index import entities
    entities.pipeline()
    load = time.perf_counter() - started
    entities.sentence_entities("Joe Biden visited Paris.", [(0, 24)])
    added = _rss_mb() - before
    items = [(t, sentence_spans(t) or [(0, len(t))]) for t in texts]
    started = time.perf_counter()
    found = entities.passages_entities(items)
    ner_rate = len(texts) / (time.perf_counter() - started)
    plain = asyncio.run(_ingest(_NoNer, embedder, batch))
    with_ner = asyncio.run(_ingest(Library, embedder, batch))
    per_k = 1000 / len(texts)
    print(json.dumps({
        "articles": len(batch), "passages": len(texts), "chars_mean": round(sum(map(len, texts)) / len(texts)),
        "spacy_import_load_s": round(load, 2), "rss_added_mb": round(added),
        "ner_paragraphs_per_s": round(ner_rate), "embed_paragraphs_per_s": round(embed_rate),
        "entities_per_paragraph": round(sum(len(e) for f in found for e in f) / len(texts), 2),
        "ingest_s_per_1000_without_ner": round(plain * per_k, 2), "ingest_s_per_1000_with_ner": round(with_ner * per_k, 2),
    }, indent=1))


if __name__ == "__main__":
    main()
