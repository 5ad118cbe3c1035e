"""The bot as users meet it, through a fake Discord (REST + gateway) the real discord.py talks to."""
from __future__ import annotations

from typing import Any

import pytest

from tests.fakediscord.harness import World, running_bot
from tests.fakediscord.server import EPHEMERAL

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


async def test_login_syncs_the_slash_commands(world: World) -> None:
    calls = [repr(c) for c in world.fake.calls]
    assert "GET /users/@me" in calls
    assert f"PUT /applications/{world.fake.app_id}/commands" in calls
    commands = {c["name"]: c for c in world.fake.commands[None]}
    assert set(commands) == {"ask", "article", "sources", "ingest", "forget", "feeds"}
    assert commands["ask"]["description"].startswith("Ask a question")
    assert [o["name"] for o in commands["ask"]["options"]] == ["question", "private", "since", "until"]
    assert [o["name"] for o in commands["feeds"]["options"]] == ["add", "list", "remove"]
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


async def test_feedback_buttons_store_the_vote_with_the_question(world: World) -> None:
    reply = await ask(world, world.channel, world.reader, mention(world, QUESTION))
    vote = await world.fake.click(world.reader, reply, "Helpful")
    thanks = await world.fake.interaction_done(vote)
    assert thanks["flags"] & EPHEMERAL and "Thanks" in thanks["content"]
    rows = await world.library.feedback()
    assert len(rows) == 1 and rows[0]["vote"] == 1 and rows[0]["question"] == QUESTION
    again = await world.fake.click(world.reader, reply, "Not helpful")
    assert "already" in (await world.fake.interaction_done(again))["content"]
    assert len(await world.library.feedback()) == 1


async def test_follow_up_thread_uses_the_previous_question_as_context(world: World) -> None:
    asked: list[tuple[str, str]] = []
    real_ask = world.library.ask

    async def spy(question: str, scopes: Any = None, *, context: str = "", **kw: Any) -> Any:
        asked.append((question, context))
        return await real_ask(question, scopes, context=context, **kw)

    world.bot.library.ask = spy  # type: ignore[method-assign]
    reply = await ask(world, world.channel, world.reader, mention(world, QUESTION))
    start = await world.fake.click(world.reader, reply, "Follow up in thread")
    note = await world.fake.interaction_done(start)
    thread_id = reply["id"]
    assert f"<#{thread_id}>" in note["content"]
    assert world.fake.threads[thread_id]["name"] == QUESTION
    answer = await ask(world, thread_id, world.reader, "and what did he write in the letter?")  # after the "ask follow-ups here" note
    assert answer["embeds"][0]["title"] == "and what did he write in the letter?"
    assert asked[-1] == ("and what did he write in the letter?", QUESTION)


async def test_article_autocomplete_and_paging_buttons(world: World) -> None:
    paragraphs = [f"Paragraph {n} of the harbour report. " + "The ferries kept running on time. " * 12
                  for n in range(1, 31)]
    await ingest(world, world.admin, world.channel, "harbour.md", "# Harbour report\n\n" + "\n\n".join(paragraphs))

    choices = await world.fake.autocomplete(world.reader, world.channel, "article", "query", query="Harbour")
    assert [c["name"] for c in choices] == ["Harbour report"]
    ix = await world.fake.slash(world.reader, world.channel, "article", query=choices[0]["value"])
    page = await world.fake.interaction_done(ix)
    embed = page["embeds"][0]
    assert embed["title"] == "Harbour report"
    assert "**¶ 1** Paragraph 1 of the harbour report." in embed["description"]
    total = int(embed["footer"]["text"].rsplit("/", 1)[1])
    assert total >= 3 and embed["footer"]["text"].endswith(f"page 1/{total}")
    assert buttons(page) == ["Previous", f"1/{total}", "Next"]

    turn = await world.fake.click(world.reader, page, "Next")
    await world.fake.wait_until(lambda: turn.callbacks)
    assert turn.callbacks[0]["type"] == 7  # the same message, edited in place
    page = world.fake.messages[page["id"]]
    assert page["embeds"][0]["footer"]["text"].endswith(f"page 2/{total}")
    assert "**¶ 1**" not in page["embeds"][0]["description"]
    assert buttons(page) == ["Previous", f"2/{total}", "Next"]


async def test_sources_lists_the_shipped_article(world: World) -> None:
    ix = await world.fake.slash(world.reader, world.channel, "sources")
    listing = await world.fake.interaction_done(ix)
    assert "Putin's Visit to North Korea After 24 Years" in description(listing)
    assert "shipped" in description(listing)


async def test_ingest_is_refused_without_manage_server(world: World) -> None:
    attachment = world.fake.add_attachment("notes.txt", b"Secret title\n\nThe lighthouse keeper retired.")
    ix = await world.fake.slash(world.reader, world.channel, "ingest", file=attachment)
    refusal = await world.fake.interaction_done(ix)
    assert refusal["flags"] & EPHEMERAL
    assert "Manage Server" in refusal["content"] and "Editors" in refusal["content"]
    assert await world.library.articles(scopes=(f"guild:{world.guild.id}",)) == []


@pytest.mark.parametrize("who", ["admin", "editor"])
async def test_ingest_is_accepted_for_manage_server_or_the_configured_role(world: World, who: str) -> None:
    done = await ingest(world, getattr(world, who), world.channel, "lighthouse.txt",
                        "Lighthouse keeper retires\n\nThe lighthouse keeper retired after forty years.")
    assert done["flags"] & EPHEMERAL
    assert "added “Lighthouse keeper retires”" in description(done)
    stored = await world.library.articles(scopes=(f"guild:{world.guild.id}",))
    assert [a.title for a in stored] == ["Lighthouse keeper retires"]


async def test_forget_removes_an_article_of_this_guild(world: World) -> None:
    await ingest(world, world.admin, world.channel, "lighthouse.txt",
                 "Lighthouse keeper retires\n\nThe lighthouse keeper retired after forty years.")
    choices = await world.fake.autocomplete(world.admin, world.channel, "forget", "article", article="Light")
    assert [c["name"] for c in choices] == ["Lighthouse keeper retires"]
    shipped = await world.fake.autocomplete(world.admin, world.channel, "forget", "article", article="Putin")
    assert shipped == []  # shipped articles can't be forgotten from a guild
    ix = await world.fake.slash(world.admin, world.channel, "forget", article=choices[0]["value"])
    assert "Removed “Lighthouse keeper retires”" in (await world.fake.interaction_done(ix))["content"]
    assert ix.callbacks[0]["type"] == 5
    assert await world.library.articles(scopes=(f"guild:{world.guild.id}",)) == []


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


async def test_ingest_needs_exactly_one_http_url_or_file(world: World) -> None:
    ix = await world.fake.slash(world.admin, world.channel, "ingest")
    assert "either a file or a url" in (await world.fake.interaction_done(ix))["content"]
    ix = await world.fake.slash(world.admin, world.channel, "ingest", url="ftp://example.com/a")
    assert "not an http(s) address" in description(await world.fake.interaction_done(ix))
    bad = world.fake.add_attachment("photo.png", b"\x89PNG")
    ix = await world.fake.slash(world.admin, world.channel, "ingest", file=bad)
    assert "send one of: .txt, .md, .html" in (await world.fake.interaction_done(ix))["content"]


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
