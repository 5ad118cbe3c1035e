"""Finding a stored article at ingest is two index lookups, never a scan of the scope: a large
import must not slow with every article it stores."""
from __future__ import annotations

import sqlite3

from index.config import Settings
from index.library import Library
from index.store.sqlite import FIND_EXISTING
from tests.conftest import SHIPPED


async def test_find_existing_uses_the_indexes(library: Library, settings: Settings) -> None:
    [added] = await library.ingest_paths([SHIPPED])
    found = await library.store.find_existing("", "no such key", "no such hash")
    assert found is None
    db = sqlite3.connect(settings.home / "newsdesk.sqlite3")
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + FIND_EXISTING, ("", "k", "", "h"))]
    db.close()
    assert not [step for step in plan if step.startswith("SCAN articles")], plan
    assert sum("SEARCH articles USING INDEX" in step for step in plan) == 2, plan
    by_key = await library.store.find_existing("", f"file:{SHIPPED.resolve()}", "other hash")
    assert by_key is not None and by_key[0] == added.article_id
