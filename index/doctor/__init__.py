"""`newsdesk doctor`: checks of the settings, token, data folder, database, vector index, feeds,
model, metrics and heartbeat, each saying what to fix (checks.py; the vector index in vectors.py)."""
from __future__ import annotations

from .checks import (
    EmbedderFactory,
    check_database,
    check_feeds,
    check_folder,
    check_heartbeat,
    check_metrics,
    check_model,
    check_settings,
    check_token,
    healthy,
    report,
    run_checks,
)
from .results import Check

__all__ = [
    "Check", "EmbedderFactory", "check_database", "check_feeds", "check_folder", "check_heartbeat", "check_metrics",
    "check_model", "check_settings", "check_token", "healthy", "report", "run_checks",
]
