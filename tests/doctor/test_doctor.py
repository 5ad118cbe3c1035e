"""`newsdesk doctor`: each problem it reports, with its fix, on a data folder in tmp_path."""
from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from index import doctor, health
from index.cli import main
from index.config import Settings
from index.embed import HashEmbedder
from index.library import Library
from index.models import Article
from index.vectors import FaissStore
from tests.conftest import SHIPPED, settings_for

BOT_ID = "123456789012345678"
TOKEN = base64.urlsafe_b64encode(BOT_ID.encode()).decode().rstrip("=") + ".GhIjKl.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL_-"


def env_for(home: Path, **extra: str) -> dict[str, str]:
    return {"NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDER": "hash", "DISCORD_TOKEN": TOKEN, **extra}


def checks(home: Path, quick: bool = False, factory: doctor.EmbedderFactory | None = None, **extra: str) -> dict[str, doctor.Check]:
    found = doctor.run_checks(env_for(home, **extra), dotenv=None, quick=quick,
                              factory=factory or (lambda settings: HashEmbedder()))
    return {check.name: check for check in found}


def failures(found: dict[str, doctor.Check]) -> dict[str, doctor.Check]:
    return {name: check for name, check in found.items() if check.level == "fail"}


async def ingested(home: Path) -> Settings:
    settings = settings_for(home)
    async with Library(settings, embedder=HashEmbedder()) as lib:
        await lib.ingest_paths([SHIPPED])
    return settings


async def test_a_sound_installation_has_no_problems_and_never_shows_the_token(tmp_path: Path) -> None:
    await ingested(tmp_path / "home")
    found = doctor.run_checks(env_for(tmp_path / "home"), dotenv=None, factory=lambda s: HashEmbedder())
    assert [c.name for c in found if c.level == "fail"] == []
    text = doctor.report(found)
    assert text.endswith("doctor: healthy") and TOKEN not in text and BOT_ID in text
    assert "25 passages" in text and "the same ids as the database's passages" in text
    assert doctor.healthy(found)


def test_a_value_that_does_not_parse_is_named(tmp_path: Path) -> None:
    found = checks(tmp_path, NEWSDESK_MIN_SCORE="high")
    assert list(failures(found)) == ["settings"]
    assert "NEWSDESK_MIN_SCORE='high'" in found["settings"].detail and ".env.example" in found["settings"].fix


@pytest.mark.parametrize("key, value, named", [
    ("NEWSDESK_MAX_QUOTES", "0", "NEWSDESK_MAX_QUOTES=0 must be at least 1"),
    ("NEWSDESK_MIN_SCORE", "2", "NEWSDESK_MIN_SCORE=2.0 is outside 0..1"),
    ("NEWSDESK_STALE_MIN_SCORE", "-0.5", "NEWSDESK_STALE_MIN_SCORE=-0.5 is outside 0..1"),
    ("NEWSDESK_STALE_DAYS", "-1", "NEWSDESK_STALE_DAYS=-1 must be 0 (off) or more"),
    ("NEWSDESK_LOG_LEVEL", "LOUD", "NEWSDESK_LOG_LEVEL='LOUD'"),
    ("NEWSDESK_EMBEDDER", "bert", "NEWSDESK_EMBEDDER='bert'"),
    ("NEWSDESK_FETCH_ALLOW", "10.0.0.0/33", "NEWSDESK_FETCH_ALLOW entry '10.0.0.0/33'"),
])
def test_a_value_out_of_range_is_named(tmp_path: Path, key: str, value: str, named: str) -> None:
    found = checks(tmp_path, **{key: value})
    assert list(failures(found)) == ["settings"] and named in found["settings"].detail


@pytest.mark.parametrize("token, said, fix", [
    ("", "DISCORD_TOKEN is not set", "developer portal"),
    (f"Bot {TOKEN}", "starts with 'Bot '", "remove the 'Bot ' prefix"),
    (f'"{TOKEN}"', "wrapped in quotes", "remove the quotes"),
    ("x" * 32, "1 dot-separated part(s), a bot token has 3 (that looks like the OAuth2 client secret", "Reset Token"),
    (TOKEN.replace(".", "..", 1), "4 dot-separated part(s)", "Reset Token"),
    (TOKEN.replace("G", "G$", 1), "characters a bot token never has", "Reset Token"),
    ("bm90IGFuIGlk" + TOKEN[TOKEN.index("."):], "first part is not a base64 user id", "Reset Token"),
])
def test_a_token_of_the_wrong_shape_is_explained_without_being_shown(tmp_path: Path, token: str, said: str, fix: str) -> None:
    found = checks(tmp_path, DISCORD_TOKEN=token)
    assert list(failures(found)) == ["token"]
    assert said in found["token"].detail and fix in found["token"].fix
    if token:
        assert token.strip('"') not in doctor.report(list(found.values()))


def test_a_data_folder_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    found = checks(tmp_path / "file" / "home")
    assert "data folder" in failures(found)
    assert "is not writable" in found["data folder"].detail and "NEWSDESK_HOME" in found["data folder"].fix


def test_a_damaged_database_is_reported_with_the_way_back(tmp_path: Path) -> None:
    (tmp_path / "newsdesk.sqlite3").write_bytes(b"this is not a database" * 100)
    found = checks(tmp_path, quick=True)
    assert "database" in failures(found)
    assert "cannot be read" in found["database"].detail and "newsdesk restore" in found["database"].fix


async def test_a_database_from_a_newer_newsdesk_is_reported(tmp_path: Path) -> None:
    settings = await ingested(tmp_path)
    with sqlite3.connect(settings.home / "newsdesk.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    found = checks(tmp_path, quick=True)
    assert "schema version 99" in failures(found)["database"].detail and "upgrade" in found["database"].fix


async def _tamper_vectors(home: Path, drop_one: bool, add_stranger: bool) -> None:
    path = home / "vectors.faiss"
    stamp = json.loads(path.with_name("vectors.faiss.json").read_text())
    store = FaissStore.load(path, {})
    assert store is not None
    victim = min(store.ids())
    if drop_one:
        store.remove([victim])
    if add_stranger:
        store.add(np.array([victim + 10_000]), HashEmbedder().embed(["stray"]))
    store.save(path, stamp)


async def test_faiss_ids_that_disagree_with_sqlite_are_reported(tmp_path: Path) -> None:
    await ingested(tmp_path)
    await _tamper_vectors(tmp_path, drop_one=True, add_stranger=True)  # same count, other ids
    found = checks(tmp_path)
    assert list(failures(found)) == ["vector index"]
    assert "1 vector id(s) with no passage, 1 passage(s) with no vector" in found["vector index"].detail
    assert "delete" in found["vector index"].fix and "rebuilt from the database" in found["vector index"].fix


async def test_quick_check_reports_a_faiss_count_that_disagrees_with_sqlite(tmp_path: Path) -> None:
    await ingested(tmp_path)
    await _tamper_vectors(tmp_path, drop_one=True, add_stranger=False)
    found = checks(tmp_path, quick=True)
    assert "24 vectors, the database 25 passages" in failures(found)["vector index"].detail


async def test_a_feed_the_fetch_settings_refuse_is_reported(tmp_path: Path) -> None:
    settings = await ingested(tmp_path)
    with sqlite3.connect(settings.home / "newsdesk.sqlite3") as db:
        db.execute("INSERT INTO feeds (url, added) VALUES ('http://10.1.2.3/feed.xml', '2024-06-18')")
    db.close()
    found = checks(tmp_path, quick=True)
    assert "10.1.2.3 is not a public address" in failures(found)["feeds"].detail
    assert "NEWSDESK_FETCH_ALLOW" in found["feeds"].fix
    assert "feeds" not in failures(checks(tmp_path, quick=True, NEWSDESK_FETCH_ALLOW="10.0.0.0/8"))


def test_a_model_that_does_not_load_offline_is_reported(tmp_path: Path) -> None:
    def missing(settings: Settings) -> HashEmbedder:
        raise OSError("We couldn't connect to 'https://huggingface.co' to load the files")

    found = checks(tmp_path, factory=missing)
    assert list(failures(found)) == ["model"]
    assert "does not load offline: OSError" in found["model"].detail and "pip install" in found["model"].fix
    assert "model" not in checks(tmp_path, quick=True, factory=missing)  # --quick skips the model


def test_newsdesk_doctor_prints_the_fix_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for key, value in env_for(tmp_path / "home", DISCORD_TOKEN="Bot abc").items():
        monkeypatch.setenv(key, value)
    assert main(["doctor", "--quick"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  token: DISCORD_TOKEN starts with 'Bot '" in out and "fix: remove the 'Bot ' prefix" in out
    assert out.rstrip().endswith("doctor: 1 problem(s) to fix")
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    assert main(["doctor", "--quick"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("doctor: healthy")


def test_newsdesk_doctor_reports_settings_that_stop_every_other_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWSDESK_METRICS_PORT", "99999")
    assert main(["articles"]) == 2
    assert main(["doctor", "--quick"]) == 1
    assert "FAIL  settings: NEWSDESK_METRICS_PORT=99999 is not a port number" in capsys.readouterr().out


def test_a_bot_whose_heartbeat_is_stale_is_reported(tmp_path: Path) -> None:
    assert doctor.check_heartbeat(tmp_path).detail == "not running (no heartbeat)"
    health.beat(tmp_path, now=1_000_000.0)
    assert doctor.check_heartbeat(tmp_path, now=1_000_060.0).level == "ok"
    stale = doctor.check_heartbeat(tmp_path, now=1_000_000.0 + 600)
    assert stale.level == "fail" and "10 minute(s) old" in stale.detail and "restart" in stale.fix
    assert "bot" in failures(checks(tmp_path, quick=True))  # the container health check sees it


def test_each_bot_process_is_named_by_its_instance_or_its_shards() -> None:
    assert health.process_name() == "" and health.heartbeat_file("") == "bot.heartbeat"  # one bot: as always
    assert health.process_name(shards="0-1", shard_count=4) == "shards-0-1-of-4"
    assert health.process_name(shards="1, 0", shard_count=4) == "shards-0-1-of-4"  # however it is written
    assert health.process_name(shards="0,2,3", shard_count=4) == "shards-0+2-3-of-4"
    assert health.process_name(shard_count=2) == "shards-0-1-of-2"  # every shard in one process
    assert health.process_name("eu west/1", "0-1", 4) == "eu_west_1"  # NEWSDESK_INSTANCE wins
    assert health.heartbeat_file("shards-0-1-of-4") == "bot.shards-0-1-of-4.heartbeat"


def test_replicas_sharing_a_home_each_have_their_own_heartbeat(tmp_path: Path) -> None:
    alive, stuck = "shards-0-1-of-4", "shards-2-3-of-4"
    health.beat(tmp_path, now=time.time(), name=alive)
    health.beat(tmp_path, now=time.time() - 600, name=stuck)
    mine = checks(tmp_path, quick=True, NEWSDESK_SHARDS="0-1", NEWSDESK_SHARD_COUNT="4")["bot"]
    assert mine.level == "ok" and mine.detail.startswith(f"{alive}: connected to Discord")
    assert f"other bot processes with a heartbeat here: {stuck} (10 min ago)" in mine.detail
    theirs = checks(tmp_path, quick=True, NEWSDESK_SHARDS="2-3", NEWSDESK_SHARD_COUNT="4")["bot"]
    assert theirs.level == "fail" and theirs.detail.startswith(f"{stuck}: the bot's last heartbeat is 10 minute(s)")
    assert str(tmp_path / f"bot.{stuck}.heartbeat") in theirs.fix
    named = checks(tmp_path, quick=True, NEWSDESK_INSTANCE="eu-1")["bot"]
    assert named.level == "warn" and named.detail.startswith("eu-1: DISCORD_TOKEN is set but no bot has started here")
    health.clear(tmp_path, name=stuck)  # a clean stop removes only that process's file
    assert set(health.beating(tmp_path)) == {alive}


async def test_the_heartbeat_task_beats_while_ready_and_clears_when_stopped(tmp_path: Path) -> None:
    task = asyncio.create_task(health.heartbeat(tmp_path, lambda: True, every=0.01))
    while health.last_beat(tmp_path) is None:
        await asyncio.sleep(0.01)
    assert doctor.check_heartbeat(tmp_path).level == "ok"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert health.last_beat(tmp_path) is None


async def _ivf_library(home: Path) -> None:
    async with Library(settings_for(home), embedder=HashEmbedder(), flat_max=10) as lib:
        await lib.ingest_paths([SHIPPED])  # 25 passages: past 10, so IVF
        assert lib.vectors.kind.startswith("IVF")


async def test_an_approximate_index_is_checked_against_exact_search(tmp_path: Path) -> None:
    await _ivf_library(tmp_path)
    found = checks(tmp_path)["vector index"]
    assert found.level == "ok"
    assert "25 vectors, the same ids" in found.detail and "finds 1.000 of exact search's top 10" in found.detail


async def test_an_approximate_index_that_misses_too_much_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await _ivf_library(tmp_path)
    monkeypatch.setattr("index.vectors.faiss_index.NPROBE", 1)  # one list of 20 searched
    found = checks(tmp_path)["vector index"]
    assert found.level == "warn" and "below 0.95" in found.detail and "rebuilt from the database" in found.fix


def test_exact_top_k_over_batches_is_exact_search() -> None:
    import faiss

    from index.doctor.vectors import exact_top_k

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    queries = rng.normal(size=(4, 8)).astype(np.float32)
    ids = np.arange(100, 150)
    batches = iter([(ids[i : i + 7], vectors[i : i + 7]) for i in range(0, 50, 7)])
    _, rows = faiss.knn(queries, vectors, 5, faiss.METRIC_INNER_PRODUCT)
    assert np.array_equal(exact_top_k(queries, batches, 5), ids[rows])


def test_a_postgresql_library_is_checked_on_its_server(tmp_path: Path, postgres_url: str) -> None:
    env = {"NEWSDESK_HOME": str(tmp_path), "NEWSDESK_DATABASE_URL": postgres_url}
    [database] = [c for c in doctor.run_checks(env, dotenv=None, quick=True) if c.name == "database"]
    assert database.level == "ok" and "reachable" in database.detail
    unreachable = {**env, "NEWSDESK_DATABASE_URL": "postgresql://newsdesk:pw@127.0.0.1:9/newsdesk"}
    [database] = [c for c in doctor.run_checks(unreachable, dotenv=None, quick=True) if c.name == "database"]
    assert database.level == "fail" and "cannot reach PostgreSQL at postgresql://newsdesk:***@127.0.0.1:9" in database.detail
    assert "pw@" not in database.detail


async def test_doctor_says_a_postgresql_library_will_be_re_indexed_at_next_start(tmp_path: Path, postgres_url: str) -> None:
    import asyncpg

    async with Library(Settings(home=tmp_path / "pg", database_url=postgres_url), embedder=HashEmbedder()) as lib:
        await lib.ingest_articles([Article("Trams", ("Trams return to the city.", "The council agreed."))])
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("DELETE FROM schema_version WHERE version >= 7")
    finally:
        await conn.close()
    env = {"NEWSDESK_HOME": str(tmp_path), "NEWSDESK_DATABASE_URL": postgres_url}
    [database] = [c for c in await asyncio.to_thread(doctor.run_checks, env, dotenv=None, quick=True) if c.name == "database"]
    assert database.level == "ok"
    assert "schema 6, 2 passages; schema 6 is migrated to" in database.detail and "re-indexing the terms" in database.detail


def test_doctor_on_a_postgresql_library_finds_the_backup_tools_or_says_what_is_missing(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = checks(tmp_path, quick=True, NEWSDESK_DATABASE_URL=postgres_url)
    assert not failures(found), failures(found)
    assert found["backup"].level == "ok" and "uses pg_dump, pg_restore and psql in" in found["backup"].detail
    nowhere = tmp_path / "nowhere"
    unusable = checks(tmp_path, quick=True, NEWSDESK_DATABASE_URL=postgres_url, NEWSDESK_PG_BIN=str(nowhere))["backup"]
    assert unusable.level == "warn" and f"{nowhere} (NEWSDESK_PG_BIN) has no pg_dump" in unusable.detail
    assert "NEWSDESK_PG_BIN" in unusable.fix
    monkeypatch.chdir(tmp_path)
    for key, value in env_for(tmp_path / "home", NEWSDESK_DATABASE_URL=postgres_url).items():
        monkeypatch.setenv(key, value)
    assert main(["doctor", "--quick"]) == 0  # the container health check, on a PostgreSQL library
    shown = capsys.readouterr().out
    assert "database: PostgreSQL at" in shown and "backup: `newsdesk backup` uses pg_dump" in shown


def test_with_a_token_a_bot_that_never_reaches_discord_is_unhealthy_after_its_grace(tmp_path: Path) -> None:
    """docker ps must not show healthy while the bot crash-loops on login (issue 17)."""
    assert doctor.check_heartbeat(tmp_path, token=False).detail == "not running (no heartbeat)"
    nobody = doctor.check_heartbeat(tmp_path, token=True)
    assert nobody.level == "warn" and nobody.detail == "DISCORD_TOKEN is set but no bot has started here (no heartbeat)"
    health.starting(tmp_path, now=1_000_000.0)
    health.starting(tmp_path, now=1_000_000.0 + 20)  # restarted after a failed login: the first start counts
    starting = doctor.check_heartbeat(tmp_path, now=1_000_000.0 + 30, token=True)
    assert starting.level == "ok" and starting.detail == "starting (30 s ago), not connected to Discord yet"
    late = doctor.check_heartbeat(tmp_path, now=1_000_000.0 + health.GRACE + 180, token=True)
    assert late.level == "fail" and late.detail == "started 5 minute(s) ago and never reached Discord"
    assert "newsdesk bot stopped" in late.fix
    health.beat(tmp_path, now=1_000_000.0 + 200)
    assert doctor.check_heartbeat(tmp_path, now=1_000_000.0 + 230, token=True).level == "ok"
    health.starting(tmp_path, now=1_000_000.0 + 300)  # a start after one that connected is a new start
    assert health.started_at(tmp_path) == 1_000_000.0 + 300
    health.clear(tmp_path)
    assert not list(tmp_path.iterdir())  # a clean stop leaves neither file
