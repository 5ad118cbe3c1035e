"""Property-based test (hypothesis): quotes are verbatim slices of the stored passages, whatever they hold."""
from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import assume, given, settings, strategies as st

from index.embed import HashEmbedder
from index.errors import RejectedInput
from index.library import Library
from index.models import Article
from tests.conftest import settings_for


@settings(max_examples=25)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120),
                min_size=1, max_size=5),
       st.integers(min_value=0, max_value=4))
def test_quotes_are_verbatim_substrings_of_stored_passages(paragraphs: list[str], pick: int) -> None:
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    assume(paragraphs)
    question = paragraphs[pick % len(paragraphs)][:400]

    async def run(home: Path) -> None:
        async with Library(settings_for(home, NEWSDESK_MIN_SCORE="0"), embedder=HashEmbedder()) as lib:
            await lib.ingest_articles([Article("Prop article", tuple(dict.fromkeys(paragraphs)), url="u")])
            stored = {p.id: p.text for p in await lib.passages(1)}
            try:
                answer = await lib.ask(question)
            except RejectedInput:
                return
            except Exception as exc:  # BadQuestion for invisible-only text is fine
                assert type(exc).__name__ == "BadQuestion"
                return
            for quote in answer.quotes:
                context = stored[quote.passage_id]
                assert quote.context == context
                assert context[quote.offset : quote.offset + len(quote.text)] == quote.text
                for start, end in quote.highlights:
                    assert 0 <= start < end <= len(quote.text)

    with tempfile.TemporaryDirectory() as home:
        asyncio.run(run(Path(home)))
