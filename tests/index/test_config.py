"""Settings read from an environment mapping: where the library is stored, and what repr shows."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.config import ConfigError, Settings, fetch_settings


def test_the_library_is_a_sqlite_file_in_home_unless_a_postgresql_url_is_set() -> None:
    local = Settings.from_env({"NEWSDESK_HOME": "/srv/newsdesk"}, dotenv=None)
    assert local.database == Path("/srv/newsdesk/newsdesk.sqlite3")
    url = "postgresql://newsdesk:s3cret@db.internal:5432/newsdesk"
    shared = Settings.from_env({"NEWSDESK_DATABASE_URL": url}, dotenv=None)
    assert shared.database == url


def test_the_database_password_never_shows() -> None:
    settings = Settings.from_env({"NEWSDESK_DATABASE_URL": "postgresql://newsdesk:s3cret@db/newsdesk"}, dotenv=None)
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)
    assert "postgresql://newsdesk:***@db/newsdesk" in repr(settings)


def test_a_database_url_that_is_not_postgresql_names_itself() -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_DATABASE_URL must be a postgresql://"):
        Settings.from_env({"NEWSDESK_DATABASE_URL": "mysql://root:pw@db/x"}, dotenv=None)


def test_fetch_settings_come_from_dotenv_too(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("NEWSDESK_FETCH_ALLOW=10.0.0.5\nNEWSDESK_FETCH_TIMEOUT=3\n")
    fetch = fetch_settings({"NEWSDESK_FETCH_TIMEOUT": "7"}, dotenv)
    assert fetch.timeout == 7  # the environment wins
    assert fetch_settings({}, dotenv).timeout == 3
