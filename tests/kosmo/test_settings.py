import os
import subprocess
import sys
from pathlib import Path

import pytest

from kosmo.env import parse_database_url
from kosmo.logging import mask

ROOT = Path(__file__).resolve().parents[2]


def test_database_url_for_postgresql():
    config = parse_database_url(
        "postgres://kosmo:s%40cret@db.example:5433/kosmo?sslmode=require", base_dir=ROOT
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("kosmo", "s@cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", "5433", "kosmo")
    assert config["OPTIONS"] == {
        "sslmode": "require",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("", {"server_side_binding": True, "prepare_threshold": 5}),
        ("?prepare_threshold=2", {"server_side_binding": True, "prepare_threshold": 2}),
        (
            "?server_side_binding=false&prepare_threshold=",
            {"server_side_binding": False, "prepare_threshold": None},
        ),
    ],
)
def test_postgresql_prepares_repeated_queries_unless_told_not_to(query, options):
    config = parse_database_url(f"postgres://kosmo@db/kosmo{query}", base_dir=ROOT)
    assert config["OPTIONS"] == options


def test_database_url_for_sqlite_relative_and_absolute():
    assert parse_database_url("sqlite:///db.sqlite3", base_dir=ROOT)["NAME"] == str(
        ROOT / "db.sqlite3"
    )
    assert parse_database_url("sqlite:////var/lib/kosmo.db", base_dir=ROOT)["NAME"] == (
        "/var/lib/kosmo.db"
    )


def test_unsupported_database_url_is_refused():
    with pytest.raises(ValueError):
        parse_database_url("mysql://x@y/z", base_dir=ROOT)


def test_argon2_hashes_passwords(settings):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_language_and_time_zone(settings):
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == (
        "ja",
        "Asia/Tokyo",
        True,
    )


def _manage(*args, **env):
    # A clean production-like environment: nothing the test run itself sets.
    unwanted = {"DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in unwanted}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-9f8e7d6c5b4a",
        ALLOWED_HOSTS="portal.example.jp",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_refuses_the_development_secret_key():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="false", HTTPS="true", SECRET_KEY=""
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_logs_never_carry_personal_data():
    line = "login failed for taro@example.jp born 1979-08-22 insurer 06139999 card 19790822"

    masked = mask(line)

    assert "taro@example.jp" not in masked
    assert "1979-08-22" not in masked and "19790822" not in masked
    assert "06139999" not in masked
    assert masked.startswith("login failed for [email]")
