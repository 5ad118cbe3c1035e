"""The text tools search and answers share: sentence spans, the words a question is searched by, stems."""
from __future__ import annotations

import sqlite3

import pytest

from index.store.sql import fts_match
from index.text import (
    content_terms,
    query_terms,
    region_stems,
    sentence_spans,
    stem,
    stemmed_tokens,
    token_stem,
    words,
)


def fts_query(question: str) -> str:
    """What the store searches for a question: its terms as a safe FTS5 expression."""
    return fts_match(query_terms(question))


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def test_titles_initials_abbreviations_and_decimals_do_not_end_a_sentence() -> None:
    text = ('Mr. Smith met Dr. Jones in the U.S. capital. J. K. Rowling was there! Was it late? "Yes." '
            "He left…  Then it rained, 3.5 mm by Jan. 4")
    assert sentences(text) == [
        "Mr. Smith met Dr. Jones in the U.S. capital.", "J. K. Rowling was there!", "Was it late?", '"Yes."',
        "He left…", "Then it rained, 3.5 mm by Jan. 4",
    ]
    assert sentence_spans("") == [] and sentence_spans(" \n ") == []


def test_a_sentence_ends_before_the_space_that_follows_it() -> None:
    text = "The court ruled.  It was final. \n"
    assert sentence_spans(text) == [(0, 16), (18, 31)]


def test_words_are_lower_cased_and_keep_their_apostrophe() -> None:
    assert words("Putin’s visit: U.S.-North_Korea talks, 24 years!") == [
        "putin's", "visit", "u.s.", "north", "korea", "talks", "24", "years"]


def test_a_country_written_out_abbreviated_or_dotted_stems_alike() -> None:
    text = "The United States and the U.S. Navy; US troops. The UK, the U.K. and the United Kingdom."
    assert [s for _, s in stemmed_tokens(text) if s not in {"the", "and"}] == [
        "us", "us", "navi", "us", "troop", "uk", "uk", "uk"]
    assert words("the united states of mind, Plan B.The e.g.") == [
        "the", "united", "states", "of", "mind", "plan", "b", "the", "e.g."]  # only the capitalized name is one word


def test_a_question_is_searched_by_its_content_words_in_order_once() -> None:
    assert content_terms("Who accompanies Putin on the visit to the Putin summit?") == [
        "accompanies", "putin", "visit", "summit"]
    assert query_terms("Who is who?") == ["who", "is"]  # only stopwords: all its words, once each
    assert len(query_terms(" ".join(f"word{n}" for n in range(40)))) == 32


def test_query_syntax_in_a_question_is_quoted_never_an_operator() -> None:
    assert fts_query('Did Putin AND "Kim" meet NEAR(Pyongyang)?') == (
        '"putin" OR "kim" OR "meet" OR "near" OR "pyongyang"')
    assert fts_match(['say "hi"']) == '"say ""hi"""'
    assert fts_query("") == "" and fts_query("?!") == ""


@pytest.mark.parametrize("question, found", [
    ('Did Putin AND "Kim" meet NEAR(Pyongyang)?', [1]),
    ("visits", [1]),  # the full-text index stems too
    ("When was the Café budget approved? -- ' OR 1=1", [2]),
    ("Who is who?", []),
])
def test_the_full_text_query_finds_the_passages_holding_the_questions_words(question: str, found: list[int]) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5 (text, tokenize='porter unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t (rowid, text) VALUES (?, ?)",
                   [(1, "Putin visited Pyongyang in July 2000."), (2, "The café budget was approved.")])
    assert [row for (row,) in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts_query(question),))] == found


def test_forms_of_a_word_share_a_stem() -> None:
    assert stem("visits") == stem("visited") == stem("visiting") == stem("visit")
    assert token_stem("PUTIN’S") == token_stem("putin's")
    assert list(dict.fromkeys(stem(t) for t in content_terms("visit visits visited Putin"))) == [stem("visit"), "putin"]
    assert stemmed_tokens("Trams ran late") == [(0, stem("trams")), (6, stem("ran")), (10, "late")]


def test_region_stems_split_at_sentence_ends_and_refuse_a_cut_inside_a_word() -> None:
    text = "Trams run. Ferries sail."
    assert region_stems(text, [10]) == [{stem("trams"), "run"}, {stem("ferries"), "sail"}]
    assert region_stems(text, [3]) is None  # inside "Trams"
    assert region_stems(text, [10, 4]) is None  # backwards
