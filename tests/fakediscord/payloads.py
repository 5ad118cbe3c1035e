"""Discord API v10 JSON payloads the fake server sends: users, guilds, channels, messages, interactions."""
from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(1_100_000_000_000_000_000)
MENTION = re.compile(r"<@!?(\d+)>")

ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
EVERYDAY = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31) | (1 << 38)
"""View channel, send messages, embed links, read history, use application commands, send in threads."""


def snowflake() -> str:
    """A new unique id, as Discord sends ids: a string."""
    return str(next(_ids))


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class User:
    id: str
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class Member:
    user: User
    roles: list[str] = field(default_factory=list)
    permissions: int = EVERYDAY

    def payload(self) -> dict[str, Any]:
        return {
            "user": self.user.payload(),
            "roles": list(self.roles),
            "nick": None,
            "avatar": None,
            "joined_at": now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "permissions": str(self.permissions),
        }


@dataclass
class Guild:
    id: str
    name: str
    owner: User
    channels: dict[str, str] = field(default_factory=dict)  # name -> id
    roles: dict[str, str] = field(default_factory=dict)  # name -> id

    def role_payloads(self) -> list[dict[str, Any]]:
        everyone = _role(self.id, "@everyone", 0, EVERYDAY)
        return [everyone] + [_role(rid, name, 1, 0) for name, rid in self.roles.items()]

    def channel_payloads(self) -> list[dict[str, Any]]:
        return [text_channel(cid, name, self.id) for name, cid in self.channels.items()]

    def payload(self, me: User) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "owner_id": self.owner.id,
            "unavailable": False,
            "member_count": 2,
            "large": False,
            "features": [],
            "roles": self.role_payloads(),
            "emojis": [],
            "stickers": [],
            "channels": self.channel_payloads(),
            "threads": [],
            "members": [Member(me, permissions=EVERYDAY).payload()],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": now(),
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }


def _role(role_id: str, name: str, position: int, permissions: int) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "color": 0,
        "hoist": False,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: str, name: str, guild_id: str) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def dm_channel(channel_id: str, recipient: User) -> dict[str, Any]:
    return {"id": channel_id, "type": 1, "recipients": [recipient.payload()], "last_message_id": None}


def thread_channel(thread_id: str, name: str, guild_id: str, parent_id: str, owner_id: str) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": 11,
        "guild_id": guild_id,
        "parent_id": parent_id,
        "owner_id": owner_id,
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": now(),
            "locked": False,
        },
    }


def message(
    *,
    channel_id: str,
    author: User,
    content: str = "",
    guild_id: str | None = None,
    member: Member | None = None,
    mentions: list[User] | None = None,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    flags: int = 0,
    message_type: int = 0,
    reference: dict[str, Any] | None = None,
    message_id: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": message_id or snowflake(),
        "type": message_type,
        "channel_id": channel_id,
        "author": author.payload(),
        "content": content,
        "timestamp": now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [user.payload() for user in mentions or []],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    if member is not None:
        data["member"] = {k: v for k, v in member.payload().items() if k != "user"}
    if reference is not None:
        data["message_reference"] = reference
    return data


def application_command(app_id: str, command: dict[str, Any], guild_id: str | None) -> dict[str, Any]:
    """What Discord answers for one command of a bulk overwrite."""
    out = {
        "id": snowflake(),
        "application_id": app_id,
        "version": snowflake(),
        "type": 1,
        "default_member_permissions": None,
        "dm_permission": True,
        "nsfw": False,
        "description": "",
        **command,
    }
    if guild_id is not None:
        out["guild_id"] = guild_id
    return out
