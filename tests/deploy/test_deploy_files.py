"""deploy/: the Dockerfile, compose file, systemd unit and .env.example are sound (no Docker engine needed)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from index.config import Settings
from index.fetch import FetchSettings
from index.health import heartbeat_file, process_name
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
SETTING = re.compile(r"\"((?:NEWSDESK|DISCORD)_[A-Z_]+)\"")


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n(\s*#.*\n)*", " ", (DEPLOY / "Dockerfile").read_text())
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            pairs.append((word.upper(), " ".join(rest.split())))
    return pairs


def instructions(name: str) -> list[str]:
    return [args for word, args in dockerfile() if word == name]


def final_stage() -> list[tuple[str, str]]:
    pairs = dockerfile()
    start = max(i for i, (word, _) in enumerate(pairs) if word == "FROM")
    return pairs[start:]


def test_dockerfile_builds_from_slim_python_with_cpu_torch_and_the_model_at_build_time() -> None:
    assert dockerfile()[0][0] in ("ARG", "FROM")
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in [f"{w} {a}" for w, a in dockerfile()]
    runs = " ".join(instructions("RUN"))
    assert "torch==2.13.0" in runs and "download.pytorch.org/whl/cpu" in runs
    assert runs.count("--constraint constraints.txt") >= 2  # every pip install is pinned
    assert "HF_HUB_OFFLINE=1" in runs and "make_embedder('torch')" in runs  # the model loads offline, in the build


def test_dockerfile_runs_newsdesk_bot_as_a_non_root_user_with_a_data_volume_and_healthcheck() -> None:
    final = dict(final_stage())
    assert final["USER"].split(":")[0] not in ("root", "0")
    assert final["VOLUME"] == '["/data"]'
    assert (final["ENTRYPOINT"], final["CMD"]) == ('["newsdesk"]', '["bot"]')
    assert final["HEALTHCHECK"].endswith('CMD ["newsdesk", "doctor", "--quick"]')
    env = " ".join(args for word, args in final_stage() if word == "ENV")
    for setting in ("HF_HUB_OFFLINE=1", "TRANSFORMERS_OFFLINE=1", "NEWSDESK_HOME=/data"):
        assert setting in env


def test_every_file_the_dockerfile_copies_exists_and_is_not_docker_ignored() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for args in instructions("COPY"):
        if args.startswith("--from"):
            continue
        *sources, _ = args.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert f"!{source}" in ignore or f"!{source}/**" in ignore, source


def test_compose_file_has_the_service_its_volume_and_env_file() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["newsdesk"]
    assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
    assert service["env_file"] == [".env"]
    assert "newsdesk-data:/data" in service["volumes"] and "newsdesk-data" in compose["volumes"]
    assert service["restart"] == "unless-stopped"
    assert "no-new-privileges:true" in service["security_opt"]


def unit() -> dict[str, dict[str, list[str]]]:
    """The unit file as section -> key -> values (systemd allows a key more than once)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = ""
    for line in (DEPLOY / "newsdesk.service").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = {}
            continue
        key, sep, value = line.partition("=")
        assert sep and current, f"not a key=value line in a section: {line!r}"
        sections[current].setdefault(key, []).append(value)
    return sections


def test_unit_restarts_on_failure_and_is_hardened_with_a_writable_data_dir() -> None:
    service = unit()["Service"]
    expected = {
        "Restart": "on-failure", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
        "ReadWritePaths": "/var/lib/newsdesk", "User": "newsdesk", "PrivateTmp": "yes", "ProtectHome": "yes",
    }
    assert {key: service[key][-1] for key in expected} == expected
    assert "NEWSDESK_HOME=/var/lib/newsdesk" in service["Environment"][0]
    assert "HF_HUB_OFFLINE=1" in service["Environment"][0]
    assert service["ExecStart"] == ["/opt/newsdesk/.venv/bin/newsdesk bot"]
    assert unit()["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    newsdesk = shutil.which("newsdesk", path=str(ROOT / ".venv" / "bin")) or shutil.which("newsdesk")
    if newsdesk is None:
        pytest.skip("no installed newsdesk to stand in for /opt/newsdesk/.venv/bin/newsdesk")
    copy = tmp_path / "newsdesk.service"
    copy.write_text((DEPLOY / "newsdesk.service").read_text().replace("/opt/newsdesk/.venv/bin/newsdesk", newsdesk))
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if str(copy) in line]
    assert done.returncode == 0 and complaints == [], done.stdout + done.stderr


def example_settings() -> dict[str, str]:
    """Every `KEY=value` in .env.example, commented out or not."""
    found = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        match = re.match(r"^#?([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            found[match[1]] = match[2]
    return found


def test_env_example_lists_every_setting_the_code_reads() -> None:
    read = {m for path in [*ROOT.glob("index/**/*.py"), *ROOT.glob("bot/**/*.py")] for m in SETTING.findall(path.read_text())}
    assert read - set(example_settings()) == set()


def test_env_example_shows_the_real_defaults() -> None:
    example = {k: v for k, v in example_settings().items() if k != "NEWSDESK_HOME"}
    assert Settings.from_env(example, dotenv=None) == Settings.from_env({}, dotenv=None)
    assert FetchSettings.from_env(example) == FetchSettings.from_env({})
    assert example_settings()["NEWSDESK_HOME"] == "./var" and Settings().home == Path("var")


def test_compose_offers_postgresql_with_pgvector_behind_a_profile() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("pgvector/pgvector:") and postgres["profiles"] == ["postgres"]
    assert "newsdesk-postgres:/var/lib/postgresql" in postgres["volumes"] and "newsdesk-postgres" in compose["volumes"]
    assert "NEWSDESK_DATABASE_URL=postgresql://" in (DEPLOY / "compose.yaml").read_text()
    assert '".[postgres]"' in (DEPLOY / "Dockerfile").read_text()  # asyncpg in the image


def test_compose_offers_shard_replicas_sharing_the_data_volume_behind_a_profile() -> None:
    from bot.shards import parse_ids

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    replicas = {name: s for name, s in compose["services"].items() if s.get("profiles") == ["shards"]}
    assert len(replicas) >= 2
    covered: list[int] = []
    heartbeats = set()
    for service in replicas.values():
        assert service["command"] == ["bot"] and service["image"] == compose["services"]["newsdesk"]["image"]
        assert "newsdesk-data:/data" in service["volumes"]  # one home: the commands stamp
        env = service["environment"]
        assert env["NEWSDESK_HOME"] == "/data"
        covered += parse_ids(env["NEWSDESK_SHARDS"])
        assert int(env["NEWSDESK_SHARD_COUNT"]) == 4
        # settings, not options: the container's health check (doctor) reads this replica's heartbeat
        settings = Settings.from_env({k: str(v) for k, v in env.items()}, dotenv=None)
        heartbeats.add(heartbeat_file(process_name(settings.instance, settings.shards, settings.shard_count)))
    assert sorted(covered) == [0, 1, 2, 3]  # every shard run by exactly one replica
    assert len(heartbeats) == len(replicas) and "bot.heartbeat" not in heartbeats  # one heartbeat each
    assert "--scale newsdesk=0" in (DEPLOY / "compose.yaml").read_text()
