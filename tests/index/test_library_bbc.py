"""Import the whole BBC News corpus (../shared/corpus/bbc): counts of articles, duplicates, passages.

Marked slow (NEWSDESK_SLOW=1 runs it); skipped where ../shared is absent. Uses the hash embedder:
the counts do not depend on the model, and the model's ingest speed is measured by `make bench`.
"""
from __future__ import annotations

from collections import Counter

import pytest

from index.library import Library
from index.readers import read_path
from tests.conftest import SHARED

BBC = SHARED / "corpus" / "bbc"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BBC.is_dir(), reason=f"{BBC} is absent"),
]


async def test_whole_bbc_corpus_imports_with_duplicates_detected(library: Library) -> None:
    folders = sorted(p for p in BBC.iterdir() if p.is_dir())  # not the corpus's README.TXT
    results = await library.ingest_paths(folders)
    counts = Counter(r.status for r in results)
    stored = await library.articles()
    passages = sum(a.paragraphs for a in stored)
    print(f"\nBBC corpus: {len(results)} files (sport/199.txt is Latin-1), {counts['added']} articles stored, "
          f"{counts['duplicate']} duplicates detected, {counts['rejected']} rejected, {passages} passages")
    assert counts["rejected"] == 0
    assert counts["added"] + counts["duplicate"] == 2225
    assert counts["added"] == len(stored)
    assert counts["duplicate"] >= 90  # the corpus README: 98 files repeat another file's text
    [latin1] = read_path(BBC / "sport" / "199.txt")
    assert latin1.title in {a.title for a in stored}
    again = Counter(r.status for r in await library.ingest_paths(folders))
    assert again["added"] == again["replaced"] == 0
