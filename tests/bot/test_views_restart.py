"""An answer's buttons keep working after the bot restarts: votes, share, follow-up, one vote each."""
from __future__ import annotations

import sqlite3

from tests.bot.chat import QUESTION, ask, buttons, description, mention, world  # noqa: F401 (fixture)
from tests.fakediscord.harness import World, restart
from tests.fakediscord.server import EPHEMERAL


async def test_votes_and_threads_work_on_an_answer_from_before_a_restart(world: World) -> None:
    reply = await ask(world, world.channel, world.reader, mention(world, QUESTION))
    first = await world.fake.click(world.reader, reply, "Helpful")
    assert "Thanks" in (await world.fake.interaction_done(first))["content"]
    await restart(world)

    again = await world.fake.click(world.reader, reply, "Not helpful")
    assert "already rated" in (await world.fake.interaction_done(again))["content"]
    other = await world.fake.click(world.editor, reply, "Not helpful")
    assert "Thanks, noted 👎" in (await world.fake.interaction_done(other))["content"]
    assert sorted((row["user_id"], row["vote"]) for row in await world.library.feedback()) == sorted(
        [(str(world.reader.id), 1), (str(world.editor.id), -1)])

    start = await world.fake.click(world.reader, reply, "Follow up in thread")
    assert f"<#{reply['id']}>" in (await world.fake.interaction_done(start))["content"]
    assert world.fake.threads[reply["id"]]["name"] == QUESTION


async def test_a_private_answer_can_be_shared_after_a_restart(world: World) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "ask", question=QUESTION, private=True)
    answer = await world.fake.interaction_done(ix)
    await restart(world)
    share = await world.fake.click(world.reader, answer, "Share to channel")
    shared = await world.fake.wait_until(lambda: share.callbacks and world.fake.original(share))
    assert not shared["flags"] & EPHEMERAL
    assert description(shared) == description(answer)
    assert buttons(shared) == ["Helpful", "Not helpful", "Follow up in thread"]


async def test_a_button_on_an_answer_no_longer_kept_says_so(world: World) -> None:
    reply = await ask(world, world.channel, world.reader, mention(world, QUESTION))
    with sqlite3.connect(world.library.settings.database_path) as db:  # as when it aged out
        db.execute("DELETE FROM answers")
    vote = await world.fake.click(world.reader, reply, "Helpful")
    said = await world.fake.interaction_done(vote)
    assert said["flags"] & EPHEMERAL and "too old" in said["content"]
    assert await world.library.feedback() == []
