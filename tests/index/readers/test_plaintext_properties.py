"""Property-based tests (hypothesis) of the readers: any text or bytes in, no crash; passages verbatim out."""
from __future__ import annotations

from hypothesis import given, strategies as st

from index import readers
from index.clean import normalize_text
from index.errors import RejectedInput
from index.models import Article
from index.readers import plaintext

# Text that looks like articles: words, punctuation, odd spaces, newlines, front matter pieces.
PIECES = st.sampled_from([
    "The", "minister", "said", "Putin", "Mr.", "U.S.", "Dr.", "e.g.", "3.5", "per cent", "—", "…", "!",
    "?", ".", ",", "\"", "“", "”", "'", "(", ")", " ", "  ", "\t", "\u00a0", "\u200b", "\n", "\n\n", "\n\n\n",
    "\r\n", "---\n", "title: T\n", "source: X\n", "Source: AP", "ALJAZEERA MEDIA NETWORK", "# Heading",
    "Leave a comment", "__title__", "Café", "e\u0301", "ﬁ", "😀", "\x00", "\x1b", "\x85", "\ufeff",
])
ARTICLE_TEXT = st.one_of(st.text(max_size=400), st.lists(PIECES, max_size=80).map("".join))


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
