"""Questions: @mentions, /ask (private, shared), rate limit and cap, guild articles kept in their guild,
through a fake Discord (REST + gateway) the real discord.py talks to."""
from __future__ import annotations

from datetime import date

from discord.utils import snowflake_time

from tests.bot.chat import QUESTION, ask, buttons, description, ingest, mention, reply_to, world  # noqa: F401 (world is a fixture)
from tests.fakediscord.harness import World, running_bot
from tests.fakediscord.server import EPHEMERAL
from tests.index.test_staleness import BUDGET, HARBOUR


async def test_a_mention_gets_a_reply_quoting_the_article(world: World) -> None:
    reply = await ask(world, world.channel, world.reader, mention(world, QUESTION))
    embed = reply["embeds"][0]
    assert embed["title"] == QUESTION
    assert "**Putin last visited Pyongyang in July 2000" in embed["description"]
    assert "Putin's Visit to North Korea After 24 Years" in embed["description"]
    assert buttons(reply) == ["Helpful", "Not helpful", "Follow up in thread"]


async def test_messages_without_a_mention_or_from_bots_are_ignored(world: World) -> None:
    await world.fake.user_says(world.channel, world.reader, QUESTION)
    robot = world.fake.user("robot")
    robot.bot = True
    await world.fake.user_says(world.channel, robot, mention(world, QUESTION))
    reply = await ask(world, world.channel, world.reader, mention(world, "Who is Kim Jong Un?"))
    assert reply["embeds"][0]["title"] == "Who is Kim Jong Un?"
    assert len(world.fake.channel_messages(world.channel)) == 1


async def test_ask_defers_then_edits_in_the_answer(world: World) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "ask", question=QUESTION)
    answer = await world.fake.interaction_done(ix)
    assert ix.callbacks[0]["type"] == 5  # deferred at once, "Newsdesk is thinking..."
    assert not answer["flags"] & EPHEMERAL
    assert "**Putin last visited Pyongyang in July 2000" in description(answer)
    assert "Follow up in thread" in buttons(answer)


async def test_private_ask_is_ephemeral_and_can_be_shared(world: World) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "ask", question=QUESTION, private=True)
    answer = await world.fake.interaction_done(ix)
    assert ix.callbacks[0]["data"]["flags"] & EPHEMERAL
    assert answer["flags"] & EPHEMERAL
    assert buttons(answer) == ["Helpful", "Not helpful", "Share to channel"]

    share = await world.fake.click(world.reader, answer, "Share to channel")
    shared = await world.fake.wait_until(lambda: share.callbacks and world.fake.original(share))
    assert share.callbacks[0]["type"] == 4
    assert not shared["flags"] & EPHEMERAL
    assert shared["content"] == f"<@{world.reader.id}> shared an answer:"
    assert description(shared) == description(answer)
    assert "Follow up in thread" in buttons(shared)


async def test_guild_articles_stay_in_their_guild(world: World) -> None:
    await ingest(world, world.admin, world.channel, "zebras.txt",
                 "Zebra migration report\n\nThe zebra migration crossed the Mara river in August.")
    question = "When did the zebra migration cross the Mara river?"

    here = await ask(world, world.channel, world.reader, mention(world, question))
    assert "**The zebra migration crossed the Mara river in August.**" in description(here)

    there = await ask(world, world.other_channel, world.stranger, mention(world, question))
    assert "Zebra" not in str(there["embeds"]) and "zebra migration crossed" not in str(there["embeds"])
    choices = await world.fake.autocomplete(world.stranger, world.other_channel, "article", "query", query="Zebra")
    assert choices == []
    ix = await world.fake.slash(world.stranger, world.other_channel, "sources")
    assert "Zebra" not in description(await world.fake.interaction_done(ix))

    dm = world.fake.dm_channel(world.reader)
    ix = await world.fake.slash(world.reader, dm, "ask", question=question)
    assert "Zebra" not in str((await world.fake.interaction_done(ix))["embeds"])
    in_dm = await ask(world, dm, world.reader, question)  # no mention needed in a DM
    assert in_dm["embeds"] and "Zebra" not in str(in_dm["embeds"])


async def test_questions_over_the_rate_limit_get_a_polite_reply(tmp_path, monkeypatch) -> None:
    async with running_bot(tmp_path, monkeypatch, {"NEWSDESK_RATE_LIMIT": "2"}) as w:
        for n in range(3):
            third = await ask(w, w.channel, w.reader, mention(w, f"{QUESTION} ({n})"))
        assert third["embeds"] == [] and "2 questions a minute" in third["content"]
        assert "try again in" in third["content"]
        assert (await ask(w, w.channel, w.editor, mention(w, QUESTION)))["embeds"]  # others go on


async def test_a_question_over_the_cap_is_refused_naming_the_cap(world: World) -> None:
    reply = await ask(world, world.channel, world.reader, mention(world, "why " * 200))
    assert "at most 500 characters" in reply["content"] and "yours has 799" in reply["content"]
    ix = await world.fake.slash(world.reader, world.channel, "ask", question="why " * 200)
    refusal = await world.fake.interaction_done(ix)
    assert refusal["flags"] & EPHEMERAL and "at most 500 characters" in refusal["content"]


async def test_a_stale_match_is_refused_in_discord_saying_why(tmp_path, monkeypatch) -> None:
    async with running_bot(tmp_path, monkeypatch, {"NEWSDESK_STALE_MIN_SCORE": "1"}) as w:  # every match weak
        await w.library.ingest_articles([HARBOUR, BUDGET])
        asked = await w.fake.user_says(w.channel, w.reader, mention(w, "When did the harbour reopen after the storm?"))
        embed = (await reply_to(w, asked))["embeds"][0]
        day = min(snowflake_time(int(asked["id"])).date(), date(2023, 6, 1))  # the message's day, or the newest article's
        assert embed["title"] == "Not found in the stored articles"
        assert f"published 2021-03-02 or earlier, more than 365 days before {day.isoformat()}" in embed["description"]
        assert "Harbour reopens after storm" in embed["description"]
