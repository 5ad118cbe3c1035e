"""Logging set-up: text or JSON lines on stderr, one line per event, secrets never written.

`setup_logging` installs one stderr handler on the root logger with a `RedactSecrets` filter,
so every record from every library (discord.py, aiohttp, ...) passes through it. `log_event`
writes the one line an operator reads per question or command: guild, command, latency, outcome.
"""
from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TextIO

REDACTED = "[REDACTED]"
OUTCOMES = ("answered", "refused", "invalid", "error")
EVENT_LOGGER = "newsdesk.events"
_HANDLER_NAME = "newsdesk"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactSecrets(logging.Filter):
    """Replaces each secret value (the Discord token) in a record's message and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self._clean(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self._clean(value))
            elif key not in _STANDARD and isinstance(value, dict):
                setattr(record, key, {k: self._clean(v) if isinstance(v, str) else v for k, v in value.items()})
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, event fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "event", None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at each record (it may be replaced after set-up)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def setup_logging(
    level: str | int = "INFO", fmt: str = "text", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Give the root logger one handler on `stream` (default: stderr) that redacts `secrets`.

    Replaces the handler an earlier call installed; other handlers (a test's capture) stay."""
    if fmt not in ("text", "json"):
        raise ValueError(f"log format {fmt!r} is not 'text' or 'json'")
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    try:
        root.setLevel(level.upper() if isinstance(level, str) else level)
    except ValueError:
        root.setLevel(logging.INFO)
        logging.getLogger(__name__).warning("log level %r is unknown; logging at INFO", level)
    return handler


CRASH_LOGGER = "newsdesk.crash"


def describe(exc: BaseException) -> str:
    """`TypeName: message` on one line, for a record's message (the traceback goes in its exception)."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _uncaught(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    logging.getLogger(CRASH_LOGGER).critical("uncaught exception, stopping: %s", describe(value), exc_info=(kind, value, tb))


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger(CRASH_LOGGER).error("uncaught exception in thread %s: %s", name, describe(args.exc_value),
                                          exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def log_loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """An event loop's exception handler: what asyncio would print (a task's exception never
    retrieved, a callback's error, an unclosed session) as one log record."""
    del loop
    exc = context.get("exception")
    message = str(context.get("message") or "unhandled error in the event loop")
    where = context.get("task") or context.get("future")  # a callback's handle is in the message already
    detail = f": {describe(exc)}" if isinstance(exc, BaseException) else ""
    suffix = f" ({where!r})" if where is not None else ""
    logging.getLogger(CRASH_LOGGER).error("%s%s%s", message, detail, suffix,
                                          exc_info=exc if isinstance(exc, BaseException) else None)


def log_uncaught_exceptions() -> None:
    """Send what Python would print to stderr itself (an uncaught exception, one in a thread, a
    warning) through logging instead, as one record each: JSON under `--log-format json`, and
    through the token filter. Event loops take `log_loop_exception` with `set_exception_handler`."""
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread
    logging.captureWarnings(True)


def log_event(
    command: str, outcome: str, latency: float, guild: str | int | None = None, **fields: Any
) -> None:
    """Log one event line: `command=ask guild=123 outcome=answered latency_ms=84 quotes=2`."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    event: dict[str, Any] = {
        "command": command, "guild": str(guild) if guild else "", "outcome": outcome,
        "latency_ms": round(latency * 1000), **fields,
    }
    text = " ".join(f"{key}={_text_value(value)}" for key, value in event.items())
    logger = logging.getLogger(EVENT_LOGGER)
    logger.log(logging.ERROR if outcome == "error" else logging.INFO, "%s", text, extra={"event": event})


def _text_value(value: Any) -> str:
    text = str(value) if value not in (None, "") else "-"
    return json.dumps(text, ensure_ascii=False) if any(c.isspace() or c == '"' for c in text) else text
