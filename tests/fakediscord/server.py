"""A fake Discord (REST API v10 + gateway websocket with zlib-stream) on loopback.

The unmodified discord.py client connects to it once `Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY` point here (see `FakeDiscord.patch`). Tests inject gateway
events (messages, slash commands, autocomplete, button clicks) and read back every REST call
and every message the bot made, as a user would see them.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import payloads as p
from .gateway import Gateway, shard_of
from .payloads import Guild, Member, User

EPHEMERAL = 64
LOADING = 128
UPLOAD_LIMIT = 10 * 1024 * 1024
"""The largest file a bot may attach (interactions say it as attachment_size_limit)."""


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any

    def __repr__(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Interaction:
    """An interaction the test started and what the bot answered to it."""

    id: str
    token: str
    kind: int
    user: User
    channel_id: str
    guild_id: str | None
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None


class FakeDiscord:
    """The fake server: state, REST handlers, gateway and the helpers tests drive it with."""

    def __init__(self, token: str = "fake-token") -> None:
        self.token = token
        self.bot = User(p.snowflake(), "Newsdesk", bot=True)
        self.app_id = self.bot.id
        self.guilds: dict[str, Guild] = {}
        self.members: dict[tuple[str, str], Member] = {}
        self.channel_guild: dict[str, str | None] = {}
        self.threads: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.attachments: dict[str, bytes] = {}
        self._clicked: dict[str, str] = {}
        self.identified = asyncio.Event()
        self.gateway_query: dict[str, str] = {}  # how the bot connected: v, encoding, compress
        self.received: list[dict[str, Any]] = []  # gateway payloads from the bot (IDENTIFY, heartbeats)
        self.allow_message_content = True  # False: the portal switch is off, IDENTIFY gets close 4014
        self.recommended_shards = 1  # what GET /gateway/bot advises
        self.gateway = Gateway(self)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base = ""

    # ----- setup -------------------------------------------------------------------------------
    def add_guild(self, name: str, owner: User, channels: tuple[str, ...] = ("general",),
                  roles: tuple[str, ...] = (), shard: tuple[int, int] | None = None) -> Guild:
        """A guild the bot is in (sent in READY), with text channels and named roles; `shard=(id, count)`
        gives it an id that shard holds."""
        guild = Guild(_guild_id(shard), name, owner,
                      channels={c: p.snowflake() for c in channels}, roles={r: p.snowflake() for r in roles})
        self.guilds[guild.id] = guild
        for channel_id in guild.channels.values():
            self.channel_guild[channel_id] = guild.id
        self.add_member(guild, owner, permissions=p.EVERYDAY | p.ADMINISTRATOR | p.MANAGE_GUILD)
        return guild

    def add_member(self, guild: Guild, user: User, roles: tuple[str, ...] = (),
                   permissions: int = p.EVERYDAY) -> Member:
        member = Member(user, roles=[guild.roles[r] for r in roles], permissions=permissions)
        self.members[(guild.id, user.id)] = member
        return member

    def user(self, name: str) -> User:
        return User(p.snowflake(), name)

    def dm_channel(self, user: User) -> str:
        channel_id = p.snowflake()
        self.channel_guild[channel_id] = None
        self._dm_users = getattr(self, "_dm_users", {})
        self._dm_users[channel_id] = user
        return channel_id

    def add_attachment(self, filename: str, data: bytes, content_type: str = "text/plain") -> dict[str, Any]:
        attachment_id = p.snowflake()
        self.attachments[f"{attachment_id}/{filename}"] = data
        url = f"{self.base}/attachments/{attachment_id}/{filename}"
        return {"id": attachment_id, "filename": filename, "size": len(data), "url": url,
                "proxy_url": url, "content_type": content_type}

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.serve)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def patch(self, monkeypatch: Any) -> None:
        """Point discord.py's REST base and gateway URL at this server."""
        import yarl
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        monkeypatch.setattr(Route, "BASE", f"{self.base}/api/v10")
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(f"ws{self.base[4:]}/gateway"))

    # ----- waiting -------------------------------------------------------------------------------
    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy (checked after every REST call); return its value."""
        async def check() -> Any:
            async with self._changed:
                while not (value := predicate()):
                    await self._changed.wait()
                return value

        return await asyncio.wait_for(check(), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ----- what the user sees ----------------------------------------------------------------
    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages the bot made in a channel (including interaction responses), oldest first."""
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    def original(self, interaction: Interaction) -> dict[str, Any] | None:
        return self.messages.get(interaction.original_id or "")

    def followups(self, interaction: Interaction) -> list[dict[str, Any]]:
        return [self.messages[i] for i in interaction.followup_ids]

    def message_sends(self) -> list[Call]:
        """REST calls that create or edit a message (where allowed_mentions matters)."""
        def sends(body: Any) -> bool:
            return isinstance(body, dict) and ("content" in body or "embeds" in body or sends(body.get("data")))
        return [c for c in self.calls if sends(c.body)]

    # ----- gateway ---------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one gateway DISPATCH event to the bot, on the shard that holds its guild."""
        await self.gateway.dispatch(event, data)

    # ----- injecting user actions ---------------------------------------------------------------
    async def user_says(self, channel_id: str, user: User, content: str) -> dict[str, Any]:
        """A user posts a message (MESSAGE_CREATE); `<@id>` in the content become mentions."""
        guild_id = self.channel_guild.get(channel_id)
        mentioned = [self.bot] if any(m == self.bot.id for m in p.MENTION.findall(content)) else []
        member = self.members.get((guild_id, user.id)) if guild_id else None
        data = p.message(channel_id=channel_id, author=user, content=content, guild_id=guild_id,
                         member=member, mentions=mentioned)
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    def _interaction_base(self, kind: int, user: User, channel_id: str) -> tuple[Interaction, dict[str, Any]]:
        guild_id = self.channel_guild.get(channel_id)
        ix = Interaction(p.snowflake(), f"tok-{p.snowflake()}", kind, user, channel_id, guild_id)
        self.interactions[ix.token] = ix
        data: dict[str, Any] = {
            "id": ix.id, "application_id": self.app_id, "type": kind, "token": ix.token, "version": 1,
            "app_permissions": str(p.EVERYDAY), "locale": "en-US", "entitlements": [],
            "attachment_size_limit": UPLOAD_LIMIT,
            "authorizing_integration_owners": {"0": guild_id} if guild_id else {"1": user.id},
            "context": 0 if guild_id else 1,
        }
        if guild_id:
            thread = self.threads.get(channel_id)
            data["guild_id"] = guild_id
            data["guild_locale"] = "en-US"
            data["channel"] = thread or p.text_channel(channel_id, "channel", guild_id)
            data["member"] = self.members.get((guild_id, user.id), Member(user)).payload()
        else:
            data["channel"] = p.dm_channel(channel_id, user)
            data["user"] = user.payload()
        data["channel_id"] = channel_id
        return ix, data

    def _command(self, name: str, guild_id: str | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The synced command `name` ("feeds add": the command and its subcommand, else None)."""
        top, _, sub = name.partition(" ")
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] != top:
                    continue
                if not sub:
                    return command, None
                for option in command.get("options", []):
                    if option["type"] == 1 and option["name"] == sub:
                        return command, option
                raise KeyError(f"/{top} has no subcommand {sub!r}")
        raise KeyError(f"command /{name} was never synced")

    @staticmethod
    def _nest(sub: dict[str, Any] | None, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"name": sub["name"], "type": 1, "options": options}] if sub else options

    def _options(self, command: dict[str, Any], values: dict[str, Any], focused: str | None
                 ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        types = {o["name"]: o["type"] for o in command.get("options", [])}
        options, resolved = [], {}
        for name, value in values.items():
            if name not in types:
                raise KeyError(f"/{command['name']} has no option {name!r}")
            if types[name] == 11:
                resolved.setdefault("attachments", {})[value["id"]] = value
                value = value["id"]
            if types[name] == 7:  # a channel id: Discord resolves it for the bot
                channel = {**p.text_channel(value, "channel", self.channel_guild.get(value, "")),
                           "permissions": str(p.EVERYDAY)}
                resolved.setdefault("channels", {})[value] = channel
            option = {"name": name, "type": types[name], "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        return options, resolved

    async def slash(self, user: User, channel_id: str, name: str, **values: Any) -> Interaction:
        """A user runs /name with option values (attachments as `add_attachment` payloads)."""
        ix, data = self._interaction_base(2, user, channel_id)
        command, sub = self._command(name, ix.guild_id)
        options, resolved = self._options(sub or command, values, None)
        data["data"] = {"id": command["id"], "name": command["name"], "type": 1,
                        "options": self._nest(sub, options)}
        if resolved:
            data["data"]["resolved"] = resolved
        await self.dispatch("INTERACTION_CREATE", data)
        return ix

    async def autocomplete(self, user: User, channel_id: str, name: str, focused: str,
                           **values: Any) -> list[dict[str, Any]]:
        """A user types into option `focused` of /name; returns the choices the bot offered."""
        ix, data = self._interaction_base(4, user, channel_id)
        command, sub = self._command(name, ix.guild_id)
        options, _ = self._options(sub or command, values, focused)
        data["data"] = {"id": command["id"], "name": command["name"], "type": 1,
                        "options": self._nest(sub, options)}
        await self.dispatch("INTERACTION_CREATE", data)
        await self.wait_until(lambda: ix.choices is not None)
        return ix.choices or []

    async def click(self, user: User, message: dict[str, Any], label: str) -> Interaction:
        """A user clicks the button labelled `label` (or whose custom_id is `label`) on a message."""
        message = self.messages[message["id"]]
        button = next((c for row in message.get("components", []) for c in row.get("components", [])
                       if label in (c.get("label"), c.get("custom_id"))), None)
        if button is None:
            raise KeyError(f"no button {label!r} on message {message['id']}: {message.get('components')}")
        ix, data = self._interaction_base(3, user, message["channel_id"])
        data["message"] = message
        self._clicked[ix.token] = message["id"]
        data["data"] = {"custom_id": button["custom_id"], "component_type": 2}
        await self.dispatch("INTERACTION_CREATE", data)
        return ix

    async def interaction_done(self, ix: Interaction) -> dict[str, Any] | None:
        """Wait until the bot answered `ix` with content (not just "thinking"); return that message."""
        def done() -> dict[str, Any] | None:
            msg = self.original(ix)
            if msg is not None and not msg["flags"] & LOADING:
                return msg
            return None
        return await self.wait_until(done)

    # ----- REST ------------------------------------------------------------------------------------
    async def _attachment(self, request: web.Request) -> web.Response:
        key = f"{request.match_info['id']}/{request.match_info['name']}"
        if key not in self.attachments:
            return web.Response(status=404)
        return web.Response(body=self.attachments[key])

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        path = "/" + request.match_info["tail"]
        call = Call(request.method, path, dict(request.query), body)
        self.calls.append(call)
        try:
            if request.headers.get("Authorization") not in (f"Bot {self.token}", None):
                return _error(401, "401: Unauthorized", 0)
            if request.headers.get("Authorization") is None and not path.startswith(("/interactions", "/webhooks")):
                return _error(401, "401: Unauthorized", 0)
            return await self._route(request.method, path.rstrip("/").split("/")[1:], body)
        finally:
            await self._notify()

    async def _body(self, request: web.Request) -> Any:
        if request.content_type == "application/json":
            return await request.json()
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(form["payload_json"]) if "payload_json" in form else {}  # type: ignore[arg-type]
            files = [value for key, value in form.items() if key.startswith("files[")]
            if files:  # kept, and in the message as attachments (with a url the test can read them from)
                body["attachments"] = [self.add_attachment(str(f.filename), f.file.read(), str(f.content_type))
                                       for f in files if isinstance(f, web.FileField)]
            return body
        return None

    def uploaded(self, message: dict[str, Any]) -> dict[str, bytes]:
        """The files attached to a message the bot sent: filename -> content."""
        return {a["filename"]: self.attachments[f"{a['id']}/{a['filename']}"] for a in message.get("attachments", [])}

    async def _route(self, method: str, parts: list[str], body: Any) -> web.StreamResponse:
        too_big = [a for a in (body.get("attachments") or [] if isinstance(body, dict) else []) if a.get("size", 0) > UPLOAD_LIMIT]
        if too_big:
            return _error(413, "Request entity too large", 40005)
        match (method, parts):
            case ("GET", ["users", "@me"]):
                return _json(self.bot.payload())
            case ("GET", ["oauth2", "applications", "@me"]):
                return _json(self._app_info())
            case ("GET", ["gateway", "bot"]) | ("GET", ["gateway"]):
                return _json({"url": f"ws{self.base[4:]}/gateway", "shards": self.recommended_shards,
                                          "session_start_limit": {"total": 1000, "remaining": 1000,
                                                                  "reset_after": 0, "max_concurrency": 1}})
            case ("PUT", ["applications", _, "commands"]):
                return self._sync(None, body)
            case ("PUT", ["applications", _, "guilds", guild_id, "commands"]):
                return self._sync(guild_id, body)
            case ("GET", ["applications", _, "commands"]):
                return _json(self.commands.get(None, []))
            case ("GET", ["applications", _, "guilds", guild_id, "commands"]):
                return _json(self.commands.get(guild_id, []))
            case ("GET", ["channels", channel_id]) if channel_id in self.channel_guild:
                return _json(self._channel(channel_id))
            case ("GET", ["channels", _]):
                return _error(404, "404 Not Found (error code: 10003): Unknown Channel", 10003)
            case ("POST", ["channels", channel_id, "messages"]):
                return _json(self._create(channel_id, body))
            case ("PATCH", ["channels", _, "messages", message_id]):
                return _json(self._edit(message_id, body))
            case ("GET", ["channels", _, "messages", message_id]) if message_id in self.messages:
                return _json(self.messages[message_id])
            case ("DELETE", ["channels", _, "messages", message_id]):
                self.messages.pop(message_id, None)
                return web.Response(status=204)
            case ("POST", ["channels", channel_id, "messages", message_id, "threads"]):
                return _json(await self._thread(channel_id, body, message_id))
            case ("POST", ["channels", channel_id, "threads"]):
                return _json(await self._thread(channel_id, body, None))
            case ("POST", ["channels", _, "typing"]) | ("PUT", ["channels", _, "messages", _, "reactions", *_]):
                return web.Response(status=204)
            case ("POST", ["interactions", _, token, "callback"]):
                return self._callback(self.interactions[token], body)
            case ("PATCH", ["webhooks", _, token, "messages", message_id]):
                ix = self.interactions[token]
                target = ix.original_id if message_id == "@original" else message_id
                return _json(self._edit(target or "", body, done_loading=True))
            case ("GET", ["webhooks", _, token, "messages", "@original"]):
                return _json(self.messages[self.interactions[token].original_id or ""])
            case ("DELETE", ["webhooks", _, token, "messages", message_id]):
                ix = self.interactions[token]
                self.messages.pop(ix.original_id if message_id == "@original" else message_id, None)  # type: ignore[arg-type]
                return web.Response(status=204)
            case ("POST", ["webhooks", _, token]):
                return _json(self._followup(self.interactions[token], body))
        return _error(404, f"fake Discord has no route {method} /{'/'.join(parts)}", 0)

    def _app_info(self) -> dict[str, Any]:
        return {"id": self.app_id, "name": "Newsdesk", "icon": None, "description": "", "summary": "",
                "rpc_origins": [], "bot_public": True, "bot_require_code_grant": False,
                "owner": self.bot.payload(), "verify_key": "0" * 64, "team": None, "flags": 0,
                "interactions_endpoint_url": None, "bot": self.bot.payload()}

    def _channel(self, channel_id: str) -> dict[str, Any]:
        """A channel as GET /channels/{id} shows it (any bot may fetch any channel it can see, on any shard)."""
        if channel_id in self.threads:
            return self.threads[channel_id]
        guild_id = self.channel_guild[channel_id]
        if guild_id is None:
            return p.dm_channel(channel_id, self._dm_users[channel_id])
        name = next(n for n, c in self.guilds[guild_id].channels.items() if c == channel_id)
        return p.text_channel(channel_id, name, guild_id)

    def _sync(self, guild_id: str | None, body: list[dict[str, Any]]) -> web.Response:
        self.commands[guild_id] = [p.application_command(self.app_id, c, guild_id) for c in body]
        return _json(self.commands[guild_id])

    def _bot_message(self, channel_id: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        data = p.message(channel_id=channel_id, author=self.bot, content=body.get("content") or "",
                         guild_id=self.channel_guild.get(channel_id), embeds=body.get("embeds"),
                         components=body.get("components"), flags=body.get("flags") or 0, **extra)
        data["attachments"] = body.get("attachments") or []
        data["allowed_mentions"] = body.get("allowed_mentions")  # kept so tests can look
        self.messages[data["id"]] = data
        return data

    def _create(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        reference = body.get("message_reference")
        return self._bot_message(channel_id, body, reference=reference, message_type=19 if reference else 0)

    def _edit(self, message_id: str, body: dict[str, Any], done_loading: bool = False) -> dict[str, Any]:
        message = self.messages[message_id]
        for key in ("content", "embeds", "components", "allowed_mentions", "attachments"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if done_loading:
            message["flags"] &= ~LOADING
        message["edited_timestamp"] = p.now()
        return message

    async def _thread(self, channel_id: str, body: dict[str, Any], message_id: str | None) -> dict[str, Any]:
        guild_id = self.channel_guild[channel_id] or ""
        thread_id = message_id or p.snowflake()
        thread = p.thread_channel(thread_id, body["name"], guild_id, channel_id, self.bot.id)
        self.threads[thread_id] = thread
        self.channel_guild[thread_id] = guild_id
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return thread

    def _callback(self, ix: Interaction, body: dict[str, Any]) -> web.Response:
        ix.callbacks.append(body)
        kind, data = body["type"], body.get("data") or {}
        message: dict[str, Any] | None = None
        if kind == 8:
            ix.choices = data.get("choices", [])
        elif kind in (4, 5):
            flags = (data.get("flags") or 0) | (LOADING if kind == 5 else 0)
            message = self._bot_message(ix.channel_id, {**data, "flags": flags}, message_type=20)
            ix.original_id = message["id"]
        elif kind in (6, 7):
            source = self._source_message(ix)
            if kind == 7:
                message = self._edit(source, data)
            ix.original_id = source
        response: dict[str, Any] = {"interaction": {
            "id": ix.id, "type": ix.kind, "response_message_id": ix.original_id,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL)}}
        if message is not None:
            response["resource"] = {"type": kind, "message": message}
        return _json(response)

    def _source_message(self, ix: Interaction) -> str:
        return self._clicked[ix.token]

    def _followup(self, ix: Interaction, body: dict[str, Any]) -> dict[str, Any]:
        message = self._bot_message(ix.channel_id, body, message_type=20)
        ix.followup_ids.append(message["id"])
        return message


def _guild_id(shard: tuple[int, int] | None) -> str:
    """A new snowflake, on the shard `(id, count)` when one is asked for (ids 2**22 apart differ in shard)."""
    first = int(p.snowflake())
    if shard is None:
        return str(first)
    return next(str(first + (k << 22)) for k in range(shard[1]) if shard_of(first + (k << 22), shard[1]) == shard[0])


def _json(data: Any, status: int = 200) -> web.Response:
    """JSON with the exact content-type discord.py checks for (no charset suffix)."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _error(status: int, message: str, code: int) -> web.Response:
    return _json({"message": message, "code": code}, status=status)
