"""Words as SQLite's FTS5 index them (`porter unicode61 remove_diacritics 2`), for stores that keep
their own term index: the same terms, so BM25 counts and ranks the same passages on every store.

Checked against FTS5 itself (tests/store/test_porter.py): every ASCII word, and ~600k distinct words
of the news, SQuAD and BBC texts, come out the same. Over every Unicode code point 8% part, none of
them ASCII or CJK: private-use characters and some symbols (tokens for FTS5), some combining marks
(separators for FTS5), letters with two diacritics ("ǡ" stays in FTS5)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from index.store.porter import stem as _stem

_TOKEN = re.compile(r"[^\W_]+")  # unicode61: letters and digits; everything else separates


_FOLD = str.maketrans({"ς": "σ", "µ": "μ"})  # unicode61 folds these as case, not as letters


def _fold(text: str) -> str:
    """Lower case without the diacritics of Latin letters ("Café" -> "cafe"), as remove_diacritics 2
    does; other scripts keep theirs and nothing else is decomposed ("½" and "ﬂ" stay)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower().translate(_FOLD))
    kept: list[str] = []
    for c in decomposed:
        if unicodedata.combining(c) and kept and kept[-1] < "\u0250":  # a mark on a Latin letter goes
            continue
        kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept))


def tokens(text: str) -> list[str]:
    """The index terms of `text`, in order (repeats kept)."""
    return [_stem(word) for word in _TOKEN.findall(_fold(text))]


def term_counts(text: str) -> tuple[Counter[str], int]:
    """Each term's count in `text`, and the number of tokens (the passage's length for BM25)."""
    found = tokens(text)
    return Counter(found), len(found)


def query_terms(terms: list[str]) -> list[str]:
    """The distinct index terms a list of query words becomes (a word may hold several, "e-mail")."""
    return list(dict.fromkeys(t for term in terms for t in tokens(term)))
