"""The client: command sync at login, no pings from anything it sends, an apology when a command fails."""
from __future__ import annotations

from typing import Any

from tests.bot.chat import QUESTION, ask, description, ingest, mention, world  # noqa: F401 (world is a fixture)
from tests.fakediscord.harness import World, running_bot


async def test_login_syncs_the_slash_commands(world: World) -> None:
    calls = [repr(c) for c in world.fake.calls]
    assert "GET /users/@me" in calls
    assert f"PUT /applications/{world.fake.app_id}/commands" in calls
    commands = {c["name"]: c for c in world.fake.commands[None]}
    assert set(commands) == {"ask", "article", "sources", "ingest", "forget", "feeds", "watch", "export", "timeline"}
    assert commands["ask"]["description"].startswith("Ask a question")
    assert [o["name"] for o in commands["ask"]["options"]] == ["question", "private", "since", "until"]
    assert [o["name"] for o in commands["feeds"]["options"]] == ["add", "list", "remove"]
    assert [o["name"] for o in commands["timeline"]["options"]] == ["topic", "since", "until"]
    assert [o["name"] for o in commands["watch"]["options"]] == ["add", "list", "remove"]
    assert commands["watch"]["contexts"] == [0]
    assert [o["name"] for o in commands["export"]["options"]] == ["format", "since"]
    assert [c["value"] for c in commands["export"]["options"][0]["choices"]] == ["markdown", "json"]
    assert commands["export"]["contexts"] == [0]
    assert commands["feeds"]["contexts"] == [0] == commands["ingest"]["contexts"]  # servers only, never DMs
    assert {o["name"]: o["type"] for o in commands["ingest"]["options"]} == {"file": 11, "url": 3}
    assert commands["article"]["options"][0]["autocomplete"] is True
    assert world.bot.synced is True
    assert world.fake.gateway_query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    ops = [m["op"] for m in world.fake.received]
    assert ops[:2] == [1, 2]  # a heartbeat right after HELLO, then IDENTIFY
    identify = world.fake.received[1]["d"]
    assert identify["token"] == world.fake.token
    assert identify["intents"] & (1 << 15) and not identify["intents"] & (1 << 1)  # content, not members


async def test_commands_are_not_synced_again_when_unchanged(tmp_path, monkeypatch) -> None:
    async with running_bot(tmp_path, monkeypatch):
        pass
    async with running_bot(tmp_path, monkeypatch) as again:
        assert not [c for c in again.fake.calls if c.method == "PUT"]
        assert again.bot.synced is False


async def test_an_article_with_everyone_pings_no_one(world: World) -> None:
    await ingest(world, world.admin, world.channel, "alert.txt",
                 f"Town hall alert\n\n@everyone the town hall meeting moved to Friday, said <@{world.reader.id}>.")
    reply = await ask(world, world.channel, world.reader, mention(world, "When is the town hall meeting @everyone?"))
    assert "@everyone the town hall meeting moved to Friday" in description(reply)
    sends = world.fake.message_sends()
    assert sends
    for call in sends:
        mentions = call.body.get("allowed_mentions") or call.body.get("data", {}).get("allowed_mentions")
        assert mentions is not None, f"{call} sent no allowed_mentions"
        assert mentions.get("parse") == [] and not mentions.get("users") and not mentions.get("roles"), call


async def test_a_failure_replaces_thinking_with_an_apology(world: World) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    world.bot.library.ask = broken  # type: ignore[method-assign]
    ix = await world.fake.slash(world.reader, world.channel, "ask", question=QUESTION)
    answer = await world.fake.interaction_done(ix)
    assert answer["content"].startswith("Sorry, something went wrong")
    assert "disk on fire" not in answer["content"]
    reply = await ask(world, world.channel, world.reader, mention(world, QUESTION))
    assert reply["content"].startswith("Sorry, something went wrong")
