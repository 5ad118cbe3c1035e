"""Text normalization shared by the readers: Unicode NFC, whitespace, non-breaking spaces."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalize_line(line: str) -> str:
    """NFC, spaces of every kind collapsed to one ASCII space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip()


def normalize_text(text: str) -> str:
    """Normalize each line, unify line endings, keep blank lines as paragraph breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [normalize_line(line) for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; lines within one are joined with a space."""
    out = []
    for block in normalize_text(text).split("\n\n"):
        joined = " ".join(line for line in block.split("\n") if line)
        if joined:
            out.append(joined)
    return out


def decode(data: bytes, origin: str) -> str:
    """UTF-8 (with or without BOM), else cp1252/Latin-1; refuses binary content."""
    from .errors import RejectedInput

    if b"\x00" in data[:8192]:
        raise RejectedInput(origin, "binary content, not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if not normalize_text(text):
        raise RejectedInput(origin, "empty file (no text)")
    return text
