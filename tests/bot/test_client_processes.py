"""Two bot processes' clients on one library folder, each on its own shard of the fake Discord: each
receives only its guilds' events and answers there, the commands are pushed once, and a feed of a
guild on the other process's shard is still announced in that guild's channel (through REST), and each
process keeps its own heartbeat in the shared home."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.client import COMMANDS_STAMP
from bot.shards import Shards
from index.doctor import run_checks
from index.health import beating
from tests.bot.chat import QUESTION, ask, description, mention
from tests.bot.cogs.test_feeds import LOCAL, announcements, run
from tests.fakediscord.harness import World, running_bot
from tests.webfixtures import EXTRA_ITEM, Site, site  # noqa: F401 (site is a fixture)

ANSWER = "Putin last visited Pyongyang in July 2000"


def command_pushes(w: World) -> list[str]:
    return [repr(c) for c in w.fake.calls if c.method == "PUT" and c.path.endswith("/commands")]


def heard(bot: Any) -> list[str]:
    """The contents of every message this client received from its gateway connections."""
    seen: list[str] = []

    async def on_message(message: Any) -> None:
        seen.append(message.content)
    bot.add_listener(on_message)
    return seen


@pytest.fixture
async def pair(tmp_path, monkeypatch) -> AsyncIterator[World]:
    """`w.bot` runs shard 0 of 2 (Newsroom), `w.others[0]` shard 1 (Elsewhere)."""
    async with running_bot(tmp_path, monkeypatch, LOCAL, shards=Shards((0,), 2), also=[Shards((1,), 2)]) as w:
        yield w


async def test_each_process_gets_only_its_guilds_events_and_answers_there(pair: World) -> None:
    w, [second] = pair, pair.others
    assert sorted(w.fake.gateway.identifies) == [(0, 2), (1, 2)]
    assert [g.name for g in w.bot.guilds] == ["Newsroom"] and [g.name for g in second.guilds] == ["Elsewhere"]
    first_heard, second_heard = heard(w.bot), heard(second)

    here = mention(w, QUESTION)
    reply = await ask(w, w.channel, w.reader, here)
    assert ANSWER in description(reply)
    there = mention(w, "When did Putin last visit Pyongyang, asked elsewhere?")
    reply = await ask(w, w.other_channel, w.stranger, there)
    assert ANSWER in description(reply)
    ix = await w.fake.slash(w.stranger, w.other_channel, "ask", question=QUESTION)
    assert ANSWER in description(await w.fake.interaction_done(ix))

    assert here in first_heard and here not in second_heard
    assert there in second_heard and there not in first_heard
    for channel in (w.channel, w.other_channel):  # one reply per question: no process answered twice
        replies = [m for m in w.fake.channel_messages(channel) if m.get("message_reference")]
        assert len(replies) == 1


async def test_the_commands_are_pushed_once_by_the_process_holding_shard_0(pair: World) -> None:
    assert command_pushes(pair) == [f"PUT /applications/{pair.fake.app_id}/commands"]
    assert pair.bot.synced is True and pair.others[0].synced is False


async def test_a_process_without_shard_0_pushes_no_commands_even_on_a_fresh_home(tmp_path, monkeypatch) -> None:
    async with running_bot(tmp_path / "a", monkeypatch, shards=Shards((1,), 2)) as w:
        assert command_pushes(w) == []
        assert not (tmp_path / "a" / COMMANDS_STAMP).exists()
    async with running_bot(tmp_path / "b", monkeypatch, {"NEWSDESK_SYNC_COMMANDS": "yes"}, shards=Shards((1,), 2)) as w:
        assert command_pushes(w) == [f"PUT /applications/{w.fake.app_id}/commands"]  # told to


async def test_a_feed_of_a_guild_on_the_other_shard_is_announced_through_rest(pair: World, site: Site) -> None:
    w, [second] = pair, pair.others
    news = w.other.channels["news"]  # Elsewhere's: shard 1, the second process
    await run(w, w.stranger, w.other_channel, "feeds add", url=site.url("feed.rss"), announce=news)
    await announcements(w, news)  # the second process polled the new feed at once
    await second.poller.poll()  # and is done with it

    assert w.bot.get_channel(int(news)) is None and w.bot.get_guild(int(w.other.id)) is None  # not in its cache
    site.extra_items.append(EXTRA_ITEM.format(base=site.base))
    await w.bot.poller.poll()  # the first process (shard 0) polls this time
    second_post = (await announcements(w, news, 2))[1]
    assert "Glacier retreat doubles" in second_post["content"]
    assert [repr(c) for c in w.fake.calls if c.path == f"/channels/{news}"][-1] == f"GET /channels/{news}"


async def test_each_process_sharing_a_home_beats_into_its_own_heartbeat(pair: World) -> None:
    w, [second] = pair, pair.others
    home = w.bot.settings.home
    while set(beating(home)) != {"shards-0-of-2", "shards-1-of-2"}:  # each writes its own once ready
        await asyncio.sleep(0.02)
    assert "bot.heartbeat" not in [p.name for p in home.iterdir()]

    def doctor(shards: str) -> str:  # the health check of the container running these shards
        env = {"NEWSDESK_HOME": str(home), "NEWSDESK_SHARDS": shards, "NEWSDESK_SHARD_COUNT": "2"}
        [check] = [c for c in run_checks(env, dotenv=None, quick=True) if c.name == "bot"]
        assert check.level == "ok", check
        return check.detail

    assert doctor("1").startswith("shards-1-of-2: connected to Discord")
    await second.close()  # one process stops cleanly: only its heartbeat goes
    assert set(beating(home)) == {"shards-0-of-2"}
    assert doctor("1").startswith("shards-1-of-2: not running (no heartbeat)")
    assert doctor("0").startswith("shards-0-of-2: connected to Discord")
