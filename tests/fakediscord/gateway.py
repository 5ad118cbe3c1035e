"""The fake Discord's gateway: one websocket per shard, as Discord runs it.

A client IDENTIFYs with `shard: [id, count]` (absent: `[0, 1]`). Each connection gets READY for its
shard and GUILD_CREATE only for the guilds that shard holds, `(guild_id >> 22) % count == id`; an
event about a guild goes only to the connection holding that guild's shard, and one without a
guild (a DM) to shard 0's.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import FakeDiscord

MESSAGE_CONTENT = 1 << 15


def shard_of(guild_id: str | int, count: int) -> int:
    """The shard that holds a guild, by Discord's formula."""
    return (int(guild_id) >> 22) % count


def guild_of(event: str, data: dict[str, Any]) -> str | None:
    """The guild an event is about (None: a DM or no guild)."""
    if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
        return str(data["id"])
    guild = data.get("guild_id")
    return str(guild) if guild else None


@dataclass
class Connection:
    """One websocket from the bot: its compression, sequence numbers and, once identified, its shard."""

    ws: web.WebSocketResponse
    query: dict[str, str]
    compress: Any = None
    shard: tuple[int, int] | None = None
    seq: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, op: int, data: Any, event: str | None = None) -> None:
        payload: dict[str, Any] = {"op": op, "d": data, "s": None, "t": event}
        if op == 0:
            self.seq += 1
            payload["s"] = self.seq
        text = json.dumps(payload).encode()
        if self.compress is None:
            await self.ws.send_str(text.decode())
        else:
            await self.ws.send_bytes(self.compress.compress(text) + self.compress.flush(zlib.Z_SYNC_FLUSH))


class Gateway:
    """Every open connection of the bot (or bots), by shard id."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.shards: dict[int, Connection] = {}  # shard id -> its identified connection
        self.shard_count = 1  # as the bots identified: every connection must agree
        self.identifies: list[tuple[int, int]] = []  # [id, count] of every IDENTIFY, in order

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, dict(request.query))
        self.fake.gateway_query = conn.query
        compress = request.query.get("compress")
        if compress not in (None, "zlib-stream"):
            await ws.close(code=4000, message=b"unsupported compression")
            return ws
        conn.compress = zlib.compressobj() if compress == "zlib-stream" else None
        await conn.send(10, {"heartbeat_interval": 41250})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT and not await self._handle(conn, json.loads(msg.data)):
                    break
        finally:
            if conn.shard is not None and self.shards.get(conn.shard[0]) is conn:
                del self.shards[conn.shard[0]]
        return ws

    async def _handle(self, conn: Connection, data: dict[str, Any]) -> bool:
        """Answer one payload from the bot; False when the connection was closed."""
        self.fake.received.append(data)
        conn.received.append(data)
        op = data.get("op")
        if op == 1:
            await conn.send(11, None)
        elif op == 2:
            identify = data["d"]
            if identify.get("token") != self.fake.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return False
            if identify.get("intents", 0) & MESSAGE_CONTENT and not self.fake.allow_message_content:
                await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
                return False
            shard_id, count = identify.get("shard") or (0, 1)
            if not 0 <= shard_id < count or (self.shards and count != self.shard_count):
                await conn.ws.close(code=4010, message=b"Invalid shard.")
                return False
            conn.shard = (shard_id, count)
            self.shard_count = count
            self.shards[shard_id] = conn
            self.identifies.append((shard_id, count))
            await self._ready(conn)
        return True

    def holds(self, shard: tuple[int, int], guild_id: str) -> bool:
        return shard_of(guild_id, shard[1]) == shard[0]

    async def _ready(self, conn: Connection) -> None:
        assert conn.shard is not None
        fake = self.fake
        guilds = [g for g in fake.guilds.values() if self.holds(conn.shard, g.id)]
        await conn.send(0, {
            "v": 10,
            "user": fake.bot.payload(),
            "guilds": [{"id": g.id, "unavailable": True} for g in guilds],
            "session_id": f"fake-session-{conn.shard[0]}",
            "resume_gateway_url": f"ws{fake.base[4:]}/gateway",
            "application": {"id": fake.app_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "shard": list(conn.shard),
        }, "READY")
        for guild in guilds:
            await conn.send(0, guild.payload(fake.bot), "GUILD_CREATE")
        fake.identified.set()

    def connection_for(self, event: str, data: dict[str, Any]) -> Connection:
        """The connection that Discord would send this event on."""
        guild_id = guild_of(event, data)
        shard_id = shard_of(guild_id, self.shard_count) if guild_id else 0
        conn = self.shards.get(shard_id)
        assert conn is not None, f"no bot is connected on shard {shard_id} (for {event} in guild {guild_id})"
        return conn

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.connection_for(event, data).send(0, data, event)

    async def close(self) -> None:
        for conn in list(self.shards.values()):
            await conn.ws.close()
