"""A sharded bot against the fake Discord: one gateway connection per shard, each told only of its own
guilds; a question in a guild on either shard is answered; the commands are pushed once."""
from __future__ import annotations

from bot.shards import Shards
from tests.bot.chat import QUESTION, ask, description, mention
from tests.fakediscord.harness import running_bot


def command_pushes(fake) -> list[str]:
    return [repr(c) for c in fake.calls if c.method == "PUT" and c.path.endswith("/commands")]


async def test_one_process_on_two_shards_answers_in_a_guild_on_each(tmp_path, monkeypatch) -> None:
    async with running_bot(tmp_path, monkeypatch, shards=Shards((0, 1), 2)) as w:
        assert sorted(w.fake.gateway.identifies) == [(0, 2), (1, 2)]  # two connections, one per shard
        assert {shard: [g.name for g in w.bot.guilds if g.shard_id == shard] for shard in (0, 1)} == {
            0: ["Newsroom"], 1: ["Elsewhere"]}
        reply = await ask(w, w.channel, w.reader, mention(w, QUESTION))  # Newsroom: shard 0
        assert "Putin last visited Pyongyang in July 2000" in description(reply)
        ix = await w.fake.slash(w.stranger, w.other_channel, "ask", question=QUESTION)  # Elsewhere: shard 1
        answer = await w.fake.interaction_done(ix)
        assert "Putin last visited Pyongyang in July 2000" in description(answer)
        assert command_pushes(w.fake) == [f"PUT /applications/{w.fake.app_id}/commands"]
