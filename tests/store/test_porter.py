"""The terms PostgreSQL indexes (index.store.tokens) are exactly the terms SQLite's FTS5 stores, checked
against FTS5 itself: every word of the shipped article, the words where the stemmers part, and
generated words."""
from __future__ import annotations

import re
import sqlite3

from hypothesis import given, settings, strategies as st

from index.store import tokens
from index.store.porter import stem
from tests.conftest import SHIPPED


def fts5_terms(texts: list[str]) -> list[list[str]]:
    """The terms FTS5 (`porter unicode61 remove_diacritics 2`, the library's tokenizer) makes of each text."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", list(enumerate(texts, 1)))
    found: list[list[tuple[int, str]]] = [[] for _ in texts]
    for term, doc, offset in db.execute("SELECT term, doc, offset FROM v"):
        found[doc - 1].append((offset, term))
    return [[term for _, term in sorted(terms)] for terms in found]


def test_every_word_of_the_shipped_article_is_stemmed_as_fts5_stems_it() -> None:
    words = sorted(set(re.findall(r"\w+", SHIPPED.read_text(encoding="utf-8"))))
    assert [tokens.tokens(w) for w in words] == fts5_terms(words)


EDGES = [
    "technology", "technologies", "assembly", "US", "us", "U.S.", "is", "as", "sky", "syzygy", "yelling",
    "generalization", "hopping", "filing", "agreed", "feed", "controlling", "rolling", "relational",
    "electricity", "hopeful", "goodness", "adjustable", "irritant", "adoption", "cease", "Café", "naïve",
    "Zoë's", "Ελληνικός", "µm", "½", "inﬂuenced", "e-mail", "x" * 70, "ab", "ies", "sses", "ing", "bed",
]


def test_the_words_where_porter_variants_part_are_stemmed_as_fts5_stems_them() -> None:
    assert [tokens.tokens(w) for w in EDGES] == fts5_terms(EDGES)
    assert stem("technology") == "technolog" and stem("us") == "us"  # PyStemmer: "technologi", "u"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="aeiouybcdglmnrstvz", min_size=1, max_size=14), min_size=1, max_size=40))
def test_generated_words_are_stemmed_as_fts5_stems_them(words: list[str]) -> None:
    assert [tokens.tokens(w) for w in words] == fts5_terms(words)
