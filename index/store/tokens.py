"""Words as SQLite's FTS5 index them (`porter unicode61 remove_diacritics 2`), for stores that keep
their own term index: the same terms, so BM25 counts and ranks the same passages on every store."""
from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable

_TOKEN = re.compile(r"[^\W_]+")  # unicode61: letters and digits; everything else separates


def _porter() -> Callable[[str], str]:
    """Martin Porter's original algorithm, the one FTS5's `porter` tokenizer applies."""
    import Stemmer

    stem = Stemmer.Stemmer("porter").stemWord
    lock = threading.Lock()

    def locked(word: str) -> str:
        with lock:
            return str(stem(word))

    return locked


_stem = _porter()


def _fold(text: str) -> str:
    """Lower case without diacritics ("Café" -> "cafe"), as remove_diacritics 2 does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
