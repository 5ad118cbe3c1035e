"""What retrieval and index building read from the store: counts exact across every kind of write, vectors in batches."""
from __future__ import annotations

import numpy as np

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


async def test_vectors_come_in_batches_and_a_sample_is_of_stored_vectors(library: Library) -> None:
    await library.ingest_articles([COUNCIL, TRAMS])
    dim = library.embedder.inner.dim
    ids, matrix = await library.store.vector_matrix(dim)
    batches = [b async for b in library.store.vector_batches(dim, batch=2)]
    assert [len(i) for i, _ in batches] == [2, 2, 1]
    assert np.array_equal(np.concatenate([i for i, _ in batches]), ids)
    assert np.array_equal(np.concatenate([v for _, v in batches]), matrix)
    sample = await library.store.vector_sample(dim, 3)
    assert len(sample) == 3 and all(any(np.array_equal(row, v) for v in matrix) for row in sample)
    assert len(await library.store.vector_sample(dim, 50)) == 5
