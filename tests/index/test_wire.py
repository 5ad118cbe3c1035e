"""Wire copies (index.wire): the same story from two outlets is linked when the second is stored, and
answers then name both outlets; a different story on the same topic, another guild's copy, or a
forgotten one is not linked."""
from __future__ import annotations

from index import wire
from index.library import Library
from index.models import Article

WIRE = (
    "GENEVA — Talks on a new treaty to protect the high seas ended on Saturday without an agreement, "
    "after two weeks of negotiations between delegations from more than 100 countries.",
    "Delegates said the main disputes were over how to share profits from marine genetic resources "
    "and how to decide where new marine protected areas should be created.",
    "The chair of the conference, Rena Lee of Singapore, said the parties were closer than ever and "
    "that a further session would be held early next year to finish the text.",
    "Environmental groups had hoped the treaty would allow 30 percent of the world's oceans to be "
    "placed under protection by the end of the decade.",
    "Only about one percent of the high seas is protected at present, and fishing fleets, shipping "
    "and deep sea mining all compete for the same waters.",
    "The next round of talks is expected to take place in New York in February, officials said.",
)
REWORDED_FIRST = (  # a few words differ: too many for the per-question near-duplicate test (a paragraph's)
    "GENEVA (Reuters) — Talks on a new treaty to protect the high seas ended on Saturday with no agreement, "
    "after two weeks of talks between delegations from more than 100 nations."
)


def outlet(source: str, title: str, paragraphs: tuple[str, ...] = WIRE, url: str = "") -> Article:
    return Article(title, paragraphs, source=source, url=url or f"https://{source.lower()}.example/high-seas")


AP = outlet("AP", "High seas treaty talks end without a deal")
REUTERS = outlet("Reuters", "No agreement yet on ocean treaty as Geneva talks close",
                 (REWORDED_FIRST, *WIRE[1:5], WIRE[5].replace("officials said", "a spokesperson said"),
                  "Reporting by Reuters staff; editing by the desk."))
OTHER_STORY = outlet("Guardian", "What the high seas treaty would mean for fishing", (
    "Fishing communities are watching the high seas treaty talks closely, because protected areas "
    "could close some of their most productive grounds.",
    "Skippers in Spain and Portugal told us they support protection in principle but fear the rules "
    "will be written without them.",
    "Scientists say that protecting 30 percent of the oceans would help fish stocks recover, and that "
    "catches next to protected areas often rise.",
    "The treaty talks in Geneva are expected to resume next year in New York.",
))


async def test_the_same_wire_story_from_two_outlets_is_linked_when_stored(library: Library) -> None:
    [ap] = await library.ingest_articles([AP])
    assert ap.copies == ()
    [reuters] = await library.ingest_articles([REUTERS])
    assert reuters.status == "added" and reuters.copies == (ap.article_id,)
    copies = await library.copies([ap.article_id, reuters.article_id], ("",))
    assert {k: [a.source for a in v] for k, v in copies.items()} == {ap.article_id: ["Reuters"],
                                                                   reuters.article_id: ["AP"]}


async def test_copies_in_one_import_are_linked_to_each_other(library: Library) -> None:
    ap, reuters = await library.ingest_articles([AP, REUTERS])
    assert ap.copies == () and reuters.copies == (ap.article_id,)


async def test_a_different_story_on_the_same_topic_is_not_linked(library: Library) -> None:
    await library.ingest_articles([AP])
    [other] = await library.ingest_articles([OTHER_STORY])
    assert other.copies == ()
    assert await library.copies([other.article_id]) == {}


async def test_an_answer_quoting_one_outlet_lists_the_other(library: Library) -> None:
    ap, reuters = await library.ingest_articles([AP, REUTERS])
    answer = await library.ask("Where will the next round of high seas talks take place?")
    assert not answer.refused
    quote = answer.quotes[0]
    assert "New York in February" in quote.text
    listed = {t["article_id"]: t for t in quote.also_in}
    other = reuters.article_id if quote.article_id == ap.article_id else ap.article_id
    assert set(listed) == {other}
    assert listed[other]["source"] in ("AP", "Reuters") and listed[other]["url"].startswith("https://")


async def test_an_answer_lists_a_linked_copy_the_question_did_not_retrieve(library: Library) -> None:
    """The first paragraphs differ too much for the per-question near-duplicate test: only the link
    made at ingest puts the other outlet beside the quote."""
    [ap] = await library.ingest_articles([AP])
    [reuters] = await library.ingest_articles([REUTERS])
    answer = await library.ask("How long did the Geneva negotiations on the high seas treaty last?")
    [first] = [q for q in answer.quotes if q.article_id == ap.article_id and q.paragraph == 1]
    assert [(t["article_id"], t["source"], t["paragraph"]) for t in first.also_in] == [(reuters.article_id, "Reuters", 0)]


async def test_forgetting_a_copy_removes_the_link(library: Library) -> None:
    ap, reuters = await library.ingest_articles([AP, REUTERS])
    assert await library.forget(reuters.article_id)
    assert await library.copies([ap.article_id]) == {}
    answer = await library.ask("Where will the next round of high seas talks take place?")
    assert all(q.also_in == [] for q in answer.quotes)


async def test_a_replaced_article_is_linked_afresh(library: Library) -> None:
    ap, reuters = await library.ingest_articles([AP, REUTERS])
    [again] = await library.ingest_articles([outlet("Reuters", REUTERS.title, (*REUTERS.paragraphs, "Updated."))])
    assert again.status == "replaced" and again.copies == (ap.article_id,)
    copies = await library.copies([ap.article_id])
    assert [a.id for a in copies[ap.article_id]] == [again.article_id]


async def test_another_guilds_copy_is_never_linked_or_seen(library: Library) -> None:
    [mine] = await library.ingest_articles([AP], scope="guild:1")
    [theirs] = await library.ingest_articles([REUTERS], scope="guild:2")
    assert theirs.copies == ()
    assert await library.copies([mine.article_id, theirs.article_id]) == {}


async def test_a_guilds_copy_of_a_shipped_article_is_linked_and_seen_only_there(library: Library) -> None:
    [shipped] = await library.ingest_articles([AP])
    [guilds] = await library.ingest_articles([REUTERS], scope="guild:1")
    assert guilds.copies == (shipped.article_id,)
    assert [a.source for a in (await library.copies([shipped.article_id], ("", "guild:1")))[shipped.article_id]] == ["Reuters"]
    assert await library.copies([shipped.article_id], ("", "guild:2")) == {}
    answer = await library.ask("Where will the next round of high seas talks take place?", ("", "guild:2"))
    assert all(t["source"] != "Reuters" for q in answer.quotes for t in q.also_in)


def test_same_story_needs_overlap_and_length() -> None:
    assert wire.same_story(wire.shingles(WIRE), wire.shingles(REUTERS.paragraphs))
    assert not wire.same_story(wire.shingles(WIRE), wire.shingles(OTHER_STORY.paragraphs))
    short = ("The talks ended without a deal on Saturday.",)
    assert not wire.same_story(wire.shingles(short), wire.shingles(short))  # too short to tell
    assert wire.overlap(frozenset(), wire.shingles(WIRE)) == 0.0


async def test_an_export_of_the_answer_lists_the_linked_outlet(library: Library) -> None:
    from index import export
    from tests.index.test_export import G, posted

    await library.ingest_articles([AP])
    await library.ingest_articles([REUTERS])
    answer = await library.ask("How long did the Geneva negotiations on the high seas treaty last?")
    await posted(library.store, answer, "200", "201")
    text = export.markdown(await export.thread_export(library.store, "200", (f"guild:{G}",), G))
    assert f"- Also in: {REUTERS.title} (Reuters, same story) <{REUTERS.url}>" in text
