"""Choosing shards: `--shards 0-3 --shard-count 8` or NEWSDESK_SHARDS/_COUNT, errors naming the bad value,
and which process pushes the slash commands. Through the command line too (no Discord needed to refuse)."""
from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.shards import Shards, choose, format_ids, parse_ids, syncs_commands
from index.cli.main import main as newsdesk
from index.config import ConfigError, Settings


def settings(**env: str) -> Settings:
    return Settings.from_env(env, dotenv=None)


def test_ranges_and_lists_of_shard_ids() -> None:
    assert parse_ids("0-3") == (0, 1, 2, 3)
    assert parse_ids("5") == (5,)
    assert parse_ids(" 4-5, 0 ,2,5") == (0, 2, 4, 5)
    assert format_ids((0, 1, 2, 5, 7, 8)) == "0-2,5,7-8"
    assert str(Shards((0, 1, 2, 3), 8)) == "shards 0-3 of 8" and str(Shards((1,), 2)) == "shard 1 of 2"


def test_the_options_win_over_the_settings() -> None:
    env = settings(NEWSDESK_SHARDS="4-7", NEWSDESK_SHARD_COUNT="8")
    assert choose(env) == Shards((4, 5, 6, 7), 8)
    assert choose(env, "0-3") == Shards((0, 1, 2, 3), 8)
    assert choose(env, "0-3", 4) == Shards((0, 1, 2, 3), 4)
    assert choose(settings(NEWSDESK_SHARD_COUNT="3")) == Shards((0, 1, 2), 3)  # every shard in this process


def test_without_shards_the_bot_is_not_sharded() -> None:
    assert choose(settings()) is None
    assert Settings().shards == "" and Settings().shard_count == 0


@pytest.mark.parametrize(("shards", "count", "message"), [
    ("5-2", 8, "--shards 5-2: the range 5-2 runs backwards; write 2-5"),
    ("0-8", 8, "--shards 0-8 names shard 8, but --shard-count 8: shard ids run from 0 to 7"),
    ("0-3", None, "--shards 0-3 needs NEWSDESK_SHARD_COUNT: how many shards all the bot's processes run together"),
    ("one", 8, "--shards one: 'one' is not a shard id (0, 1, ...) or a range of them like 0-3"),
    ("-1", 8, "--shards -1: '-1' is not a shard id"),
    ("0", -2, "--shard-count -2: the shard count must be 1 or more"),
])
def test_a_bad_option_is_named_with_its_value(shards: str, count: int | None, message: str) -> None:
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        choose(settings(), shards, count)


def test_a_bad_setting_is_named_with_its_value() -> None:
    with pytest.raises(ConfigError, match="^NEWSDESK_SHARDS=2-9 names shard 8, but NEWSDESK_SHARD_COUNT=8"):
        choose(settings(NEWSDESK_SHARDS="2-9", NEWSDESK_SHARD_COUNT="8"))
    with pytest.raises(ConfigError, match="NEWSDESK_SHARD_COUNT='eight' is not a whole number"):
        settings(NEWSDESK_SHARD_COUNT="eight")
    with pytest.raises(ConfigError, match="NEWSDESK_SYNC_COMMANDS='maybe' is not one of auto, yes, no"):
        settings(NEWSDESK_SYNC_COMMANDS="maybe")


def test_only_the_process_holding_shard_0_pushes_commands_unless_told() -> None:
    assert syncs_commands("auto", None)
    assert syncs_commands("auto", Shards((0, 1), 4))
    assert not syncs_commands("auto", Shards((2, 3), 4))
    assert syncs_commands("yes", Shards((2, 3), 4))
    assert not syncs_commands("no", None)


@pytest.fixture
def root_logging() -> Iterator[None]:
    """`newsdesk` installs its own log handler on the root logger; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("root_logging")
def test_newsdesk_bot_refuses_bad_shards_in_one_line(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path))
    monkeypatch.setenv("DISCORD_TOKEN", "x" * 24 + "." + "y" * 6 + "." + "z" * 27)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    assert newsdesk(["bot", "--shards", "5-2", "--shard-count", "8"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        " CRITICAL bot: newsdesk bot stopped: --shards 5-2: the range 5-2 runs backwards; write 2-5")
    monkeypatch.setenv("NEWSDESK_SHARDS", "0-3")
    monkeypatch.setenv("NEWSDESK_SHARD_COUNT", "2")
    assert newsdesk(["bot"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        " newsdesk bot stopped: NEWSDESK_SHARDS=0-3 names shard 2, but NEWSDESK_SHARD_COUNT=2: shard ids run from 0 to 1")
    with pytest.raises(SystemExit):
        newsdesk(["bot", "--shard-count", "many"])
    assert "argument --shard-count: invalid int value: 'many'" in capsys.readouterr().err
