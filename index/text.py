"""Sentence spans and query terms: the small text tools search and answers share."""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "rev", "vs", "etc", "inc", "ltd", "co", "corp", "no", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_NAMES = {"united states": "us", "united kingdom": "uk", "united nations": "un", "european union": "eu"}
"""Names news writes out, abbreviates ("US", "UK") and dots ("U.S."): the three stem alike."""
_PLAIN_WORD = r"[^\W_]+(?:['’][^\W_]+)?"
WORD = re.compile(
    r"\b(?:" + "|".join(name.title() for name in _NAMES) + r")\b"
    r"|\b[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W_])|" + _PLAIN_WORD,
    re.UNICODE,
)
"""A word: letters and digits with one inner apostrophe, a dotted initialism ("U.S.", "a.m."), or
one of the _NAMES (capitalized), whole."""
_PLAIN = re.compile(_PLAIN_WORD, re.UNICODE)
_NAME_STARTS = tuple(sorted({name.title().split()[0] + " " for name in _NAMES}))  # "United ", "European "
_DOT_LETTER = re.compile(r"\.[^\W\d_]")


def _words_in(text: str) -> re.Pattern[str]:
    """WORD where `text` may hold an initialism or a name, else the plain pattern: the same words at
    a third of the cost (nine paragraphs in ten hold neither; this runs for every candidate)."""
    if any(start in text for start in _NAME_STARTS) or _DOT_LETTER.search(text):
        return WORD
    return _PLAIN

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each else ever few for
    from further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom whose why will with would you your yours yourself yourselves s t don
    many much one""".split()
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences in `text`, covering it without the gaps."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rsplit(None, 1)
        last_word = before[-1].lower().rstrip(".") if before else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        end = match.end()
        stripped_end = len(text[:end].rstrip())
        if stripped_end > start:
            spans.append((start, stripped_end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower().replace("’", "'") for w in _words_in(text).findall(text)]


def content_terms(text: str) -> list[str]:
    """The question's words minus stopwords, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word not in STOPWORDS and word not in seen:
            seen[word] = None
    return list(seen)


def query_terms(text: str) -> list[str]:
    """The terms a question is searched by: its content terms (all its words when it has none), at most 32."""
    return (content_terms(text) or list(dict.fromkeys(words(text))))[:32]


def _stemmer() -> Callable[[str], str]:
    """Snowball English stemming (PyStemmer) when installed, else a light suffix stripper."""
    try:
        import Stemmer
    except ImportError:
        return _strip_suffix
    stem: Callable[[str], str] = Stemmer.Stemmer("english").stemWord
    lock = threading.Lock()  # one stemmer, called from the scoring threads too

    def locked(word: str) -> str:
        with lock:
            return stem(word)

    return locked


def _strip_suffix(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_stem = _stemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of a lower-cased word; an initialism stems without its dots ("u.s." as "us"), and
    "united states" as "us" too (the full-text index reads "u.s." and "united states" as phrases)."""
    return _NAMES.get(word) or _stem(word.replace(".", "") if "." in word else word)


@lru_cache(maxsize=131072)
def token_stem(token: str) -> str:
    """The stem of one word token as the regex found it (lower-cased, curly apostrophe straightened)."""
    return stem(token.lower().replace("’", "'"))


def stemmed_tokens(text: str) -> list[tuple[int, str]]:
    """(start offset, stem) of every word token in `text`."""
    return [(m.start(), token_stem(m.group())) for m in _words_in(text).finditer(text)]


def region_stems(text: str, cuts: Sequence[int]) -> list[set[str]] | None:
    """The stems of the words in each region [0, cuts[0]), [cuts[0], cuts[1]), ..., [cuts[-1], end).

    None when a cut falls inside a word (or the cuts go backwards): the caller then walks the tokens.
    """
    bounds = [0, *cuts, len(text)]
    for before, cut in zip(bounds, bounds[1:-1]):
        if cut < before or (0 < cut < len(text) and not (text[cut - 1].isspace() or text[cut].isspace())):
            return None
    pattern = _words_in(text)
    return [set(map(token_stem, pattern.findall(text, a, max(a, b)))) for a, b in zip(bounds, bounds[1:])]

