"""Answers as terminal text and as JSON: the command line's view of what Discord shows."""
from __future__ import annotations

import json
from collections.abc import Sequence

from .answer import NOT_FOUND
from .models import FEED_MARK, Answer, Quote, StoredArticle

BOLD, RESET = "\033[1m", "\033[0m"


def attribution(quote: Quote) -> str:
    """"Title · SOURCE · 2024-06-18 · paragraph 23 · url", leaving out what is unknown; then
    "(feed summary)" when the quote is from a feed item's own text (its page could not be fetched)."""
    parts = [quote.title, quote.source, quote.published[:10], f"paragraph {quote.paragraph}", quote.url]
    return " · ".join(part for part in parts if part) + (f" {FEED_MARK}" if quote.from_feed else "")


def marked(quote: Quote, bold: bool) -> str:
    """The quote's text with its answer sentence(s) in bold (ANSI) when `bold`."""
    if not bold:
        return quote.text
    out, last = [], 0
    for start, end in quote.highlights:
        out += [quote.text[last:start], BOLD, quote.text[start:end], RESET]
        last = end
    return "".join(out) + quote.text[last:]


def answer_text(answer: Answer, bold: bool = False) -> str:
    """The answer as a person reads it in a terminal."""
    if answer.refused:
        lines = [f"Not found in the stored articles (searched {answer.searched} article{'s' * (answer.searched != 1)})."]
        if answer.reason and answer.reason != NOT_FOUND:
            lines.append(answer.reason[0].upper() + answer.reason[1:] + ".")
        if answer.suggestions:
            lines.append("Closest articles: " + "; ".join(answer.suggestions))
        if answer.window:
            lines.append(f"Searched {answer.window}.")
        return "\n".join(lines)
    blocks = []
    for quote in answer.quotes:
        block = f"“{marked(quote, bold)}”\n  — {attribution(quote)}"
        for twin in quote.also_in:
            block += f"\n  — also in: {twin.get('title', '')} · {twin.get('source', '')}"
        blocks.append(block)
    if answer.window:
        blocks.append(f"(Searched {answer.window}.)")
    return "\n\n".join(blocks)


def answer_json(answer: Answer) -> str:
    """One line of JSON: the documented contract for scripts."""
    return json.dumps(answer.to_dict(), ensure_ascii=False)


def article_line(article: StoredArticle, copies: Sequence[StoredArticle] = ()) -> str:
    """id, title, source, date, paragraphs: tab-separated, one line; the source followed by
    "(feed summary)" when the article's text is its feed item's own; then, when it has linked copies
    (index.wire), "also: " their sources and ids."""
    source = f"{article.source or '-'} {FEED_MARK}" if article.from_feed else article.source or "-"
    fields = [str(article.id), article.title, source, article.published[:10] or "-", str(article.paragraphs)]
    if copies:
        fields.append("also: " + ", ".join(f"{a.source or a.title} [{a.id}]" for a in copies))
    return "\t".join(fields)
