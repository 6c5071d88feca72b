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
