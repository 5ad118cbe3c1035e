"""Property-based tests (hypothesis) of index.text: sentence spans cover any text; any question is valid FTS5;
the quick tokenizer agrees with the full one."""
from __future__ import annotations

import sqlite3

from hypothesis import given, strategies as st

from index import text as text_module
from index.store.sql import fts_match
from index.text import WORD, query_terms, sentence_spans


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
    match = fts_match(query_terms(question))
    if match:
        _FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


@given(st.one_of(st.text(max_size=200), st.lists(st.sampled_from(
    ["U.S.", "U.S", "the", "United States", "United", "States", "European Union", "a.m.", ".", "B.The", "x", "1.5",
     "Kim’s", "it's", " ", "-", ",", "e.g.", "www.example.com", "UNITED STATES", "é.è"]), max_size=30).map("".join)))
def test_the_quick_tokenizer_finds_the_same_words_as_the_full_one(text: str) -> None:
    assert text_module._words_in(text).findall(text) == WORD.findall(text)
