"""Fetching urls: a local site on 127.0.0.1 (allowed by setting) and the SSRF guard (refusing by default)."""
from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import aiohttp
import pytest

from index.errors import RejectedInput
from index.fetch import FEED_TYPES, Fetcher, FetchSettings, RefusedAddress, is_public, parse_allow, system_lookup
from tests.webfixtures import SilentServer, Site, start_site

LOCAL = FetchSettings(allow_networks=parse_allow("127.0.0.1/32")[1], timeout=5)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    site, runner = await start_site()
    yield site
    await runner.cleanup()


class Connections:
    """Counts the connections aiohttp completes, through its tracing hooks."""

    def __init__(self) -> None:
        self.opened = 0
        self.config = aiohttp.TraceConfig()
        self.config.on_connection_create_end.append(self._opened)

    async def _opened(self, *args: object) -> None:
        self.opened += 1


def fake_dns(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    """A lookup that answers from `table` (one answer per call when given several), else the system's."""

    async def lookup(host: str, port: int) -> list[str]:
        if host not in table:
            return await system_lookup(host, port)
        answers = table[host]
        return [answers.pop(0)] if len(answers) > 1 else list(answers)

    return lookup


async def test_fetches_a_page_from_an_allowed_local_server(site: Site) -> None:
    async with Fetcher(LOCAL) as fetcher:
        page = await fetcher.get(site.url("news_page.html"))
    assert page.status == 200 and page.content_type == "text/html" and page.charset == "utf-8"
    assert b"Harbour bridge reopens" in page.body
    assert page.url == site.url("news_page.html")
    assert site.agents[0].startswith("NewsdeskBot/")


async def test_user_agent_and_limits_come_from_the_environment() -> None:
    settings = FetchSettings.from_env({
        "NEWSDESK_FETCH_ALLOW": "intranet.example, 10.0.0.0/8, 127.0.0.1",
        "NEWSDESK_FETCH_TIMEOUT": "3.5", "NEWSDESK_FETCH_MAX_BYTES": "1000",
        "NEWSDESK_FETCH_MAX_REDIRECTS": "2", "NEWSDESK_USER_AGENT": "TestBot/1",
    })
    assert settings.allow_hosts == {"intranet.example"}
    assert settings.allow_networks == (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32"))
    assert (settings.timeout, settings.max_bytes, settings.max_redirects, settings.user_agent) == (3.5, 1000, 2, "TestBot/1")
    assert FetchSettings.from_env({}) == FetchSettings()
    with pytest.raises(ValueError, match="NEWSDESK_FETCH_ALLOW entry '10.0.0.0/33'"):
        FetchSettings.from_env({"NEWSDESK_FETCH_ALLOW": "10.0.0.0/33"})
    with pytest.raises(ValueError, match="NEWSDESK_FETCH_TIMEOUT='soon'"):
        FetchSettings.from_env({"NEWSDESK_FETCH_TIMEOUT": "soon"})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://0.0.0.0/",
        "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/", "http://224.0.0.1/",
        "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://[64:ff9b::a00:1]/",
        "http://2130706433/", "http://0x7f.1/", "http://127.1/",
        "file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "javascript:alert(1)",
        "http://user:secret@example.com/", "http:///no-host",
    ],
)
async def test_refuses_non_public_addresses_before_connecting(url: str) -> None:
    connections = Connections()
    async with Fetcher(FetchSettings(), trace_configs=[connections.config]) as fetcher:
        with pytest.raises(RefusedAddress) as info:
            await fetcher.get(url)
    assert info.value.origin == url
    assert info.value.reason.startswith("refused address")
    assert connections.opened == 0


async def test_refuses_the_local_test_server_by_default(site: Site) -> None:
    async with Fetcher(FetchSettings()) as fetcher:
        with pytest.raises(RefusedAddress, match="127.0.0.1 is not a public address"):
            await fetcher.get(site.url("news_page.html"))
    assert site.hits == []


@pytest.mark.parametrize("answer", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1"])
async def test_refuses_host_names_that_resolve_to_non_public_addresses(answer: str) -> None:
    connections = Connections()
    lookup = fake_dns({"evil.example": [answer]})
    async with Fetcher(FetchSettings(), lookup=lookup, trace_configs=[connections.config]) as fetcher:
        with pytest.raises(RefusedAddress, match=f"evil.example resolves to {answer}"):
            await fetcher.get("http://evil.example/")
    assert connections.opened == 0


async def test_refuses_when_any_resolved_address_is_private() -> None:
    async def lookup(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.1"]

    async with Fetcher(FetchSettings(), lookup=lookup) as fetcher:
        with pytest.raises(RefusedAddress, match="resolves to 10.0.0.1"):
            await fetcher.get("http://mixed.example/")


async def test_localhost_by_name_is_refused(site: Site) -> None:
    async with Fetcher(FetchSettings()) as fetcher:
        with pytest.raises(RefusedAddress, match="localhost resolves to"):
            await fetcher.get(site.base.replace("127.0.0.1", "localhost") + "/news_page.html")
    assert site.hits == []


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:{port}/news_page.html", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
               "http://localhost:{port}/news_page.html", "file:///etc/passwd"],
)
async def test_refuses_a_redirect_into_non_public_addresses(site: Site, target: str) -> None:
    port = site.base.rsplit(":", 1)[1]
    target = target.format(port=port)
    lookup = fake_dns({"news.example": ["127.0.0.1"]})
    settings = FetchSettings(allow_hosts=frozenset({"news.example"}), timeout=5)  # only this host name is allowed
    start = f"http://news.example:{port}/redirect?to={target}"
    async with Fetcher(settings, lookup=lookup) as fetcher:
        with pytest.raises(RefusedAddress) as info:
            await fetcher.get(start)
    assert info.value.origin == start
    assert info.value.reason.startswith("refused address")
    assert site.hits == [f"/redirect?to={target}"]


async def test_connection_is_pinned_to_the_checked_address(site: Site) -> None:
    """The name does not exist in real DNS: the connection goes where the guarded lookup said."""
    port = site.base.rsplit(":", 1)[1]
    lookup = fake_dns({"pinned.example": ["127.0.0.1"]})
    async with Fetcher(LOCAL, lookup=lookup) as fetcher:
        page = await fetcher.get(f"http://pinned.example:{port}/undated_page.html")
    assert b"Library extends opening hours" in page.body


async def test_dns_rebinding_is_caught_on_the_next_resolution(site: Site) -> None:
    """First answer allowed; the redirect needs a new connection, whose answer is private: refused.

    (A redirect to the same host and port reuses the pinned keep-alive connection instead.)"""
    port = int(site.base.rsplit(":", 1)[1])
    lookup = fake_dns({"rebind.example": ["127.0.0.1", "10.0.0.1"]})
    other = f"http://rebind.example:{port + 1 if port < 65535 else port - 1}/news_page.html"
    async with Fetcher(LOCAL, lookup=lookup) as fetcher:
        with pytest.raises(RefusedAddress, match="rebind.example resolves to 10.0.0.1"):
            await fetcher.get(f"http://rebind.example:{port}/redirect?to={other}")
    assert site.hits == [f"/redirect?to={other}"]


async def test_follows_a_bounded_number_of_redirects(site: Site) -> None:
    async with Fetcher(LOCAL) as fetcher:
        page = await fetcher.get(site.url("redirect?to=/jsonld_page.html"))
        assert page.url == site.url("jsonld_page.html")
        assert page.redirects == (site.url("redirect?to=/jsonld_page.html"),)
        with pytest.raises(RejectedInput, match="too many redirects"):
            await fetcher.get(site.url("loop"))
    assert site.hits.count("/loop") == LOCAL.max_redirects + 1


async def test_a_server_that_never_answers_times_out() -> None:
    server = await SilentServer().start()
    try:
        async with Fetcher(FetchSettings(allow_networks=LOCAL.allow_networks, timeout=0.5)) as fetcher:
            with pytest.raises(RejectedInput) as info:
                await fetcher.get(server.url)
    finally:
        await server.stop()
    assert (info.value.origin, info.value.reason) == (server.url, "timed out after 0.5 seconds")


@pytest.mark.parametrize("path", ["big", "big-declared"])
async def test_a_body_over_the_size_cap_is_refused(site: Site, path: str) -> None:
    settings = FetchSettings(allow_networks=LOCAL.allow_networks, max_bytes=512 * 1024)
    async with Fetcher(settings) as fetcher:
        with pytest.raises(RejectedInput, match=r"too large .*524,288"):
            await fetcher.get(site.url(path))


async def test_wrong_content_type_and_http_errors_name_the_url(site: Site) -> None:
    async with Fetcher(LOCAL) as fetcher:
        with pytest.raises(RejectedInput, match="unsupported content type 'application/pdf'") as info:
            await fetcher.get(site.url("report.pdf"))
        assert info.value.origin == site.url("report.pdf")
        with pytest.raises(RejectedInput, match="HTTP status 404 Not Found"):
            await fetcher.get(site.url("missing.html"))
        with pytest.raises(RejectedInput, match="unsupported content type 'text/html'"):
            await fetcher.get(site.url("news_page.html"), accept=FEED_TYPES)


async def test_conditional_request_returns_not_modified(site: Site) -> None:
    async with Fetcher(LOCAL) as fetcher:
        first = await fetcher.get(site.url("feed.rss"), accept=FEED_TYPES)
        again = await fetcher.get(site.url("feed.rss"), accept=FEED_TYPES, etag=first.etag,
                                  last_modified=first.last_modified)
    assert first.status == 200 and first.etag
    assert again.not_modified and again.body == b""
    assert site.conditional[-1] == (first.etag, first.last_modified)


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True), ("8.8.8.8", True),
     ("127.0.0.1", False), ("10.1.2.3", False), ("172.31.255.255", False), ("192.168.0.1", False),
     ("169.254.169.254", False), ("100.100.100.200", False), ("0.0.0.0", False), ("255.255.255.255", False),
     ("240.0.0.1", False), ("239.255.255.250", False), ("::", False), ("::1", False), ("fc00::1", False),
     ("fe80::1", False), ("ff02::1", False), ("::ffff:10.0.0.1", False), ("2002:7f00:1::", False),
     ("64:ff9b::7f00:1", False), ("192.0.2.1", False)],
)
def test_public_address_table(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public
