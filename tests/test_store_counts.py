"""The counts retrieval relies on (passages per term, scopes held) stay exact across every kind of write."""
from __future__ import annotations

from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from index.models import GLOBAL_SCOPE, Article


def article(title: str, *paragraphs: str) -> Article:
    return Article(title=title, paragraphs=paragraphs, source="Metro Daily", origin=f"{title}.txt")


COUNCIL = article(
    "Council", "The council met on Tuesday.", "Councillor Okonkwo spoke to the council.", "Rain fell all day."
)
TRAMS = article("Trams", "The council ordered new trams.", "The trams arrive in May.")


async def test_term_counts_follow_ingest_and_forget(library: Library) -> None:
    await library.ingest_articles([COUNCIL])
    counts = await library.store.document_counts(["council", "okonkwo", "unheard", "council"])
    assert counts == {"council": 2, "okonkwo": 1, "unheard": 0}
    await library.ingest_articles([TRAMS])
    assert await library.store.document_counts(["okonkwo", "council", "trams"]) == {
        "okonkwo": 1, "council": 3, "trams": 2}
    trams = (await library.find_articles("Trams", None))[0]
    await library.forget(trams.id)
    assert await library.store.document_counts(["trams", "council"]) == {"trams": 0, "council": 2}
    assert await library.store.passage_count() == 3


async def test_counts_and_scopes_see_another_process_writing(settings: Settings) -> None:
    async with Library(settings, embedder=HashEmbedder()) as reader, Library(settings, embedder=HashEmbedder()) as writer:
        await writer.ingest_articles([COUNCIL])
        assert await reader.store.document_counts(["council"]) == {"council": 2}
        assert await reader.store.scope_names() == {GLOBAL_SCOPE}
        await writer.ingest_articles([TRAMS], scope="guild:7")
        assert await reader.store.document_counts(["council", "trams"]) == {"council": 3, "trams": 2}
        assert await reader.store.scope_names() == {GLOBAL_SCOPE, "guild:7"}
        answer = await reader.ask("When do the trams arrive?", scopes=(GLOBAL_SCOPE, "guild:8"))
        assert all(q.title != "Trams" for q in answer.quotes)


async def test_an_empty_library_holds_no_scopes(library: Library) -> None:
    assert await library.store.scope_names() == frozenset()
    assert await library.store.document_counts([]) == {}
