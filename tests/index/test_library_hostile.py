"""Hostile files and questions: each gets a clear error (or a plain answer) and changes nothing else."""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from index.errors import BadQuestion
from index.library import Library
from index.text import query_terms
from tests.conftest import ROOT, SHIPPED
from tests.generated import write_articles

BIG = 50 * 1024 * 1024


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", b"A" * BIG)
    return buffer.getvalue()


def _random_bytes(no_nul: bool) -> bytes:
    raw = random.Random(5).randbytes(8192)
    return bytes(b % 255 + 1 for b in raw) if no_nul else raw


def _big_text(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("A very large file\n\n")
        line = "This paragraph is filler text repeated until the file is far too large.\n\n"
        out.write(line * (BIG // len(line) + 1))


HOSTILE_FILES: dict[str, tuple[Callable[[], bytes] | None, str]] = {
    "empty.txt": (lambda: b"", "empty file"),
    "blank.md": (lambda: b" \n\t\n\xc2\xa0\n", "empty file"),
    "binary.txt": (lambda: _random_bytes(no_nul=False), "binary content"),
    "binary-without-nul.txt": (lambda: _random_bytes(no_nul=True), "binary content"),
    "zip-bomb.txt": (_zip_bomb, "zip archive"),
    "gzip-bomb.txt": (lambda: gzip.compress(b"B" * BIG, compresslevel=1), "gzip archive"),
    "zip-bomb.html": (_zip_bomb, "zip archive"),
    "gzip-bomb.json": (lambda: gzip.compress(b"[" * BIG, compresslevel=1), "gzip archive"),
    "huge.txt": (None, "too large"),
    "garbage-invalid-utf8.txt": (lambda: bytes(range(0x80, 0xA0)) * 200, "binary content"),
    "really-html.txt": (lambda: b"<!DOCTYPE html><html><body><p>Hello, this is a page.</p></body></html>",
                        "looks like an HTML page"),
    "no-article.html": (lambda: b"<html><head><title>Sign in</title></head><body><nav><a href='/'>Home</a></nav>"
                        b"<form><input name='q'></form></body></html>", "no article text"),
    "only-a-title.txt": (lambda: b"Just a title line\n", "no article text"),
    "page.pdf": (lambda: b"%PDF-1.7\n...", "unsupported file type"),
}


async def snapshot(lib: Library) -> dict[str, Any]:
    """Everything a user or another process could observe in the stores."""
    articles = await lib.articles(None)
    return {
        "articles": articles,
        "passages": {a.id: await lib.passages(a.id) for a in articles},
        "faiss": lib.vectors.ids(),
        "generation": await lib.store.get_meta("generation"),
        "feedback": await lib.feedback(1000),
        "stamp": (lib.settings.home / "vectors.faiss.json").read_text(),
    }


@pytest.fixture
async def stocked(library: Library, tmp_path: Path) -> Library:
    write_articles(tmp_path / "seed", 5)
    await library.ingest_paths([SHIPPED, tmp_path / "seed"])
    return library


def _make(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "hostile" / name
    path.parent.mkdir(exist_ok=True)
    maker, _ = HOSTILE_FILES[name]
    if maker is None:
        _big_text(path)
    else:
        path.write_bytes(maker())
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
async def test_hostile_file_is_rejected_and_changes_nothing(stocked: Library, tmp_path: Path, name: str) -> None:
    before = await snapshot(stocked)
    path = _make(tmp_path, name)
    results = await stocked.ingest_paths([path])
    assert [(r.status, r.origin) for r in results] == [("rejected", str(path))]
    assert HOSTILE_FILES[name][1] in results[0].reason
    uploaded = await stocked.ingest_bytes(name, path.read_bytes())  # the Discord upload path
    assert [r.status for r in uploaded] == ["rejected"] and HOSTILE_FILES[name][1] in uploaded[0].reason
    assert await snapshot(stocked) == before


async def test_latin1_bytes_in_a_text_file_fall_back_and_store_no_control_characters(stocked: Library, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Caf\xe9 prices\n\nCaf\xe9 prices rose \x81sharply\x9d in the city centre today.\n")
    [result] = await stocked.ingest_paths([path])
    assert result.status == "added" and result.title == "Café prices"
    [passage] = await stocked.passages(result.article_id)
    assert passage.text == "Café prices rose sharply in the city centre today."


async def test_a_folder_of_hostile_files_next_to_good_ones(stocked: Library, tmp_path: Path) -> None:
    for name in HOSTILE_FILES:
        _make(tmp_path, name)
    write_articles(tmp_path / "hostile" / "good", 2, seed=3, start=900)
    results = await stocked.ingest_paths([tmp_path / "hostile"])
    statuses = sorted(r.status for r in results)
    # .pdf is not a known type, so a folder walk skips it; every other hostile file is one rejection
    assert statuses == ["added"] * 2 + ["rejected"] * (len(HOSTILE_FILES) - 1)


BAD_QUESTIONS = {
    "": "empty",
    "   \t\n  ": "empty",
    "\u200b\u00a0": "empty",
    "x" * 10_000: "10,000 characters long; the limit is 500",
}

ODD_QUESTIONS = [
    "😀😀😀",
    "🇰🇵🤝🇷🇺",
    '" OR 1=1 --',
    "'; DROP TABLE articles; --",
    "NEAR(",
    "NEAR(putin korea",
    'who "accompanies Putin',
    "who accompanies Putin\"'",
    "title:* AND passages_fts MATCH *",
    "putin*",
    "^putin",
    "<@123456789012345678> who accompanies **Putin**?",
    "@everyone @here ||spoiler|| `code` ```sql\nSELECT 1```",
    "<#123> <@&456> <:emoji:789> > quote __under__ ~~strike~~",
    "\x00\x1b[31mred\x1b[0m",
    "%_\\%",
]


@pytest.mark.parametrize("question", list(BAD_QUESTIONS), ids=["empty", "whitespace", "invisible", "10k"])
async def test_a_question_that_cannot_be_asked_gets_a_clear_error(stocked: Library, question: str) -> None:
    before = await snapshot(stocked)
    with pytest.raises(BadQuestion, match=BAD_QUESTIONS[question]):
        await stocked.ask(question)
    assert await snapshot(stocked) == before


@pytest.mark.parametrize("question", ODD_QUESTIONS)
async def test_odd_questions_are_just_text(stocked: Library, question: str) -> None:
    before = await snapshot(stocked)
    stored = {p.text for a in await stocked.articles(None) for p in await stocked.passages(a.id)}
    answer = await stocked.ask(question)
    assert answer.refused == (not answer.quotes)
    for quote in answer.quotes:
        assert quote.context in stored and quote.context[quote.offset:].startswith(quote.text)
    assert await stocked.find_articles(question) is not None
    assert await snapshot(stocked) == before


@pytest.mark.parametrize("question", ODD_QUESTIONS + ['"', '""', "AND OR NOT", "*", "(", ")", "-"])
async def test_full_text_query_is_always_valid_fts5(stocked: Library, question: str) -> None:
    terms = query_terms(question)
    await stocked.store.fulltext(terms, None, 5)
    await stocked.store.fulltext(terms, ("", "guild:1"), 5)


def _cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "index", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_command_line_reports_each_hostile_file_and_question(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _cli(home, "ingest", "-q", str(SHIPPED)).returncode == 0
    paths = [_make(tmp_path, name) for name in sorted(HOSTILE_FILES)]
    run = _cli(home, "ingest", *map(str, paths))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    for path in paths:
        assert f"rejected  {path}: " in run.stderr
    assert f"0 added, 0 unchanged, 0 replaced, {len(paths)} rejected" in run.stderr
    assert len(_cli(home, "articles").stdout.splitlines()) == 1
    questions = [q for q in ODD_QUESTIONS if "\n" not in q and q.strip()] + ["x" * 10_000]
    asked = _cli(home, "ask", "-", "--json", stdin="\n".join(questions) + "\n")
    lines = [json.loads(line) for line in asked.stdout.splitlines()]
    assert len(lines) == len(questions) and asked.returncode == 2 and "Traceback" not in asked.stderr
    assert "limit is 500" in lines[-1]["error"]
    assert all("refused" in line for line in lines[:-1])
