"""The Porter stemmer exactly as SQLite's FTS5 `porter` tokenizer applies it (ext/fts5/fts5_tokenize.c).

FTS5 follows Martin Porter's own C release rather than the paper: step 2 also has "logi" -> "log"
and "bli" -> "ble" (PyStemmer's "porter" has neither: "technology" -> "technologi" there, "technolog"
here). In each step only the first rule whose suffix ends the word is tried, the word must be longer
than the suffix, and the whole algorithm works on UTF-8 bytes, so a non-ASCII letter is a consonant.
Tokens shorter than 3 bytes or longer than 64 are left as they are ("us" stays "us").
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

MIN_TOKEN, MAX_TOKEN = 3, 64  # FTS5 stems tokens of 3..64 bytes

_VOWELS = frozenset(b"aeiou")
_Y = ord("y")


def _consonants(word: bytes) -> list[bool]:
    """Whether each letter is a consonant; "y" is one at the start or after a vowel."""
    flags: list[bool] = []
    for i, c in enumerate(word):
        flags.append(not (c in _VOWELS or (c == _Y and i > 0 and flags[i - 1])))
    return flags


def _measure(stem: bytes) -> int:
    """Porter's m: the number of vowel-consonant sequences in `stem`."""
    flags, m = _consonants(stem), 0
    for before, now in zip(flags, flags[1:]):
        if not before and now:
            m += 1
    return m


def _has_vowel(stem: bytes) -> bool:
    """*v*: a vowel, "y" counting as one anywhere but first (FTS5's own test, unlike m's)."""
    return any(c in _VOWELS or (c == _Y and i > 0) for i, c in enumerate(stem))


def _cvc(stem: bytes) -> bool:
    """*o: ends consonant-vowel-consonant, the last not w, x or y."""
    if len(stem) < 3 or stem[-1] in b"wxy":
        return False
    a, b, c = _consonants(stem)[-3:]
    return a and not b and c


def _m_gt0(stem: bytes) -> bool:
    return _measure(stem) > 0


def _m_gt1(stem: bytes) -> bool:
    return _measure(stem) > 1


def _m_gt1_s_or_t(stem: bytes) -> bool:
    return stem[-1:] in (b"s", b"t") and _measure(stem) > 1


Rule = tuple[bytes, Callable[[bytes], bool], bytes]  # suffix, condition on the rest, replacement
_STEP2: tuple[Rule, ...] = tuple((s.encode(), _m_gt0, r.encode()) for s, r in (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
    ("logi", "log"), ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
    ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
    ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
))
_STEP3: tuple[Rule, ...] = tuple((s.encode(), _m_gt0, r.encode()) for s, r in (
    ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
))
_STEP4: tuple[Rule, ...] = tuple(
    (s.encode(), _m_gt1_s_or_t if s == "ion" else _m_gt1, b"") for s in (
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
        "ism", "ate", "iti", "ous", "ive", "ize",
    )
)


def _step(word: bytes, rules: tuple[Rule, ...]) -> bytes:
    """The first rule whose suffix ends the (longer) word, applied if its condition holds on the rest;
    a later rule is not tried."""
    for suffix, condition, replacement in rules:
        if len(word) > len(suffix) and word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + replacement if condition(stem) else word
    return word


def _step1a(word: bytes) -> bytes:
    if not word.endswith(b"s"):
        return word
    if word[-2:-1] == b"e":
        if (len(word) > 4 and word[-4:-2] == b"ss") or (len(word) > 3 and word[-3:-2] == b"i"):
            return word[:-2]
        return word[:-1]
    return word if word[-2:-1] == b"s" else word[:-1]


def _step1b(word: bytes) -> bytes:
    if len(word) > 3 and word.endswith(b"eed"):
        return word[:-1] if _m_gt0(word[:-3]) else word
    for suffix in (b"ed", b"ing"):
        if len(word) > len(suffix) and word.endswith(suffix):
            stem = word[: -len(suffix)]
            return _step1b_tidy(stem) if _has_vowel(stem) else word
    return word


def _step1b_tidy(word: bytes) -> bytes:
    """After "ed" or "ing" went: at -> ate, bl -> ble, iz -> ize, a double consonant halved, or an e added."""
    for end, full in ((b"at", b"ate"), (b"bl", b"ble"), (b"iz", b"ize")):
        if len(word) > 2 and word.endswith(end):
            return word[:-2] + full
    last = word[-1:]
    if last and last not in (b"a", b"e", b"i", b"o", b"u", b"l", b"s", b"z") and word[-2:-1] == last:
        return word[:-1]
    if _measure(word) == 1 and _cvc(word):
        return word + b"e"
    return word


def _stem_bytes(word: bytes) -> bytes:
    word = _step1b(_step1a(word))
    if word.endswith(b"y") and _has_vowel(word[:-1]):
        word = word[:-1] + b"i"
    for rules in (_STEP2, _STEP3, _STEP4):
        word = _step(word, rules)
    if word.endswith(b"e"):
        stem = word[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            word = stem
    if len(word) > 1 and word.endswith(b"ll") and _m_gt1(word[:-1]):
        word = word[:-1]
    return word


@lru_cache(maxsize=100_000)
def stem(token: str) -> str:
    """`token` (already folded to lower case, as unicode61 leaves it) as FTS5's porter stores it."""
    raw = token.encode()
    if not MIN_TOKEN <= len(raw) <= MAX_TOKEN:
        return token
    return _stem_bytes(raw).decode(errors="replace")  # halving a "double consonant" can split a character
