"""50 questions at once through the fake Discord while an import runs: every one is answered."""
from __future__ import annotations

import asyncio
from pathlib import Path

from tests.fakediscord.harness import running_bot
from tests.generated import write_articles

QUESTIONS = 50


async def test_50_concurrent_questions_during_an_ingest(tmp_path: Path, monkeypatch) -> None:
    write_articles(tmp_path / "more", 150)
    async with running_bot(tmp_path / "home", monkeypatch, {"NEWSDESK_RATE_LIMIT": "1000"}) as w:
        ingest = asyncio.create_task(w.library.ingest_paths([tmp_path / "more"]))
        await asyncio.sleep(0.05)
        asked = [
            await w.fake.slash(w.reader, w.channel, "ask", question=f"When did Putin last visit Pyongyang? ({n})")
            for n in range(QUESTIONS)
        ]
        answers = await asyncio.wait_for(asyncio.gather(*(w.fake.interaction_done(ix) for ix in asked)), 120)
        ingest_was_running = not ingest.done()
        results = await ingest
    assert ingest_was_running
    assert len(results) == 150 and {r.status for r in results} == {"added"}
    assert all(ix.callbacks[0]["type"] == 5 for ix in asked)  # each deferred at once
    for answer in answers:
        assert "Putin's Visit to North Korea After 24 Years* · ALJAZEERA" in answer["embeds"][0]["description"]
