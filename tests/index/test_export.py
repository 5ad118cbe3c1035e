"""Exports of a thread's (or a guild's) answers: every question, every quote byte for byte, full
citations and links back to the messages; Markdown and JSON; only the caller's guild; cut to fit."""
from __future__ import annotations

import json
import re

import pytest

from index import export
from index.library import Library
from index.models import Answer, Article, Quote
from index.store import Store

G, OTHER = "111", "999"
TRICKY = "*Not bold*, _not italic_ and 2 * 3 = 6\n\n# not a heading\n> not nested\n  indented  \n\n`code` <b>"


def quote(text: str, title: str = "Harbour plan approved", **more: object) -> Quote:
    fields: dict[str, object] = {"article_id": 1, "title": title, "source": "Gazette", "url": "https://example.org/harbour",
                                 "published": "2024-06-18T09:00:00", "paragraph": 3, "score": 0.9, **more}
    return Quote(text, **fields)  # type: ignore[arg-type]


async def posted(store: Store, answer: Answer, channel: str, message: str, question_message: str = "",
                 guild: str = G, created: str = "2026-06-01T10:00:00+00:00") -> int:
    """An answer kept in `guild` and posted in `channel` as `message` (replying to `question_message`)."""
    kept = await store.keep_answer(created, f"guild:{guild}", json.dumps(answer.to_dict()), "")
    assert await store.answer_posted(kept, channel, message, question_message)
    return kept


def quoted_blocks(text: str) -> list[str]:
    """Each blockquote of a Markdown file, with "> " taken off every line."""
    blocks, current = [], None
    for line in text.split("\n"):
        if line.startswith("> "):
            current = [] if current is None else current
            current.append(line[2:])
        elif current is not None:
            blocks.append("\n".join(current))
            current = None
    return blocks + (["\n".join(current)] if current is not None else [])


async def test_a_thread_s_questions_and_quotes_are_exported_verbatim_with_citations_and_links(library: Library) -> None:
    store = library.store
    first = Answer("Was the harbour plan approved?", False, [
        quote(TRICKY), quote("The council voted 7 to 2.", also_in=[
            {"title": "Harbour plan passes", "source": "Wire", "url": "https://wire.example/h", "published": "2024-06-19",
             "paragraph": 5}])])
    second = Answer("Who   voted\nagainst it?", True, searched=4, reason="not found in the stored articles",
                    suggestions=["Harbour plan approved"])
    third = Answer("When does work start?", False, [quote("Work starts in *May*.\nIt ends in _June_.", paragraph=8)])
    await posted(store, first, "100", "200", "150")  # in the channel; the thread was started from this answer
    await posted(store, second, "200", "201", "199")
    await posted(store, third, "200", "202")  # /ask in the thread: no question message
    await posted(store, Answer("Elsewhere?", True), "300", "301", "299")  # another channel
    await posted(store, Answer("In the other guild?", True), "200", "203", guild=OTHER)

    made = await export.thread_export(store, "200", (f"guild:{G}",), G, name="Harbour plan")
    text = export.markdown(made)

    assert made.guild_id == G and [a.answer.question for a in made.answers] == [
        first.question, second.question, third.question]
    assert "other guild" not in text and "Elsewhere" not in text
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert headings == ["1. Was the harbour plan approved?", "2. Who voted against it?", "3. When does work start?"]
    assert quoted_blocks(text) == [TRICKY, "The council voted 7 to 2.", "Work starts in *May*.\nIt ends in _June_."]
    assert "> # not a heading\n> > not nested\n>   indented  \n> \n> `code` <b>" in text  # each line after "> ", untouched
    for line in ("- Title: Harbour plan approved", "- Source: Gazette", "- Published: 2024-06-18", "- Paragraph: 3",
                 "- URL: <https://example.org/harbour>", "- Paragraph: 8",
                 "- Also in: Harbour plan passes (Wire, 2024-06-19, paragraph 5) <https://wire.example/h>"):
        assert line in text.split("\n")
    assert "*Not answered:* not found in the stored articles (searched 4 articles). Closest articles: Harbour plan approved." in text
    links = f"https://discord.com/channels/{G}"
    assert f"[question]({links}/100/150) · [answer]({links}/100/200)" in text
    assert f"[question]({links}/200/199) · [answer]({links}/200/201)" in text
    assert f"UTC · [answer]({links}/200/202)" in text
    assert text.startswith("# Research thread “Harbour plan”\n")


async def test_json_holds_the_same_data_with_a_version(library: Library) -> None:
    answer = Answer("Was the harbour plan approved?", False, [quote(TRICKY, highlights=[(0, 5)])])
    kept = await posted(library.store, answer, "200", "201", "199")
    await posted(library.store, Answer("Who voted against it?", True, reason="not found in the stored articles"),
                 "200", "202")
    made = await export.thread_export(library.store, "200", None)
    assert export.render(made, "json") == export.as_json(made) and export.render(made) == export.markdown(made)
    data = json.loads(export.as_json(made))
    assert data["version"] == export.FORMAT_VERSION and data["thread_id"] == "200" and data["guild_id"] == G
    first, second = data["answers"]
    assert (first["id"], first["question"], first["answered"], first["asked"]) == (
        kept, answer.question, True, "2026-06-01T10:00:00+00:00")
    assert first["answer_link"] == f"https://discord.com/channels/{G}/200/201"
    assert first["question_link"] == f"https://discord.com/channels/{G}/200/199"
    [q] = first["quotes"]
    assert q["text"] == TRICKY and q["highlights"] == [[0, 5]]
    assert {k: q[k] for k in ("title", "source", "published", "paragraph", "url")} == {
        "title": "Harbour plan approved", "source": "Gazette", "published": "2024-06-18T09:00:00", "paragraph": 3,
        "url": "https://example.org/harbour"}
    assert second["answered"] is False and second["quotes"] == [] and second["question_link"] == ""


async def test_a_guild_export_holds_its_public_answers_since_the_day_only(library: Library) -> None:
    store = library.store
    await posted(store, Answer("Before?", True), "100", "101", created="2026-05-31T23:59:59+00:00")
    await posted(store, Answer("On the day?", True), "100", "102", created="2026-06-01T00:00:00+00:00")
    await posted(store, Answer("Later, in a thread?", True), "200", "201", created="2026-06-03T00:00:00+00:00")
    await posted(store, Answer("Other guild?", True), "300", "301", guild=OTHER, created="2026-06-02T00:00:00+00:00")
    await store.keep_answer("2026-06-02T00:00:00+00:00", f"guild:{G}", json.dumps(Answer("Private?", True).to_dict()), "")
    made = await export.guild_export(store, G, "2026-06-01")
    assert [a.answer.question for a in made.answers] == ["On the day?", "Later, in a thread?"]
    text = export.markdown(made)
    assert text.startswith(f"# Answers in guild {G} since 2026-06-01\n")
    assert f"https://discord.com/channels/{G}/200/201" in text
    assert export.filename(made, "json") == f"newsdesk-guild-{G}-since-2026-06-01.json"
    nothing = await export.guild_export(store, G, "2026-07-01")
    assert nothing.answers == () and "no answers posted in guild 111 since 2026-07-01" in export.empty_reason(nothing)


async def test_an_export_over_the_limit_keeps_the_newest_answers_and_says_how_many_were_left_out(library: Library) -> None:
    for n in range(6):
        await posted(library.store, Answer(f"Question {n}?", False, [quote(f"Quote {n} " + "x" * 400)]), "200", f"30{n}")
    made = await export.thread_export(library.store, "200", None)
    whole = export.markdown(made).encode()
    data, cut = export.fit(made, "markdown", len(whole) - 1)
    assert len(data) < len(whole) and cut.left_out >= 1
    text = data.decode()
    assert f"**{cut.left_out} earlier answer" in text and "left out** (the file holds the newest)" in text
    assert "## 6. Question 5?" in text and "Question 0?" not in text
    assert export.fit(made, "markdown", len(whole)) == (whole, made)
    small, fewer = export.fit(made, "json", 2000)
    assert len(small) <= 2000 and json.loads(small)["left_out"] == fewer.left_out == 6 - len(fewer.answers)
    assert [a["question"] for a in json.loads(small)["answers"]] == [a.answer.question for a in fewer.answers]


async def test_answers_the_library_gave_are_exported_as_it_quoted_them(library: Library) -> None:
    await library.ingest_articles([Article("Zebra migration report", (
        "The zebra migration crossed the Mara river in August.", "Rangers counted 5,000 *zebras* at the crossing."),
        source="Park News", url="https://example.org/zebras", published="2024-08-20")], "guild:111")
    answer = await library.ask("When did the zebra migration cross the Mara river?", scopes=("", "guild:111"))
    assert answer.quotes
    kept = await library.keep_answer(answer, "guild:111")
    await library.store.answer_posted(kept, "200", "201", "199")
    text = export.markdown(await export.thread_export(library.store, "200", ("guild:111",)))
    assert quoted_blocks(text) == [q.text for q in answer.quotes]
    assert "- Title: Zebra migration report" in text and "- URL: <https://example.org/zebras>" in text


@pytest.mark.parametrize(("call", "bad"), [
    (lambda: export.check_id("thread", "12ab"), "12ab"), (lambda: export.check_id("guild", ""), "guild id"),
    (lambda: export.check_day("2024-13-01"), "2024-13-01"), (lambda: export.check_day("yesterday"), "yesterday"),
    (lambda: export.render(export.Export((), ""), "pdf"), "pdf"),
])
def test_bad_ids_days_and_formats_are_refused_by_name(call, bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(export.ExportError, match=re.escape(bad)):
        call()


async def test_an_export_reads_at_most_max_answers_the_newest(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "MAX_ANSWERS", 2)
    for n in range(3):
        await posted(library.store, Answer(f"Question {n}?", True), "200", f"30{n}")
    made = await export.thread_export(library.store, "200", None)
    assert [a.answer.question for a in made.answers] == ["Question 1?", "Question 2?"] and made.left_out == 1
    assert "**1 earlier answer was left out**" in export.markdown(made) and "## 2. Question 1?" in export.markdown(made)
    empty = await export.thread_export(library.store, "201", None)
    assert empty.answers == () and export.empty_reason(empty).startswith("no answers posted in thread 201 are kept")
