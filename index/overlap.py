"""Quotes of one article that share text become one quote.

A quote widened back into the previous paragraph (to name who "he" is) can take in the very
sentence another quote of the same article already shows. A reader would see the same words twice,
so such quotes are merged into one contiguous verbatim span holding both, with both marked
sentences, in the place of the better one. A merge that would need more than the two paragraphs a
quote's context holds keeps the better quote and drops the other. A quote of another article showing
the same words (a daily digest repeating a story's sentence) joins the first one's `also_in`, as
near-duplicate passages do (index.answer).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .models import Quote, StoredArticle

Point = tuple[int, int]  # (paragraph number, character offset in that paragraph)


@dataclass(frozen=True)
class Placed:
    """A quote with the text of its own paragraph (the last one of its `context`) and its article."""

    quote: Quote
    paragraph_text: str
    article: StoredArticle

    @property
    def shift(self) -> int:
        """Where the quote's own paragraph starts inside its context (0 unless widened back)."""
        return len(self.quote.context) - len(self.paragraph_text)

    def at(self, position: int) -> Point:
        """A position in the context as (paragraph number, offset)."""
        number = self.quote.paragraph
        return (number, position - self.shift) if position >= self.shift else (number - 1, position)

    @property
    def start(self) -> Point:
        return self.at(self.quote.offset)

    @property
    def end(self) -> Point:
        return self.at(self.quote.offset + len(self.quote.text))

    def paragraphs(self) -> dict[int, str]:
        number, shift = self.quote.paragraph, self.shift
        return {number: self.paragraph_text, **({number - 1: self.quote.context[: shift - 2]} if shift else {})}


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with the overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _merge(kept: Placed, other: Placed) -> Placed | None:
    """One quote holding both (in `kept`'s place), or None when one context cannot hold both."""
    start, end = min(kept.start, other.start), max(kept.end, other.end)
    texts = {**other.paragraphs(), **kept.paragraphs()}
    last = end[0]
    if last - start[0] > 1 or start[0] not in texts:
        return None
    context = texts[last] if start[0] == last else texts[last - 1] + "\n\n" + texts[last]
    shift = len(context) - len(texts[last])

    def position(point: Point) -> int:
        return point[1] + (shift if point[0] == last else 0)

    offset = position(start)
    marks = [(position(p.at(p.quote.offset + a)) - offset, position(p.at(p.quote.offset + b)) - offset)
             for p in (kept, other) for a, b in p.quote.highlights]
    owner = kept if kept.quote.paragraph == last else other
    merged = replace(  # numbered by the context's last paragraph, as a quote widened back is
        kept.quote, text=context[offset : position(end)], offset=offset, context=context, highlights=_union(marks),
        paragraph=last, passage_id=owner.quote.passage_id, score=max(kept.quote.score, other.quote.score),
        also_in=kept.quote.also_in + [t for t in other.quote.also_in if t not in kept.quote.also_in],
    )
    return Placed(merged, texts[last], kept.article)


def merge_overlapping(placed: Sequence[Placed], limit: int) -> list[Quote]:
    """Up to `limit` quotes in order; one that shares text with an earlier quote of its article is
    merged into it, or dropped when they cannot be one quote (either way leaving room for the next)."""
    out: list[Placed] = []
    for item in placed:
        same = next((kept for kept in out if _same_words(kept.quote, item.quote)), None)
        if same is not None:  # another article's copy of the words already quoted: one quote citing both
            if all(t.get("article_id") != item.quote.article_id for t in same.quote.also_in):
                same.quote.also_in.append(item.article.cited(item.quote.paragraph))
            continue
        shared = [n for n, kept in enumerate(out) if _overlap(kept, item)]
        if shared:
            merged = _merge(out[shared[0]], item) if len(shared) == 1 else None
            if merged is not None and not any(_overlap(merged, kept) for kept in out if kept is not out[shared[0]]):
                out[shared[0]] = merged
        elif len(out) == limit:
            break
        else:
            out.append(item)
    return [p.quote for p in out]


def _same_words(a: Quote, b: Quote) -> bool:
    """Whether quotes of two articles show the same words (one inside the other: a digest repeating a story)."""
    if a.article_id == b.article_id:
        return False
    x, y = " ".join(a.text.split()), " ".join(b.text.split())
    return x in y or y in x


def _overlap(a: Placed, b: Placed) -> bool:
    return a.quote.article_id == b.quote.article_id and a.start < b.end and b.start < a.end
