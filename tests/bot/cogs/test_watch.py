"""/watch add, list, remove through the fake Discord: a standing question answered by a later /ingest is
posted once in its channel, in its guild only, also after a restart; who may remove which; the limit."""
from __future__ import annotations

import asyncio
from typing import Any

from bot.watcher import heading
from index import watch
from index.embed import HashEmbedder
from index.library import Library
from index.models import Article, guild_scope
from tests.bot.chat import ingest, world  # noqa: F401 (world is a fixture)
from tests.fakediscord.harness import World, _ready
from tests.fakediscord.server import EPHEMERAL

QUESTION = "How many suspension cables did the engineers replace on the harbour bridge?"
BRIDGE = ("Harbour bridge reopens\n\nThe harbour bridge reopened on Monday after two years of repairs.\n\n"
          "Engineers replaced forty-two suspension cables on the harbour bridge.")


async def run(w: World, user: Any, channel: str, command: str, **options: Any) -> dict[str, Any]:
    """`user` runs /command with `options`; the message the bot answered with."""
    done = await w.fake.interaction_done(await w.fake.slash(user, channel, command, **options))
    assert done is not None
    return done


def text(message: dict[str, Any]) -> str:
    return message.get("content", "") + "".join(e.get("description", "") for e in message.get("embeds", []))


def posts(w: World, channel: str) -> list[dict[str, Any]]:
    """The standing questions' answers the bot posted in `channel`."""
    return [m for m in w.fake.channel_messages(channel) if "answers the standing question" in m.get("content", "")]


async def posted(w: World, channel: str, count: int = 1) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await w.fake.wait_until(lambda: (lambda p: p if len(p) >= count else None)(posts(w, channel)))
    return found


async def settled(w: World) -> None:
    """Whatever the library recorded is posted (or claimed) by now."""
    await w.bot.watch_poster.post_due()
    assert await watch.due(w.bot.library) == []


async def test_a_standing_question_is_answered_once_in_its_channel_and_guild_only(world: World) -> None:
    news, elsewhere = world.guild.channels["news"], world.other.channels["news"]
    added = await run(world, world.admin, news, "watch add", question=QUESTION)
    assert added["flags"] & EPHEMERAL and "Standing question **[1]** kept" in added["content"]
    await run(world, world.stranger, elsewhere, "watch add", question=QUESTION)  # the same question, another guild

    await ingest(world, world.admin, world.channel, "bridge.txt", BRIDGE)
    [post] = await posted(world, news)
    assert post["content"] == heading(watch.WatchHit(
        (await watch.standing_questions(world.library, (guild_scope(world.guild.id),)))[0], "", 0,
        watch.Answer(QUESTION, False)))
    assert f"<@{world.admin.id}>" in post["content"]  # named ...
    sends = [c for c in world.fake.message_sends() if c.path == f"/channels/{news}/messages"]
    assert sends and all(c.body["allowed_mentions"]["parse"] == [] for c in sends)  # ... without a ping
    assert "forty-two suspension cables" in text(post) and "Harbour bridge reopens" in text(post)

    await settled(world)
    assert posts(world, elsewhere) == [] and posts(world, world.channel) == []
    again = await ingest(world, world.admin, world.channel, "bridge.txt", BRIDGE)
    assert "unchanged" in text(again)
    await ingest(world, world.admin, world.channel, "bridge.txt", BRIDGE + "\n\nTraffic returned by noon.")
    await settled(world)
    assert len(posts(world, news)) == 1  # the same article (a new version of it too) is posted once


async def test_standing_questions_and_their_answers_survive_a_restart(world: World) -> None:
    from bot.client import newsdesk_bot

    news = world.guild.channels["news"]
    await run(world, world.reader, news, "watch add", question=QUESTION)
    settings, fetch = world.bot.settings, world.bot.fetch
    await world.bot.close()
    # stored while no bot runs (e.g. `newsdesk ingest --guild`): recorded, posted when a bot starts
    await world.library.ingest_articles([Article("Harbour bridge reopens", tuple(BRIDGE.split("\n\n")[1:]),
                                                 url="https://example.org/bridge")], guild_scope(world.guild.id))
    async with Library(settings, embedder=HashEmbedder()) as again:  # a second bot on the same home
        bot = newsdesk_bot(again, settings, fetch, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(settings.discord_token))
        await asyncio.wait_for(_ready(bot, task), 15)
        world.bot, world.library = bot, again
        world.tasks.append(task)
        [post] = await posted(world, news)
        assert f"<@{world.reader.id}>" in post["content"] and "forty-two" in text(post)
        listed = await run(world, world.reader, news, "watch list")
        assert f"“{QUESTION}”" in text(listed) and f"<#{news}>" in text(listed)
        await ingest(world, world.admin, world.channel, "other.txt", "Harbour news\n\nThe bridge has 42 new cables.")
        await posted(world, news, 2)
        await bot.close()


async def test_list_and_remove_own_questions_or_any_as_a_manager(world: World) -> None:
    channel = world.channel
    await run(world, world.reader, channel, "watch add", question="Who won the bread prize?")
    await run(world, world.admin, channel, "watch add", question=QUESTION)
    listed = await run(world, world.reader, channel, "watch list")
    assert listed["flags"] & EPHEMERAL
    assert text(listed).index("[1]") < text(listed).index("[2]") and "2 of 25" in text(listed)
    assert "no standing questions" in text(await run(world, world.stranger, world.other_channel, "watch list"))

    choices = await world.fake.autocomplete(world.reader, channel, "watch remove", "question", question="bread")
    assert [c["value"] for c in choices] == ["1"]
    refused = await run(world, world.reader, channel, "watch remove", question="2")
    assert "Not removed" in refused["content"] and "only they or a manager may remove it" in refused["content"]
    gone = await run(world, world.stranger, world.other_channel, "watch remove", question="1")
    assert "no standing question 1 here" in gone["content"]  # another guild's, even for its owner
    assert "Removed standing question **[1]**" in (await run(world, world.reader, channel, "watch remove",
                                                             question="1"))["content"]
    await run(world, world.reader, channel, "watch add", question="Who lost the bread prize?")
    removed = await run(world, world.editor, channel, "watch remove", question="3")  # the admin role manages
    assert "Removed standing question **[3]**" in removed["content"]
    assert [w.id for w in await watch.standing_questions(world.library, None)] == [2]


async def test_the_per_guild_limit_and_the_question_length_refuse_clearly(world: World) -> None:
    scope = guild_scope(world.guild.id)
    for n in range(watch.MAX_PER_GUILD):
        await watch.add(world.library, f"Question number {n}?", scope, world.channel, str(world.admin.id), "admin")
    full = await run(world, world.reader, world.channel, "watch add", question=QUESTION)
    assert full["flags"] & EPHEMERAL
    assert full["content"] == (f"Not added: there are {watch.MAX_PER_GUILD} standing questions here already, "
                               "the most there may be; remove one first.")
    assert "Standing question" in (await run(world, world.stranger, world.other_channel, "watch add",
                                             question=QUESTION))["content"]  # another guild has room
    long = await run(world, world.stranger, world.other_channel, "watch add", question="why " * 200)
    assert "at most 500 characters" in long["content"]
