"""Buttons: an answer's votes and follow-up thread, which buttons it gets where, and paging.
The same buttons after a restart: test_views_restart.py."""
from __future__ import annotations

from typing import Any
from unittest.mock import Mock

import discord

from bot.views import PagerView, answer_view, pager
from tests.bot.chat import QUESTION, ask, mention, world  # noqa: F401 (fixture)
from tests.fakediscord.harness import World
from tests.fakediscord.server import EPHEMERAL


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


# ---- the buttons themselves, without Discord ----------------------------------------------


def components(view: discord.ui.View) -> list[dict[str, Any]]:
    """The buttons as sent to Discord, in their order."""
    return [c for row in view.to_components() for c in row["components"]]


def labels(view: discord.ui.View) -> list[str]:
    return [c["label"] for c in components(view)]


async def test_which_buttons_an_answer_gets_where() -> None:
    channel = Mock(spec=discord.TextChannel)
    public = answer_view(42, channel, private=False)
    assert labels(public) == ["Helpful", "Not helpful", "Follow up in thread"]
    assert [c["custom_id"] for c in components(public)] == ["newsdesk:up:42", "newsdesk:down:42", "newsdesk:thread:42"]
    assert public.timeout is None and public.is_persistent()  # they outlive the message's first hour
    assert labels(answer_view(42, channel, private=True)) == ["Helpful", "Not helpful", "Share to channel"]
    in_dm = Mock(spec=discord.DMChannel)
    assert labels(answer_view(42, in_dm, private=False)) == ["Helpful", "Not helpful"]  # no threads in DMs


class Turn:
    """A button press: what the message was edited to."""

    def __init__(self) -> None:
        self.response = self
        self.edits: list[dict[str, Any]] = []

    async def edit_message(self, **edit: Any) -> None:
        self.edits.append(edit)


async def test_pages_turn_within_their_ends() -> None:
    assert pager([discord.Embed(title="only")]) is None  # one page: no buttons
    pages = [discord.Embed(title=f"page {n}") for n in range(1, 4)]
    view = pager(pages)
    assert isinstance(view, PagerView)
    assert labels(view) == ["Previous", "1/3", "Next"]
    assert view.previous.disabled and not view.next.disabled and view.position.disabled

    turn = Turn()
    for button in (view.next, view.next, view.next):
        await button.callback(turn)  # type: ignore[call-arg]
    assert [edit["embed"].title for edit in turn.edits] == ["page 2", "page 3", "page 3"]
    assert view.position.label == "3/3" and view.next.disabled and not view.previous.disabled
    await view.previous.callback(turn)  # type: ignore[call-arg]
    assert turn.edits[-1]["embed"].title == "page 2" and turn.edits[-1]["view"] is view
    assert view.position.label == "2/3" and not view.next.disabled
