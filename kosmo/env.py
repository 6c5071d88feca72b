"""Reading configuration from the environment (12-factor), without extra dependencies."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return default if raw in (None, "") else float(raw)


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def parse_database_url(url: str, *, base_dir: Path) -> dict:
    """``postgres://user:pass@host:port/name?opt=v`` or ``sqlite:///path`` as a DATABASES entry.

    A relative SQLite path is taken from the project directory.
    """
    parts = urlsplit(url)
    engine = _ENGINES.get(parts.scheme)
    if engine is None:
        raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported")
    if engine.endswith("sqlite3"):
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        name = path if path == ":memory:" or Path(path).is_absolute() else str(base_dir / path)
        return {"ENGINE": engine, "NAME": name}
    options: dict = dict(parse_qsl(parts.query, keep_blank_values=True))
    # Parameters travel apart from the SQL (server-side binding) and psycopg prepares a query
    # the connection has run `prepare_threshold` times, so PostgreSQL no longer plans it on
    # every page: planning was 0.4-0.6 ms of the server's CPU per query, several times its
    # execution. ?server_side_binding=false&prepare_threshold= turns both off (e.g. behind
    # PgBouncer in transaction mode).
    binding = str(options.pop("server_side_binding", "true")).lower()
    options["server_side_binding"] = binding in {"1", "true", "yes", "on"}
    threshold = str(options.pop("prepare_threshold", "5"))
    options["prepare_threshold"] = int(threshold) if threshold.isdigit() else None
    return {
        "ENGINE": engine,
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def file_storages(*, private_root: Path) -> tuple[dict, dict]:
    """STORAGES["default"] and STORAGES["private"]: the local file system, or one
    S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (kosmo/storage.py; README,
    "Running on several hosts"): public media under public/, private files under private/,
    no ACL on any object (the bucket's own private policy applies)."""
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return (
            {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": private_root, "base_url": None},
            },
        )
    from botocore.config import Config

    s3 = {
        "bucket_name": bucket,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,  # MinIO, RGW, R2; unset: AWS
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "access_key": env_str("AWS_ACCESS_KEY_ID") or None,  # unset: the host's IAM role
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for MinIO
        "default_acl": None,  # never public-read
        "file_overwrite": False,  # a second file of the same name gets a new name
        # A file read from the bucket (a download, a health-data export of up to 2 GB) is
        # copied to a temporary file: in memory up to this size, on the node's disk beyond.
        "max_memory_size": env_int("AWS_S3_MAX_MEMORY_SIZE", 8 * 1024 * 1024),
        "client_config": Config(
            connect_timeout=env_float("AWS_S3_CONNECT_TIMEOUT", 2.0),
            read_timeout=env_float("AWS_S3_READ_TIMEOUT", 10.0),
            retries={"max_attempts": env_int("AWS_S3_MAX_ATTEMPTS", 2), "mode": "standard"},
            signature_version="s3v4",
        ),
    }
    return (
        {
            "BACKEND": "kosmo.storage.PublicMediaS3Storage",
            "OPTIONS": {**s3, "location": "public", "querystring_auth": False},
        },
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**s3, "location": "private"},
        },
    )
