"""Property-based tests (hypothesis): any text in, no crash; passages and quotes verbatim out."""
from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from tests.conftest import settings_for
from index import readers
from index.clean import normalize_text
from index.embed import HashEmbedder
from index.errors import RejectedInput
from index.library import Library
from index.models import Article
from index.readers import plaintext
from index.text import fts_query, sentence_spans

# Text that looks like articles: words, punctuation, odd spaces, newlines, front matter pieces.
PIECES = st.sampled_from([
    "The", "minister", "said", "Putin", "Mr.", "U.S.", "Dr.", "e.g.", "3.5", "per cent", "—", "…", "!",
    "?", ".", ",", "\"", "“", "”", "'", "(", ")", " ", "  ", "\t", "\u00a0", "\u200b", "\n", "\n\n", "\n\n\n",
    "\r\n", "---\n", "title: T\n", "source: X\n", "Source: AP", "ALJAZEERA MEDIA NETWORK", "# Heading",
    "Leave a comment", "__title__", "Café", "e\u0301", "ﬁ", "😀", "\x00", "\x1b", "\x85", "\ufeff",
])
ARTICLE_TEXT = st.one_of(st.text(max_size=400), st.lists(PIECES, max_size=80).map("".join))
settings.register_profile("newsdesk", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("newsdesk")


def _flat(text: str) -> str:
    """The normalized text with line breaks as spaces: paragraphs join their lines with one."""
    return normalize_text(text).replace("\n", " ")


@given(ARTICLE_TEXT)
def test_plain_text_passages_are_verbatim_pieces_of_the_normalized_text(text: str) -> None:
    try:
        article = plaintext.parse(text, "prop.txt")
    except RejectedInput as exc:
        assert exc.origin == "prop.txt" and exc.reason
        return
    flat = _flat(text)
    assert article.title and article.paragraphs
    for paragraph in article.paragraphs:
        assert paragraph and paragraph == paragraph.strip()
        assert paragraph in flat  # never stitched across a dropped line, never invented
    assert len(set(article.paragraphs)) == len(article.paragraphs)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                        min_size=1, max_size=80),
                min_size=1, max_size=6))
def test_paragraphs_of_one_line_each_are_stored_exactly(lines: list[str]) -> None:
    """Single-line paragraphs under a front-matter title come out verbatim (after normalizing)."""
    body = "\n\n".join(lines)
    try:
        article = plaintext.parse(f"---\ntitle: Prop\n---\n{body}", "prop.txt")
    except RejectedInput:
        return
    normalized = normalize_text(body)
    for paragraph in article.paragraphs:
        assert paragraph in normalized


@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".exe", ""]))
def test_any_bytes_are_an_article_or_a_named_rejection(data: bytes, suffix: str) -> None:
    try:
        items = readers.read_bytes(f"upload{suffix}", data)
    except RejectedInput as exc:
        assert exc.origin == f"upload{suffix}" and exc.reason
        return
    for item in items:
        if isinstance(item, Article):
            assert item.title and all(p.strip() for p in item.paragraphs)
            assert not any(ch in p for p in item.paragraphs for ch in "\x00\x1b")


@given(st.text(max_size=300))
def test_sentence_spans_are_in_bounds_ordered_and_cover_the_text(text: str) -> None:
    spans = sentence_spans(text)
    end = 0
    for start, stop in spans:
        assert end <= start < stop <= len(text)
        assert text[start:stop].strip(), "an empty sentence"
        end = stop
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split()) or not spans


@given(st.lists(st.sampled_from(["The court ruled.", "Mr. Smith left!", "It rained", "Was it? Yes.", "“Go,” he said.",
                                 "U.S. troops arrived.", "3.5 per cent rose…", " ", "\n"]), max_size=12).map(" ".join))
def test_sentence_spans_on_sentence_like_text(text: str) -> None:
    test_sentence_spans_are_in_bounds_ordered_and_cover_the_text.hypothesis.inner_test(text)  # type: ignore[attr-defined]


_FTS = sqlite3.connect(":memory:")
_FTS.execute("CREATE VIRTUAL TABLE t USING fts5 (text, tokenize='porter unicode61 remove_diacritics 2')")
_FTS.execute("INSERT INTO t (text) VALUES ('Putin visits North Korea'), ('the budget was approved')")


@given(st.one_of(st.text(max_size=200), st.lists(st.sampled_from(
    ['"', "'", "(", ")", "*", "^", ":", "-", "+", "NEAR", "AND", "OR", "NOT", "putin", "1=1", "--", "{", "}", " "]),
    max_size=20).map("".join)))
def test_any_question_makes_a_valid_full_text_query(question: str) -> None:
    match = fts_query(question)
    if match:
        _FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


@settings(max_examples=25)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120),
                min_size=1, max_size=5),
       st.integers(min_value=0, max_value=4))
def test_quotes_are_verbatim_substrings_of_stored_passages(paragraphs: list[str], pick: int) -> None:
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    assume(paragraphs)
    question = paragraphs[pick % len(paragraphs)][:400]

    async def run(home: Path) -> None:
        async with Library(settings_for(home, NEWSDESK_MIN_SCORE="0"), embedder=HashEmbedder()) as lib:
            await lib.ingest_articles([Article("Prop article", tuple(dict.fromkeys(paragraphs)), url="u")])
            stored = {p.id: p.text for p in await lib.passages(1)}
            try:
                answer = await lib.ask(question)
            except RejectedInput:
                return
            except Exception as exc:  # BadQuestion for invisible-only text is fine
                assert type(exc).__name__ == "BadQuestion"
                return
            for quote in answer.quotes:
                context = stored[quote.passage_id]
                assert quote.context == context
                assert context[quote.offset : quote.offset + len(quote.text)] == quote.text
                for start, end in quote.highlights:
                    assert 0 <= start < end <= len(quote.text)

    with tempfile.TemporaryDirectory() as home:
        asyncio.run(run(Path(home)))
