"""A local news site on 127.0.0.1 for the fetch and feed tests: fixture pages, feeds, misbehaviours."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

WEB = Path(__file__).parent / "fixtures" / "web"
FEED_ETAG = '"feed-v1"'
FEED_MODIFIED = "Tue, 05 Mar 2024 09:00:00 GMT"
EXTRA_ITEM = """<item><title>Glacier retreat doubles</title><link>{base}/jsonld_page.html</link>
<guid>courier-1003</guid><pubDate>Thu, 07 Mar 2024 10:00:00 GMT</pubDate></item>"""
"""A new RSS item to append to the feed (format with base=site.base)."""
SUMMARY_ITEM = """<item><title>Glaciers melt twice as fast</title><link>{base}/{page}</link>
<guid isPermaLink="false">courier-{guid}</guid><pubDate>Thu, 07 Mar 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Glaciers in the north lost ice &lt;b&gt;twice as fast&lt;/b&gt; in the last decade,
a survey&amp;nbsp;found.&lt;/p&gt;&lt;script&gt;track()&lt;/script&gt;&lt;p&gt;The post Glaciers appeared first on
Coastline Courier.&lt;/p&gt;</description></item>"""
"""A new RSS item with a summary in HTML (format with base=site.base, page= its link's path, guid=)."""
SUMMARY_TEXT = ("Glaciers in the north lost ice twice as fast in the last decade, a survey found.",)
"""SUMMARY_ITEM's summary as stored: plain text, markup, script and feed footer gone."""


@dataclass
class Site:
    """What the site served: `hits` lists request paths; `agents` the User-Agent headers."""

    base: str = ""
    hits: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    conditional: list[tuple[str, str]] = field(default_factory=list)
    extra_items: list[str] = field(default_factory=list)  # extra RSS <item> elements, for new items
    statuses: dict[str, int] = field(default_factory=dict)  # pages answered with this HTTP status (403: a paywall)

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"


def _feed_body(site: Site, name: str) -> str:
    text = (WEB / name).read_text().replace("http://HOST", site.base)
    if site.extra_items and name.endswith(".rss"):
        text = text.replace("</channel>", "".join(site.extra_items) + "</channel>")
    return text


def build_app(site: Site) -> web.Application:
    async def record(request: web.Request, handler):  # type: ignore[no-untyped-def]
        site.hits.append(request.path_qs)
        site.agents.append(request.headers.get("User-Agent", ""))
        return await handler(request)

    async def page(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if request.path in site.statuses:
            return web.Response(status=site.statuses[request.path], text="Subscribe to read this article.")
        if not (WEB / name).is_file():
            raise web.HTTPNotFound()
        if name.endswith((".rss", ".atom")):
            site.conditional.append(
                (request.headers.get("If-None-Match", ""), request.headers.get("If-Modified-Since", ""))
            )
            if request.headers.get("If-None-Match") == FEED_ETAG and not site.extra_items:
                return web.Response(status=304)
            kind = "application/rss+xml" if name.endswith(".rss") else "application/atom+xml"
            headers = {"ETag": FEED_ETAG, "Last-Modified": FEED_MODIFIED}
            return web.Response(text=_feed_body(site, name), content_type=kind, headers=headers)
        return web.Response(body=(WEB / name).read_bytes(), content_type="text/html", charset="utf-8")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(64):
            await response.write(b"<p>" + b"x" * 16 * 1024 + b"</p>")
        await response.write_eof()
        return response

    async def big_declared(request: web.Request) -> web.Response:
        return web.Response(body=b"y" * (3 * 1024 * 1024), content_type="text/html")

    async def pdf(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.4", content_type="application/pdf")

    app = web.Application(middlewares=[web.middleware(record)])
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/loop", loop)
    app.router.add_get("/big", big)
    app.router.add_get("/big-declared", big_declared)
    app.router.add_get("/report.pdf", pdf)
    app.router.add_get("/{name}", page)
    return app


async def start_site() -> tuple[Site, web.AppRunner]:
    site = Site()
    runner = web.AppRunner(build_app(site))
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    site.base = f"http://127.0.0.1:{port}"
    return site, runner


class SilentServer:
    """A server that accepts connections and never answers; `await stop()` closes everything."""

    def __init__(self) -> None:
        self.url = ""
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> SilentServer:
        async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self._writers.append(writer)
            await reader.read()

        self._server = await asyncio.start_server(hold, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/"
        return self

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        await self._server.wait_closed()


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    """The local news site, running for one test (import this fixture into the test module)."""
    site, runner = await start_site()
    yield site
    await runner.cleanup()
