"""Fetching web pages and feeds safely: timeout, size cap, content type, bounded redirects, SSRF guard.

Only http(s) urls to public addresses are fetched. Every hop of a redirect chain is checked
before connecting: literal IPs here, host names in `GuardedResolver` after DNS resolution.
The connection goes to exactly the addresses the guard approved (aiohttp connects to what the
resolver returns, with DNS caching off), so a rebinding DNS server cannot swap in a private
address between the check and the connect. `FetchSettings.allow` lets named hosts or CIDR
ranges through for self-hosted use. Environment proxies are ignored (`trust_env=False`).
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from .config import ConfigError
from .errors import RejectedInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Lookup = Callable[[str, int], Awaitable[list[str]]]
"""Resolves a host name to IP address strings (replaceable in tests)."""

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml",
    "application/xml", "text/xml", "application/x-rss+xml",
)
_REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CHUNK = 64 * 1024
_N = TypeVar("_N", int, float)


class RefusedAddress(RejectedInput):
    """A url whose address is not public (or not http/https) and not in the allow-list."""


@dataclass(frozen=True)
class FetchSettings:
    """How urls are fetched. Read from NEWSDESK_FETCH_* in the environment by `from_env`."""

    allow_hosts: frozenset[str] = frozenset()
    allow_networks: tuple[IPNetwork, ...] = ()
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "NewsdeskBot/0.1 (+https://github.com/newsdesk; news archive)"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FetchSettings:
        """NEWSDESK_FETCH_ALLOW (comma-separated hosts and CIDRs), _TIMEOUT, _MAX_BYTES,
        _MAX_REDIRECTS, NEWSDESK_USER_AGENT."""
        hosts, networks = parse_allow(env.get("NEWSDESK_FETCH_ALLOW", ""))
        return cls(
            allow_hosts=hosts,
            allow_networks=networks,
            timeout=_number(env, "NEWSDESK_FETCH_TIMEOUT", cls.timeout, float),
            max_bytes=_number(env, "NEWSDESK_FETCH_MAX_BYTES", cls.max_bytes, int),
            max_redirects=_number(env, "NEWSDESK_FETCH_MAX_REDIRECTS", cls.max_redirects, int),
            user_agent=env.get("NEWSDESK_USER_AGENT") or cls.user_agent,
        )


def _number(env: Mapping[str, str], key: str, default: _N, kind: Callable[[str], _N]) -> _N:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not a {'whole ' if kind is int else ''}number") from None
    if value < 0:
        raise ConfigError(f"{key}={raw!r} must not be negative")
    return value


def parse_allow(raw: str | Iterable[str]) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    """Split an allow-list ("intranet.local, 10.0.0.0/8, 127.0.0.1") into host names and networks."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            if "/" in item or " " in item:
                raise ConfigError(f"NEWSDESK_FETCH_ALLOW entry {item!r} is neither a host name nor a CIDR range") from None
            hosts.add(item.lower().rstrip("."))
    return frozenset(hosts), tuple(networks)


def is_public(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses; false for loopback, private, link-local
    (cloud metadata), shared, reserved, multicast and unspecified, also when embedded in IPv6."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local
        or ip.is_reserved or ip.is_unspecified
    )


def address_allowed(ip: IPAddress, settings: FetchSettings) -> bool:
    """Public, or inside one of the allow-listed networks."""
    return is_public(ip) or any(ip in network for network in settings.allow_networks)


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def check_url(url: str, settings: FetchSettings) -> str:
    """The url without its fragment, if it may be fetched; raises RefusedAddress naming it.

    Host names are checked again after DNS resolution, by `GuardedResolver`."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise RefusedAddress(url, f"refused address: only http and https urls are fetched, not {parts.scheme or 'no scheme'!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise RefusedAddress(url, "refused address: the url has no host name")
    if parts.username or parts.password:
        raise RefusedAddress(url, "refused address: urls with a user name or password are not fetched")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise RefusedAddress(url, "refused address: invalid port") from None
    ip = _literal_ip(host)
    if host.lower() not in settings.allow_hosts:
        if ip is None and _looks_numeric(host):
            raise RefusedAddress(url, f"refused address: {host!r} is not a normal host name or IP address")
        if ip is not None and not address_allowed(ip, settings):
            raise RefusedAddress(url, f"refused address: {ip} is not a public address")
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def _looks_numeric(host: str) -> bool:
    """Shorthand IPv4 forms like 2130706433, 0x7f.1 or 127.1 that some resolvers accept."""
    return all(part.isdigit() or part.lower().startswith("0x") for part in host.split(".") if part)


async def system_lookup(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves `host` to."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that refuses a host name if any address it resolves to is not allowed.

    It returns exactly the approved addresses, so the connection is pinned to them."""

    def __init__(self, settings: FetchSettings, lookup: Lookup = system_lookup) -> None:
        self._settings = settings
        self._lookup = lookup

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await self._lookup(host, port)
        except OSError as exc:
            raise RejectedInput(host, f"cannot resolve host name {host} ({exc.strerror or exc})") from None
        ips = [ip for ip in (_literal_ip(a) for a in addresses) if ip is not None]
        if not ips:
            raise RejectedInput(host, f"cannot resolve host name {host} (no addresses)")
        if host.lower().rstrip(".") not in self._settings.allow_hosts:
            for ip in ips:
                if not address_allowed(ip, self._settings):
                    raise RefusedAddress(host, f"refused address: {host} resolves to {ip}, which is not public")
        return [
            ResolveResult(
                hostname=host, host=str(ip), port=port,
                family=socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                proto=0, flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            )
            for ip in ips
        ]

    async def close(self) -> None:
        return None


@dataclass(frozen=True)
class Fetched:
    """A fetched response: `url` is the final url after redirects; `body` is empty when not modified."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str = ""
    last_modified: str = ""
    redirects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """An HTTP client session behind the guard; use `async with Fetcher(settings) as fetcher`."""

    def __init__(
        self,
        settings: FetchSettings,
        lookup: Lookup = system_lookup,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
    ) -> None:
        self.settings = settings
        self._lookup = lookup
        self._trace_configs = trace_configs
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self.settings, self._lookup), use_dns_cache=False, limit_per_host=4
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.settings.user_agent},
            trust_env=False,
            trace_configs=self._trace_configs,
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(
        self,
        url: str,
        accept: tuple[str, ...] = HTML_TYPES,
        etag: str = "",
        last_modified: str = "",
    ) -> Fetched:
        """GET `url` following redirects; raises RejectedInput naming the url and the reason."""
        if self._session is None:
            raise RuntimeError("use `async with Fetcher(...)` before calling get()")
        try:
            async with asyncio.timeout(self.settings.timeout):
                return await self._follow(url, accept, etag, last_modified)
        except TimeoutError:
            raise RejectedInput(url, f"timed out after {self.settings.timeout:g} seconds") from None
        except RejectedInput as exc:
            if exc.origin == url:
                raise
            raise type(exc)(url, exc.reason) from None
        except aiohttp.ClientError as exc:
            raise RejectedInput(url, f"could not fetch ({type(exc).__name__}: {exc})") from None

    async def _follow(self, url: str, accept: tuple[str, ...], etag: str, last_modified: str) -> Fetched:
        assert self._session is not None
        headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain: list[str] = []
        current = url
        while True:
            current = check_url(current, self.settings)
            async with self._session.get(current, headers=headers, allow_redirects=False) as response:
                if response.status in _REDIRECTS and "Location" in response.headers:
                    if len(chain) >= self.settings.max_redirects:
                        raise RejectedInput(url, f"too many redirects (more than {self.settings.max_redirects})")
                    chain.append(current)
                    current = urljoin(current, response.headers["Location"])
                    continue
                return await self._finish(url, current, response, accept, tuple(chain))

    async def _finish(
        self, url: str, final: str, response: aiohttp.ClientResponse, accept: tuple[str, ...],
        chain: tuple[str, ...],
    ) -> Fetched:
        head = Fetched(
            url=final, status=response.status, redirects=chain,
            etag=response.headers.get("ETag", ""), last_modified=response.headers.get("Last-Modified", ""),
        )
        if response.status == 304:
            return head
        if response.status >= 400 or response.status < 200:
            raise RejectedInput(url, f"HTTP status {response.status} {response.reason or ''}".rstrip())
        content_type = response.content_type if "Content-Type" in response.headers else ""
        if content_type and content_type not in accept:
            raise RejectedInput(url, f"unsupported content type {content_type!r}; expected one of {', '.join(accept)}")
        declared = response.content_length
        if declared is not None and declared > self.settings.max_bytes:
            raise RejectedInput(url, f"too large ({declared:,} bytes; the limit is {self.settings.max_bytes:,})")
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body.extend(chunk)
            if len(body) > self.settings.max_bytes:
                raise RejectedInput(url, f"too large (over the limit of {self.settings.max_bytes:,} bytes)")
        return replace(head, body=bytes(body), content_type=content_type, charset=response.charset)


async def fetch(url: str, settings: FetchSettings, accept: tuple[str, ...] = HTML_TYPES) -> Fetched:
    """Fetch one url with a short-lived session (use `Fetcher` for many)."""
    async with Fetcher(settings) as fetcher:
        return await fetcher.get(url, accept)
