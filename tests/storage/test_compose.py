"""docker-compose.yml for several nodes (issue 24), checked by reading it (Docker does not run
here): no service shares a media volume, every Django process gets the S3 store's variables,
`web` runs as replicas behind one published port, the beat keeps no file, and every service
command is one the Makefile runs without Docker."""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from kosmo.env import file_storages

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DJANGO_SERVICES = ["migrate", "web", "worker", "beat"]  # the project's image
VENV_BIN = ROOT / ".venv" / "bin"


def interpolated(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME:-default}, ${NAME-default} and ${NAME:?message} with `env` set."""

    def one(match: re.Match) -> str:
        name, op, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        if op == ":?":
            assert env.get(name), f"{name} is required: {rest}"
            return env[name]
        if op == ":-":
            return env.get(name) or rest
        if op == "-":
            return env.get(name, rest)
        return env.get(name, "")

    return re.sub(r"\$\{(\w+)(:-|-|:\?)?([^}]*)\}", one, value)


def makefile_command(target: str) -> list[str]:
    text = (ROOT / "Makefile").read_text()
    recipe = re.search(rf"^{target}:.*\n\t(.+)$", text, re.MULTILINE).group(1)
    return shlex.split(recipe.replace("$(BIN)/", ""))


def test_no_service_mounts_a_media_volume():
    assert set(COMPOSE["volumes"]) == {"postgres_data", "redis_data", "minio_data"}
    mounts = {name: service.get("volumes", []) for name, service in SERVICES.items()}
    assert mounts == {
        "db": ["postgres_data:/var/lib/postgresql/data"],
        "redis": ["redis_data:/data"],
        "mail": [],
        "minio": ["minio_data:/data"],
        "bucket": [],
        "migrate": [],
        "proxy": ["./docker/nginx.conf:/etc/nginx/conf.d/default.conf:ro"],
        "web": [],
        "worker": [],
        "beat": [],
    }


@pytest.mark.parametrize("service", DJANGO_SERVICES)
def test_every_django_process_files_into_the_compose_bucket(service, monkeypatch):
    env = {"SECRET_KEY": "x", "AWS_SECRET_ACCESS_KEY": "minio-secret-1"}
    environment = {
        name: interpolated(str(value), env)
        for name, value in SERVICES[service]["environment"].items()
    }
    for name, value in environment.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)

    public, private = file_storages(private_root=Path("/data/private_media"))

    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["OPTIONS"]["bucket_name"] == "kosmo"
    assert private["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert private["OPTIONS"]["addressing_style"] == "path"
    assert private["OPTIONS"]["access_key"] == "kosmo"
    assert private["OPTIONS"]["secret_key"] == "minio-secret-1"
    assert public["BACKEND"] == "kosmo.storage.PublicMediaS3Storage"
    # MinIO's root user is the key pair the processes use, and the bucket job makes that bucket.
    minio = {k: interpolated(v, env) for k, v in SERVICES["minio"]["environment"].items()}
    assert (minio["MINIO_ROOT_USER"], minio["MINIO_ROOT_PASSWORD"]) == ("kosmo", "minio-secret-1")
    bucket_job = SERVICES["bucket"]
    assert interpolated(bucket_job["command"][-1], env) == "store/kosmo"
    assert interpolated(bucket_job["environment"]["MC_HOST_store"], env) == (
        "http://kosmo:minio-secret-1@minio:9000"
    )


def test_the_store_secret_is_required_and_an_empty_endpoint_means_aws():
    shared = SERVICES["web"]["environment"]

    with pytest.raises(AssertionError, match="AWS_SECRET_ACCESS_KEY is required"):
        interpolated(shared["AWS_SECRET_ACCESS_KEY"], {})
    assert interpolated(shared["AWS_S3_ENDPOINT_URL"], {"AWS_S3_ENDPOINT_URL": ""}) == ""


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_the_processes_start_once_the_bucket_exists(service):
    depends = SERVICES[service]["depends_on"]

    assert depends["bucket"] == {"condition": "service_completed_successfully"}
    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert SERVICES["bucket"]["depends_on"] == {"minio": {"condition": "service_healthy"}}


def test_web_runs_as_replicas_behind_the_one_published_port():
    web, proxy = SERVICES["web"], SERVICES["proxy"]

    assert "ports" not in web  # two replicas cannot publish one host port
    assert int(interpolated(str(web["deploy"]["replicas"]), {})) == 2
    assert proxy["ports"] == ["${WEB_PORT:-8000}:8000"]
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    # The proxy follows the replicas through Docker's DNS, on the port web binds.
    assert "server web:8000 resolve;" in nginx
    assert "resolver 127.0.0.11" in nginx
    assert "0.0.0.0:8000" in web["command"]
    assert re.search(r"^\s*listen 8000;", nginx, re.MULTILINE)
    # A step import (2 GB) gets through to the portal, which checks sizes itself.
    assert "client_max_body_size 2100m;" in nginx


def test_the_beat_keeps_no_file_and_holds_the_lock():
    command = SERVICES["beat"]["command"]

    assert not any(arg.startswith(("--schedule", "-s")) for arg in command)
    assert settings.CELERY_BEAT_SCHEDULER == "kosmo.beat:LockedScheduler"


@pytest.mark.parametrize(
    ("service", "target"), [("web", "serve"), ("worker", "worker"), ("beat", "beat")]
)
def test_every_service_command_runs_outside_docker(service, target):
    command = SERVICES[service]["command"]
    program, *args = makefile_command(target)

    assert program == command[0]
    assert (VENV_BIN / program).exists()
    if program == "celery":
        # The same app and subcommand; the compose file only adds the worker's concurrency.
        assert [a for a in command[1:] if not a.startswith("--concurrency")] == args
    else:
        assert command[command.index("--config") + 1] == args[args.index("--config") + 1]
        assert (ROOT / args[args.index("--config") + 1]).exists()
        assert command[-1].split(":")[0] == args[-1] == "kosmo.wsgi"


def test_the_migrate_command_runs_outside_docker():
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert (ROOT / "manage.py").exists()
