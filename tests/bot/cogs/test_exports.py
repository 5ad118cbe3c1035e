"""/export through the fake Discord: a research thread's questions and quotes attached to it verbatim,
with citations and links back to the messages; JSON too; never another guild's answers; private
answers never; a guild's answers since a day for managers only; cut to the newest when too big."""
from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from index.models import Answer
from index.readers import partition, read_path
from tests.bot.chat import QUESTION, ask, mention, reply_to, world  # noqa: F401 (world is a fixture)
from tests.conftest import SHIPPED
from tests.fakediscord.harness import World
from tests.fakediscord.server import EPHEMERAL
from tests.index.test_export import quoted_blocks

FOLLOW_UP = "and what did he write in the letter?"
ASKED = "Who will accompany Putin on the trip?"


async def run(w: World, user: Any, channel: str, **options: Any) -> dict[str, Any]:
    done = await w.fake.interaction_done(await w.fake.slash(user, channel, "export", **options))
    assert done is not None
    return done


def file_of(w: World, message: dict[str, Any]) -> tuple[str, str]:
    [(name, data)] = w.fake.uploaded(message).items()
    return name, data.decode("utf-8")


async def research_thread(w: World, user: Any, channel: str) -> tuple[str, list[dict[str, Any]], list[str]]:
    """`user` asks in `channel`, starts a thread from the answer, asks a follow-up there and /asks there
    (and once privately, last); the thread's id, the answer messages and the user's question message ids."""
    question = await w.fake.user_says(channel, user, mention(w, QUESTION))
    first = await reply_to(w, question)
    await w.fake.interaction_done(await w.fake.click(user, first, "Follow up in thread"))
    thread = first["id"]
    follow = await w.fake.user_says(thread, user, FOLLOW_UP)
    second = await reply_to(w, follow)
    third = await w.fake.interaction_done(await w.fake.slash(user, thread, "ask", question=ASKED))
    private = await w.fake.interaction_done(await w.fake.slash(user, thread, "ask", question="Who is Kim Jong Un?", private=True))
    assert private is not None and private["flags"] & EPHEMERAL
    return thread, [first, second, third, private], [question["id"], follow["id"]]


async def kept(w: World, scope: str) -> list[Answer]:
    return [Answer.from_dict(json.loads(k.answer)) for k in await w.library.store.kept_answers((scope,), 100, posted=True)]


async def test_export_attaches_the_thread_s_questions_and_quotes_verbatim_with_links(world: World) -> None:
    guild, general = world.guild.id, world.channel
    thread, answers, questions = await research_thread(world, world.reader, general)
    stranger_thread, _, _ = await research_thread(world, world.stranger, world.other_channel)

    done = await run(world, world.reader, thread)
    assert done["channel_id"] == thread and not done["flags"] & EPHEMERAL  # attached in the thread, for everyone
    assert done["content"].startswith("3 questions with their quoted answers and sources (Markdown).")
    name, text = file_of(world, done)
    assert name == f"newsdesk-thread-{thread}.md"
    assert re.findall(r"^## (.*)$", text, re.M) == [f"1. {QUESTION}", f"2. {FOLLOW_UP}", f"3. {ASKED}"]
    shown = (await kept(world, f"guild:{guild}"))[:3]
    assert [a.question for a in shown] == [QUESTION, FOLLOW_UP, ASKED]
    quotes = [q for a in shown for q in a.quotes]
    assert quotes and quoted_blocks(text) == [q.text for q in quotes]  # every quote, byte for byte ...
    article = "\n\n".join(partition(read_path(SHIPPED))[0][0].paragraphs)
    assert all(q.text in article for q in quotes)  # ... as the article has it
    assert text.count("\n- Title: ") == len(quotes)
    for q in quotes:  # each right after its quote; the shipped article has no date or url
        assert (f"> {q.text.split(chr(10))[-1]}\n\n- Title: {q.title}\n- Source: {q.source}\n- Published: unknown\n"
                f"- Paragraph: {q.paragraph}\n- URL: unknown\n") in text
    links = f"https://discord.com/channels/{guild}"
    assert f"[question]({links}/{general}/{questions[0]}) · [answer]({links}/{general}/{answers[0]['id']})" in text
    assert f"[question]({links}/{thread}/{questions[1]}) · [answer]({links}/{thread}/{answers[1]['id']})" in text
    assert f"UTC · [answer]({links}/{thread}/{answers[2]['id']})" in text  # /ask: no question message
    assert "Who is Kim Jong Un?" not in text and "## 4." not in text  # the private answer stays private

    as_json = await run(world, world.reader, thread, format="json")
    name, data = file_of(world, as_json)
    exported = json.loads(data)
    assert name.endswith(".json") and exported["version"] == 1 and exported["thread_id"] == thread
    assert [a["question"] for a in exported["answers"]] == [QUESTION, FOLLOW_UP, ASKED]
    assert [q["text"] for a in exported["answers"] for q in a["quotes"]] == [q.text for q in quotes]

    share = await world.fake.click(world.reader, answers[3], "Share to channel")  # now it is public: exported
    shared = await world.fake.wait_until(lambda: share.callbacks and world.fake.original(share))
    for _ in range(200):  # where it was posted is recorded just after the message is sent
        if len(await kept(world, f"guild:{guild}")) == 4:
            break
        await asyncio.sleep(0.02)
    again = file_of(world, await run(world, world.reader, thread))[1]
    assert "## 4. Who is Kim Jong Un?\n\nAsked " in again and f"UTC · [answer]({links}/{thread}/{shared['id']})" in again

    theirs = file_of(world, await run(world, world.stranger, stranger_thread))[1]  # the other guild's thread
    assert f"/channels/{world.other.id}/" in theirs and f"/channels/{guild}/" not in theirs
    assert f"/channels/{world.other.id}/" not in text and theirs.count("\n## ") == 3


async def test_outside_a_thread_export_says_how_and_managers_export_the_guild_since_a_day(world: World) -> None:
    await ask(world, world.channel, world.reader, mention(world, QUESTION))
    await ask(world, world.other_channel, world.stranger, mention(world, "Who is Kim Jong Un?"))
    usage = await run(world, world.reader, world.channel)
    assert usage["flags"] & EPHEMERAL and "inside a research thread" in usage["content"]
    refused = await run(world, world.reader, world.channel, since="2020-01-01")
    assert refused["flags"] & EPHEMERAL and "Only members with the Manage Server permission" in refused["content"]
    bad = await run(world, world.admin, world.channel, since="2020-02-30")
    assert bad["flags"] & EPHEMERAL and "“2020-02-30” is not" in bad["content"]

    done = await run(world, world.admin, world.channel, since="2020-01-01")
    assert done["flags"] & EPHEMERAL  # only the manager sees a whole server's answers
    name, text = file_of(world, done)
    assert name == f"newsdesk-guild-{world.guild.id}-since-2020-01-01.md"
    assert f"## 1. {QUESTION}" in text and "Who is Kim Jong Un?" not in text
    nothing = await run(world, world.admin, world.channel, since="2999-01-01")
    assert "Nothing to export" in nothing["content"]


async def test_an_export_over_the_limit_keeps_the_newest_and_says_how_many_were_left_out(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread, _, _ = await research_thread(world, world.reader, world.channel)
    from bot.cogs import exports

    whole = file_of(world, await run(world, world.reader, thread))[1].encode()
    monkeypatch.setattr(exports, "EXPORT_BYTES", len(whole) - 100)
    done = await run(world, world.reader, thread)
    _, text = file_of(world, done)
    assert len(text.encode()) <= len(whole) - 100
    assert f"1 earlier answer was left out to keep the file under {len(whole) - 100:,} bytes; it holds the newest." in done["content"]
    assert "**1 earlier answer was left out**" in text
    assert f"## 2. {FOLLOW_UP}" in text and f"## 1. {QUESTION}" not in text
