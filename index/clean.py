"""Text normalization shared by the readers: Unicode NFC, whitespace, non-breaking spaces."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\x0b\x0c\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_BLANK_RUN = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls but tab, newlines, \v, \f
_SIGNATURES = {
    b"PK\x03\x04": "zip archive", b"\x1f\x8b": "gzip archive", b"\xfd7zXZ\x00": "xz archive",
    b"7z\xbc\xaf\x27\x1c": "7z archive", b"Rar!\x1a\x07": "rar archive", b"%PDF-": "PDF document",
    b"\x89PNG": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
}


def normalize_line(line: str) -> str:
    """NFC, control characters dropped, spaces of every kind collapsed to one ASCII space, trimmed."""
    return _SPACES.sub(" ", _CONTROL.sub("", unicodedata.normalize("NFC", line))).strip()


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

    kind = next((name for magic, name in _SIGNATURES.items() if data.startswith(magic)), None)
    if kind:
        raise RejectedInput(origin, f"binary content (a {kind}), not a text article")
    if b"\x00" in data[:8192]:
        raise RejectedInput(origin, "binary content, not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:8192]
    if len(_CONTROL.findall(sample)) > max(4, len(sample) // 100):
        raise RejectedInput(origin, "binary content (control characters), not a text article")
    if not normalize_text(text):
        raise RejectedInput(origin, "empty file (no text)")
    return text
