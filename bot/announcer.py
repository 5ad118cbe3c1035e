"""Posting announcements through REST, not the gateway cache.

A sharded process knows only the guilds and channels of its own shards, but the feed it polls may
belong to a guild that another process's shard holds. So the channel is looked up with
GET /channels/{id} and the message sent to a `PartialMessageable`: any process reaches any channel
the bot can see.
"""
from __future__ import annotations

import logging

import discord

from bot.announce import announcement, may_announce_in
from index.webingest import PollResult

log = logging.getLogger(__name__)
MESSAGEABLE = frozenset({0, 1, 2, 3, 5, 10, 11, 12, 13})
"""Channel types a message can be sent in: text, DM, voice, group DM, news, threads, stage."""


async def post(client: discord.Client, poll: PollResult, channel_id: int) -> bool:
    """Announce a poll's new articles in the channel, if it may carry this feed; whether it was sent."""
    text = announcement(poll)
    if text is None:
        return False
    try:
        channel = await client.http.get_channel(channel_id)
    except discord.NotFound:
        log.warning("announce channel %d does not exist (or the bot cannot see it)", channel_id)
        return False
    except discord.HTTPException as exc:
        log.warning("cannot look up announce channel %d: %s", channel_id, exc)
        return False
    if channel["type"] not in MESSAGEABLE:
        log.warning("announce channel %d is not a text channel", channel_id)
        return False
    raw_guild = channel.get("guild_id")
    guild_id = int(str(raw_guild)) if raw_guild else None
    if not may_announce_in(poll.feed, guild_id):
        log.info("not announcing feed %d (%s) in channel %d of another guild", poll.feed.id, poll.feed.scope, channel_id)
        return False
    target = client.get_partial_messageable(channel_id, guild_id=guild_id)
    await target.send(text, allowed_mentions=discord.AllowedMentions.none())
    return True
