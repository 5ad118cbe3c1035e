"""Talking to the bot through the fake Discord: the `world` fixture and the helpers the bot tests share."""
from __future__ import annotations

from typing import Any

import pytest

from tests.fakediscord.harness import World, running_bot

QUESTION = "When did Putin last visit Pyongyang?"


@pytest.fixture
async def world(tmp_path, monkeypatch) -> World:
    async with running_bot(tmp_path, monkeypatch) as w:
        yield w


def mention(w: World, text: str) -> str:
    return f"<@{w.fake.bot.id}> {text}"


async def reply_to(w: World, asked: dict[str, Any]) -> dict[str, Any]:
    """The bot's reply to the user's message `asked`."""
    def replies() -> list[dict[str, Any]]:
        return [m for m in w.fake.channel_messages(asked["channel_id"])
                if str((m.get("message_reference") or {}).get("message_id")) == asked["id"]]
    return (await w.fake.wait_until(replies))[0]


async def ask(w: World, channel: str, user, text: str) -> dict[str, Any]:
    """`user` says `text` in `channel`; the bot's reply."""
    return await reply_to(w, await w.fake.user_says(channel, user, text))


def buttons(message: dict[str, Any]) -> list[str]:
    return [c.get("label") for row in message.get("components", []) for c in row["components"]]


def description(message: dict[str, Any]) -> str:
    return message["embeds"][0].get("description", "")


async def ingest(w: World, user, channel: str, filename: str, text: str) -> dict[str, Any]:
    attachment = w.fake.add_attachment(filename, text.encode())
    ix = await w.fake.slash(user, channel, "ingest", file=attachment)
    return await w.fake.interaction_done(ix)
