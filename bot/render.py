"""Answers, articles and source lists as Discord embeds, always within Discord's limits. Pure."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import discord
from discord.utils import escape_markdown

from index.models import FEED_MARK, Answer, Passage, Quote, StoredArticle
from index.text import sentence_spans
from index.timeline import Timeline, TimelineEntry
from index.wire import outlets

MESSAGE_CHARS = 2000
TITLE_CHARS = 256
DESCRIPTION_CHARS = 4096
EMBED_CHARS = 6000
FIELDS = 25
FIELD_CHARS = 1024
FOOTER_CHARS = 2048
CHOICE_CHARS = 100
ELLIPSIS = "..."
PAGE_CHARS = 3500  # article pages: room below the description limit, easier to read
SOURCES_PER_PAGE = 15
TIMELINE_PER_PAGE = 5
TIMELINE_QUOTE_CHARS = 600  # a timeline quote at most (less when a page's attributions are long)
ANSWER_COLOUR = discord.Colour.blue()
REFUSAL_COLOUR = discord.Colour.light_grey()


def cut(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at a sentence (or word) end plus "..."."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    ends = [end for _, end in sentence_spans(text) if end <= room]
    if ends:
        return text[: ends[-1]] + ELLIPSIS
    head = text[:room]
    if " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head.rstrip() + ELLIPSIS


def _bold(text: str, start: int, end: int) -> str:
    """`text[start:end]` escaped and in bold, whitespace kept outside the markers."""
    inner = text[start:end]
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    core = inner.strip()
    return f"{lead}**{escape_markdown(core)}**{trail}" if core else inner


def highlighted(text: str, start: int, end: int, highlights: Sequence[tuple[int, int]]) -> str:
    """`text[start:end]` as markdown: escaped, with the highlight spans (clipped) in bold."""
    out, pos = [], start
    for h_start, h_end in sorted(highlights):
        h_start, h_end = max(h_start, pos), min(h_end, end)
        if h_start >= h_end:
            continue
        out.append(escape_markdown(text[pos:h_start]))
        out.append(_bold(text, h_start, h_end))
        pos = h_end
    out.append(escape_markdown(text[pos:end]))
    return "".join(out)


def _window(quote: Quote, budget: int) -> tuple[str, bool]:
    """The quote as markdown in `budget` chars: whole sentences around the highlight, cut marked."""
    text, marks = quote.text, quote.highlights
    spans = sentence_spans(text) or [(0, len(text))]
    full = highlighted(text, spans[0][0], spans[-1][1], marks)
    if len(full) <= budget:
        return full, False
    core = [i for i, (s, e) in enumerate(spans) if any(hs < e and he > s for hs, he in marks)] or [0]
    lo, hi = core[0], core[-1]

    def render(lo: int, hi: int) -> str:
        body = highlighted(text, spans[lo][0], spans[hi][1], marks)
        return (ELLIPSIS if lo > 0 else "") + body + (ELLIPSIS if hi < len(spans) - 1 else "")

    best = render(lo, hi)
    if len(best) > budget:
        core_text = cut(text[spans[lo][0] : spans[hi][1]], budget // 2 - 2 * len(ELLIPSIS))
        return (ELLIPSIS if lo > 0 else "") + _bold(core_text, 0, len(core_text)), True
    grew = True
    while grew:
        grew = False
        for lo2, hi2 in ((lo, hi + 1), (lo - 1, hi)):
            if lo2 >= 0 and hi2 < len(spans) and len(candidate := render(lo2, hi2)) <= budget:
                lo, hi, best, grew = lo2, hi2, candidate, True
    return best, True


def _link_text(title: str) -> str:
    return escape_markdown(title.replace("[", "(").replace("]", ")")) or "Untitled"


def attribution(title: str, url: str, source: str, published: str, paragraph: int = 0, from_feed: bool = False) -> str:
    """— [Title](url) · Source · date · ¶ n, then "(feed summary)" when the text is the feed's own
    (its page could not be fetched: index.webingest)."""
    name = _link_text(cut(title, 200))
    parts = [f"[{name}](<{url.replace('>', '%3E').replace(' ', '%20')}>)" if url.startswith("http") else f"*{name}*"]
    parts += [escape_markdown(value) for value in (source, published[:10]) if value]
    if paragraph:
        parts.append(f"¶ {paragraph}")
    return "— " + " · ".join(parts) + (f" {FEED_MARK}" if from_feed else "")


def _quote_block(quote: Quote, budget: int) -> tuple[str, bool]:
    credit = attribution(quote.title, quote.url, quote.source, quote.published, quote.paragraph, quote.from_feed)
    also = [a.get("source") or a.get("title", "") for a in quote.also_in]
    if also:
        credit += "\n" + cut("Also in: " + ", ".join(escape_markdown(a) for a in also if a), 300)
    body, was_cut = _window(quote, max(budget - len(credit) - 40, 80))
    lines = "\n".join("> " + line if line.strip() else ">" for line in body.split("\n"))
    return f"{lines}\n{credit}", was_cut


def answer_embed(answer: Answer) -> discord.Embed:
    """One embed: each quote (answer sentence in bold) with its attribution, or the refusal."""
    if answer.refused:
        return refusal_embed(answer)
    embed = discord.Embed(title=cut(answer.question, TITLE_CHARS), colour=ANSWER_COLOUR)
    quotes = answer.quotes[:FIELDS]
    budget = (DESCRIPTION_CHARS - 2 * len(quotes)) // max(len(quotes), 1)
    blocks = [_quote_block(quote, budget) for quote in quotes]
    description = "\n\n".join(block for block, _ in blocks)
    if len(description) > DESCRIPTION_CHARS:  # only when attributions are unusually long
        description = cut(description, DESCRIPTION_CHARS)
    embed.description = description
    sources = len({q.article_id for q in quotes})
    footer = f"Quoted verbatim from {sources} stored article{'s' if sources != 1 else ''}."
    if any(was_cut for _, was_cut in blocks):
        footer += " Quotes were shortened (...): /article shows the full text."
    if answer.window:
        footer += f" Searched {cut(answer.window, 300)}."
    embed.set_footer(text=footer)
    return embed


def refusal_embed(answer: Answer) -> discord.Embed:
    """What was searched, why nothing was quoted, and close titles to try."""
    embed = discord.Embed(title="Not found in the stored articles", colour=REFUSAL_COLOUR)
    lines = [escape_markdown(answer.reason)] if answer.reason else []
    lines.append(f"Searched {answer.searched} article{'s' if answer.searched != 1 else ''} for: "
                 f"“{escape_markdown(cut(answer.question, 1000))}”")
    if answer.window:
        lines.append(f"Searched {escape_markdown(cut(answer.window, 300))}.")
    if answer.suggestions:
        lines.append("\n**Close titles** (try /article):")
        lines += [f"• {escape_markdown(cut(title, 200))}" for title in answer.suggestions[:10]]
    embed.description = cut("\n".join(lines), DESCRIPTION_CHARS)
    return embed


def notice_embed(text: str) -> discord.Embed:
    return discord.Embed(description=cut(text, DESCRIPTION_CHARS), colour=REFUSAL_COLOUR)


def _pieces(passage: Passage) -> list[str]:
    """A passage as page-sized markdown pieces, split at sentence ends when it is too long."""
    label = f"**¶ {passage.number}** "
    text = escape_markdown(passage.text)
    if len(label) + len(text) <= PAGE_CHARS:
        return [label + text]
    pieces, current = [], label
    for start, end in sentence_spans(passage.text) or [(0, len(passage.text))]:
        sentence = cut(escape_markdown(passage.text[start:end]), PAGE_CHARS - len(label) - 10)
        if len(current) + len(sentence) + 1 > PAGE_CHARS:
            pieces.append(current.rstrip() + " " + ELLIPSIS)
            current = label + ELLIPSIS + " "
        current += sentence + " "
    pieces.append(current.rstrip())
    return pieces


def article_pages(article: StoredArticle, passages: Sequence[Passage]) -> list[discord.Embed]:
    """The article's paragraphs over as many embeds as needed, each with title, source, date, url."""
    chunks: list[str] = []
    for passage in passages:
        for piece in _pieces(passage):
            if chunks and len(chunks[-1]) + len(piece) + 2 <= PAGE_CHARS:
                chunks[-1] += "\n\n" + piece
            else:
                chunks.append(piece)
    chunks = chunks or ["*(no stored paragraphs)*"]
    meta = " · ".join(v for v in (article.source, article.published[:10], article.author) if v)
    if article.from_feed:
        meta = f"{meta} {FEED_MARK}".strip()
    pages = []
    for number, chunk in enumerate(chunks, 1):
        embed = discord.Embed(title=cut(article.title or "Untitled", TITLE_CHARS), description=chunk,
                              url=article.url if article.url.startswith("http") else None,
                              colour=ANSWER_COLOUR)
        footer = f"{meta} · " if meta else ""
        embed.set_footer(text=cut(f"{footer}article #{article.id} · page {number}/{len(chunks)}", FOOTER_CHARS))
        pages.append(embed)
    return pages


def sources_pages(
    articles: Sequence[StoredArticle], where: str, copies: Mapping[int, Sequence[StoredArticle]] | None = None,
) -> list[discord.Embed]:
    """The articles that can be asked about, `SOURCES_PER_PAGE` a page; each with the other outlets of
    its story among `copies` (linked at ingest, index.wire): "also: Reuters, AP"."""
    if not articles:
        return [notice_embed(f"No articles are stored for {where} yet.")]
    pages = []
    total = (len(articles) + SOURCES_PER_PAGE - 1) // SOURCES_PER_PAGE
    for number in range(total):
        rows = []
        for article in articles[number * SOURCES_PER_PAGE : (number + 1) * SOURCES_PER_PAGE]:
            origin = "shipped" if article.scope == "" else "added here"
            row = f"`#{article.id}` " + attribution(article.title, article.url, article.source,
                                                    article.published, 0, article.from_feed)[2:] + f" · {origin}"
            if also := (copies or {}).get(article.id):
                row += " · also: " + escape_markdown(cut(outlets(also), 200))
            rows.append(row)
        embed = discord.Embed(title=f"Articles you can ask about in {where} ({len(articles)})",
                              description=cut("\n".join(rows), DESCRIPTION_CHARS), colour=ANSWER_COLOUR)
        embed.set_footer(text=f"page {number + 1}/{total}")
        pages.append(embed)
    return pages


def _timeline_credit(entry: TimelineEntry) -> str:
    """An entry's attribution (its date leads the entry) and the other outlets of the same story."""
    quote = entry.quote
    credit = attribution(quote.title, quote.url, quote.source, "", quote.paragraph)
    also = [a.get("source") or a.get("title", "") for a in quote.also_in]
    if also:
        credit += "\n" + cut("Also in: " + ", ".join(escape_markdown(str(a)) for a in also if a), 300)
    return credit


def _timeline_page(entries: Sequence[TimelineEntry]) -> tuple[str, bool]:
    """The entries as one page's markdown: bold date, the quote verbatim (cut at a sentence to fit
    the page, at most TIMELINE_QUOTE_CHARS), its attribution; and whether a quote was cut."""
    credits = [_timeline_credit(e) for e in entries]
    room = DESCRIPTION_CHARS - sum(len(c) + 40 for c in credits)
    budget = max(min(TIMELINE_QUOTE_CHARS, room // max(len(entries), 1)), 80)
    blocks, was_cut = [], False
    for entry, credit in zip(entries, credits):
        body, cut_here = _window(replace(entry.quote, highlights=[]), budget)
        lines = "\n".join("> " + line if line.strip() else ">" for line in body.split("\n"))
        blocks.append(f"**{entry.day or 'undated'}**\n{lines}\n{credit}")
        was_cut = was_cut or cut_here
    return cut("\n\n".join(blocks), DESCRIPTION_CHARS), was_cut


def timeline_pages(found: Timeline) -> list[discord.Embed]:
    """The timeline, TIMELINE_PER_PAGE entries a page: dated ones oldest first, then the undated; or
    why there is none."""
    if not found.entries:
        lines = [f"No timeline for “{escape_markdown(cut(found.topic, 300))}”: {escape_markdown(found.reason)}.",
                 f"Searched {found.searched} article{'s' if found.searched != 1 else ''}."]
        if found.window:
            lines.append(f"Searched {escape_markdown(found.window)}.")
        return [notice_embed("\n".join(lines))]
    total = (len(found.entries) + TIMELINE_PER_PAGE - 1) // TIMELINE_PER_PAGE
    count = sum(1 + len(e.quote.also_in) for e in found.entries)
    about = f"{count} article{'s' if count != 1 else ''}, oldest first" + ("; undated last" if found.undated else "")
    if found.more:
        about += f"; {found.more} more not shown (narrow with since/until)"
    if found.window:
        about += f"; {found.window}"
    pages = []
    for number in range(total):
        text, was_cut = _timeline_page(found.entries[number * TIMELINE_PER_PAGE : (number + 1) * TIMELINE_PER_PAGE])
        embed = discord.Embed(title=cut(f"Timeline: {found.topic}", TITLE_CHARS), colour=ANSWER_COLOUR, description=text)
        shortened = " Quotes were shortened (...): /article shows the full text." if was_cut else ""
        embed.set_footer(text=cut(f"{about} · page {number + 1}/{total}.{shortened}", FOOTER_CHARS))
        pages.append(embed)
    return pages


def choice_name(article: StoredArticle) -> str:
    """An autocomplete label: the title, then the source, within 100 characters."""
    label = article.title or "Untitled"
    if article.source:
        label = f"{cut(label, CHOICE_CHARS - len(article.source) - 3)} — {article.source}"
    return cut(label, CHOICE_CHARS)


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts toward the 6,000 limit of an embed."""
    return len(embed)
