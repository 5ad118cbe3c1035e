"""The Prometheus endpoint: off by default; on a port it serves the counters a Library.ask updates."""
from __future__ import annotations

import asyncio
import socket
import urllib.request
from pathlib import Path

import pytest

from index.config import ConfigError
from index.events import track
from index.library import Library
from index.metrics import Metrics, serve, watch_library
from tests.conftest import SHIPPED, settings_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def scrape(port: int) -> str:
    def get() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            return response.read().decode()
    return await asyncio.to_thread(get)


def value(text: str, sample: str) -> float:
    """The value of one exposition line, e.g. 'newsdesk_questions_total{command="ask",outcome="refused"}'."""
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{sample} not in the scrape:\n{text}")


async def test_the_endpoint_serves_questions_latency_ingests_and_index_size(library: Library, tmp_path: Path) -> None:
    metrics, port = Metrics(), free_port()
    settings = settings_for(tmp_path, NEWSDESK_METRICS_PORT=str(port))
    async with serve(settings, metrics) as serving:
        assert serving == port
        with track("ingest", question=False, metrics=metrics):
            metrics.observe_ingest(await library.ingest_paths([SHIPPED]))
            metrics.observe_ingest(await library.ingest_paths([SHIPPED]))
        await watch_library(library, metrics)
        with track("ask", guild=5, metrics=metrics) as event:
            event.answer = answered = await library.ask("Belousov Lavrov Novak accompany Putin")
        with track("ask", guild=5, metrics=metrics) as event:
            event.answer = refused = await library.ask("zebra quantum marmalade?")
        text = await scrape(port)
    assert (answered.refused, refused.refused) == (False, True)
    assert value(text, 'newsdesk_questions_total{command="ask",outcome="answered"}') == 1
    assert value(text, 'newsdesk_questions_total{command="ask",outcome="refused"}') == 1
    assert value(text, 'newsdesk_answer_latency_seconds_count{outcome="answered"}') == 1
    assert value(text, 'newsdesk_answer_latency_seconds_bucket{le="+Inf",outcome="refused"}') == 1
    assert value(text, 'newsdesk_ingested_articles_total{status="added"}') == 1
    assert value(text, 'newsdesk_ingested_articles_total{status="unchanged"}') == 1
    assert value(text, "newsdesk_index_passages") == 25
    assert value(text, "newsdesk_index_articles") == 1


async def test_the_passage_gauge_follows_the_library_at_each_scrape(library: Library, tmp_path: Path) -> None:
    metrics, port = Metrics(), free_port()
    await watch_library(library, metrics)
    async with serve(settings_for(tmp_path, NEWSDESK_METRICS_PORT=str(port)), metrics):
        assert value(await scrape(port), "newsdesk_index_passages") == 0
        await library.ingest_paths([SHIPPED])
        assert value(await scrape(port), "newsdesk_index_passages") == 25


async def test_metrics_are_off_by_default(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    assert settings.metrics_port == 0
    async with serve(settings, Metrics()) as serving:
        assert serving is None


async def test_a_port_in_use_names_the_setting(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"NEWSDESK_METRICS_PORT={port}: cannot listen on 127.0.0.1:{port}"):
            async with serve(settings_for(tmp_path, NEWSDESK_METRICS_PORT=str(port)), Metrics()):
                pass


def test_a_port_out_of_range_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_METRICS_PORT=70000 is not a port number"):
        settings_for(tmp_path, NEWSDESK_METRICS_PORT="70000")
