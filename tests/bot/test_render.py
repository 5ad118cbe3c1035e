"""Rendering answers, articles and lists: always within Discord's limits, cut at sentence ends."""
from __future__ import annotations

import pytest

from bot import render
from index.models import Answer, Passage, Quote, StoredArticle


def quote(text: str, highlights: list[tuple[int, int]], **kw) -> Quote:
    base = dict(article_id=1, title="Putin visits Pyongyang", source="Al Jazeera", url="https://example.com/a",
                published="2024-06-18T09:00:00", paragraph=3, score=0.9)
    base.update(kw)
    return Quote(text=text, highlights=highlights, **base)


def article(n: int = 1, **kw) -> StoredArticle:
    base = dict(id=n, title=f"Article {n}", source="Reuters", url=f"https://example.com/{n}", published="2024-01-02",
                author="", scope="", paragraphs=1, content_hash="h", added="2024-01-02")
    base.update(kw)
    return StoredArticle(**base)


def within_limits(embed) -> None:
    data = embed.to_dict()
    assert len(data.get("title", "")) <= render.TITLE_CHARS
    assert len(data.get("description", "")) <= render.DESCRIPTION_CHARS
    assert len(embed) <= render.EMBED_CHARS
    assert len(data.get("fields", [])) <= render.FIELDS


def test_the_answer_sentence_is_bold_and_attributed() -> None:
    text = "Putin arrived on Tuesday. He last visited in July 2000. Talks follow."
    start = text.index("He last")
    embed = render.answer_embed(Answer("When?", False, [quote(text, [(start, text.index(" Talks"))])]))
    assert embed.description == (
        "> Putin arrived on Tuesday. **He last visited in July 2000.** Talks follow.\n"
        "— [Putin visits Pyongyang](<https://example.com/a>) · Al Jazeera · 2024-06-18 · ¶ 3"
    )
    assert embed.title == "When?"
    assert embed.footer.text == "Quoted verbatim from 1 stored article."


def test_markdown_in_article_text_is_escaped_outside_the_bold() -> None:
    text = "Prices *rose* by 5% in __June__. The bank_rate held."
    embed = render.answer_embed(Answer("q", False, [quote(text, [(0, text.index(" The"))], url="")]))
    assert r"**Prices \*rose\* by 5% in \_\_June\_\_.** The bank\_rate held." in embed.description
    assert "— *Putin visits Pyongyang*" in embed.description  # no url: title in italics, no link


def test_a_long_quote_is_cut_at_sentence_ends_around_the_answer() -> None:
    filler = " ".join(f"Sentence number {n} says nothing much at all." for n in range(200))
    answer_sentence = "The summit happened in Pyongyang."
    text = filler + " " + answer_sentence + " " + filler
    start = text.index(answer_sentence)
    quotes = [quote(text, [(start, start + len(answer_sentence))]) for _ in range(3)]
    embed = render.answer_embed(Answer("Where?", False, quotes))
    within_limits(embed)
    for block in embed.description.split("\n\n"):
        body = block.split("\n")[0]
        assert body.startswith("> ...") and body.endswith("...")
        assert f"**{answer_sentence}**" in body
        assert "at all. **The" in body  # whole sentences only
    assert "shortened" in embed.footer.text and "/article" in embed.footer.text


@pytest.mark.parametrize("count", [1, 3, 30])
def test_many_or_huge_quotes_fit_discords_limits(count: int) -> None:
    text = "word " * 3000 + "end."
    quotes = [quote(text, [(0, len(text))], title="T" * 400, source="S" * 300, also_in=[{"source": "x" * 500}])
              for _ in range(count)]
    embed = render.answer_embed(Answer("?" * 3000, False, quotes))
    within_limits(embed)
    assert embed.title.endswith("...")


def test_a_refusal_says_what_was_searched_and_suggests_titles() -> None:
    embed = render.answer_embed(Answer("Who won the cup?", True, suggestions=["Cup final report", "League table"],
                                       searched=12, reason="No passage answers it closely enough."))
    assert embed.title == "Not found in the stored articles"
    assert "Searched 12 articles for: “Who won the cup?”" in embed.description
    assert "• Cup final report\n• League table" in embed.description
    within_limits(embed)


def test_cut_prefers_sentence_ends_then_words() -> None:
    assert render.cut("Short.", 10) == "Short."
    assert render.cut("One sentence here. Another one follows here.", 30) == "One sentence here...."
    assert render.cut("averyveryverylongword and more words here", 20) == "averyveryverylong..."
    assert len(render.cut("x" * 5000, 100)) == 100


def test_article_pages_split_long_articles_and_keep_paragraph_numbers() -> None:
    passages = [Passage(i, 1, i, f"Paragraph {i}. " + "Some words follow here. " * 60) for i in range(1, 21)]
    passages.append(Passage(99, 1, 21, "A very long paragraph. " * 400))
    pages = render.article_pages(article(1, title="Long read"), passages)
    assert len(pages) > 3
    for number, page in enumerate(pages, 1):
        within_limits(page)
        assert page.title == "Long read" and page.url == "https://example.com/1"
        assert page.footer.text == f"Reuters · 2024-01-02 · article #1 · page {number}/{len(pages)}"
    assert pages[0].description.startswith("**¶ 1** Paragraph 1.")
    assert sum("**¶ 21**" in p.description for p in pages) > 1  # the huge paragraph spans pages


def test_sources_pages_list_every_article() -> None:
    arts = [article(n, scope="" if n % 2 else "guild:1") for n in range(1, 41)]
    pages = render.sources_pages(arts, "**Newsroom**")
    assert len(pages) == 3 and pages[0].title == "Articles you can ask about in **Newsroom** (40)"
    text = "\n".join(p.description for p in pages)
    assert all(f"`#{n}` [Article {n}]" in text for n in range(1, 41))
    assert "shipped" in text and "added here" in text
    assert render.sources_pages([], "direct messages")[0].description == "No articles are stored for direct messages yet."


def test_sources_name_the_other_outlets_of_a_story() -> None:
    ap, reuters, bbc = article(1, source="AP"), article(2, source="Reuters"), article(3, source="")
    [page] = render.sources_pages([ap, reuters, bbc], "**Newsroom**", {1: [reuters, bbc], 2: [ap]})
    rows = page.description.split("\n")
    assert rows[0].endswith("· shipped · also: Reuters, #3") and rows[1].endswith("· shipped · also: AP")
    assert "also:" not in rows[2]


def test_an_answer_names_every_outlet_of_the_quoted_story() -> None:
    text = "Talks end without a deal."
    also = [{"article_id": 2, "title": "Ocean talks", "source": "Reuters", "url": "", "published": "", "paragraph": 0}]
    embed = render.answer_embed(Answer("Deal?", False, [quote(text, [(0, len(text))], source="AP", also_in=also)]))
    assert embed.description.endswith("· AP · 2024-06-18 · ¶ 3\nAlso in: Reuters")


def test_choice_names_fit_in_100_characters() -> None:
    assert render.choice_name(article(1, title="Short", source="BBC")) == "Short — BBC"
    assert len(render.choice_name(article(1, title="T" * 300, source="S" * 150))) <= 100


def test_timeline_pages_hold_five_entries_within_discords_limits_undated_last() -> None:
    from index.timeline import Timeline, TimelineEntry

    long = " ".join(f"Sentence {n} of the harbour story is long enough to matter." for n in range(60))
    entries = [TimelineEntry(quote(long, [], published=f"2023-0{n}-01", title="T" * 400, url="https://example.com/" + "u" * 500,
                                   also_in=[{"source": "x" * 500}]))
               for n in range(1, 10)] + [TimelineEntry(quote("Undated *words*.", [], published=""))]
    pages = render.timeline_pages(Timeline("harbour " * 100, entries, searched=10))
    assert len(pages) == 2
    for page in pages:
        within_limits(page)
        assert "Quotes were shortened (...)" in page.footer.text
    assert pages[0].description.startswith("**2023-01-01**\n> Sentence 0 of the harbour story")
    assert pages[1].description.count("**2023-") == 4
    assert pages[1].description.endswith("**undated**\n> Undated \\*words\\*.\n"
                                          "— [Putin visits Pyongyang](<https://example.com/a>) · Al Jazeera · ¶ 3")
    assert pages[0].footer.text.startswith("19 articles, oldest first; undated last · page 1/2.")
    empty = render.timeline_pages(Timeline("volcano", [], searched=3, window="only articles published 2024-01-01 to …",
                                           reason="no stored article published then is about “volcano”"))
    assert empty[0].description == ("No timeline for “volcano”: no stored article published then is about “volcano”.\n"
                                    "Searched 3 articles.\nSearched only articles published 2024-01-01 to ….")
