"""Redis down or hung (issue 18): the cache is an accelerator, never a single point of failure.

A private redis-server on a free port is the cache; tests stop it (terminate) or hang it
(SIGSTOP) mid-test. The time bounds are correctness bounds derived from the configured
timeouts (a hang must cost one timeout, not one per cache call), not speed benchmarks.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from kombu.exceptions import OperationalError

from accounts.ratelimits import UNAVAILABLE
from kosmo import outage
from kosmo.logging import OncePerInterval
from tests import factories

SOCKET_TIMEOUT = 1.0  # seconds: long enough that waiting it out per cache call would show
# Longer than any request here takes on a busy machine, as in production (5 s against 0.5 s).
RETRY_SECONDS = 3.0
# One hung cache call is waited out, then the cache is skipped: a page costs one timeout plus
# its own work. A signed-in page makes five cache calls (the header's counts and the terms):
# waiting each out would take five timeouts, and a hang without timeouts forever.
HUNG_PAGE_BOUND = 3 * SOCKET_TIMEOUT
# A login waits for allauth's cache lock (one second) once, and checks the password (Argon2).
LOGIN_BOUND = 5 * SOCKET_TIMEOUT
INVALID_LOGIN = "無効なユーザIDまたはパスワードです。"
WRONG = "Wrong-pass-2026"


@pytest.fixture
def redis_cache(settings, redis_server):
    """The deployment's cache settings (kosmo.settings), pointed at the private server."""
    settings.REDIS_SOCKET_TIMEOUT = SOCKET_TIMEOUT
    settings.REDIS_RETRY_SECONDS = RETRY_SECONDS
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "kosmo",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": settings.REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": SOCKET_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
                "CONNECTION_POOL_KWARGS": {
                    "connection_class": outage.connection_class(redis_server.url)
                },
            },
        }
    }
    outage.forget_failures()
    cache.set("kosmo:test", "up")
    assert cache.get("kosmo:test") == "up"  # really on the private server
    yield redis_server
    outage.forget_failures()


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _wait_for_retry() -> None:
    time.sleep(RETRY_SECONDS + 0.2)


def _signed_in_page_works(client, insured, *, bound: float) -> None:
    response, elapsed = _timed(lambda: client.get("/"))
    assert response.status_code == 200
    assert f"{insured.person.full_name} さん、こんにちは" in response.content.decode()
    assert "サービスメニュー" in response.content.decode()
    assert elapsed < bound


def test_signed_in_pages_are_served_from_the_database_while_redis_is_down(
    redis_cache, member_client, insured
):
    member_client.get("/")  # warm: the header's counts and the terms are cached
    redis_cache.stop()

    for _ in range(3):
        _signed_in_page_works(member_client, insured, bound=HUNG_PAGE_BOUND)


def test_a_hung_redis_costs_a_page_at_most_one_timeout(redis_cache, member_client, insured):
    member_client.get("/")
    redis_cache.pause()

    # The first page waits out one cache call; the next ones skip the cache at once.
    _signed_in_page_works(member_client, insured, bound=HUNG_PAGE_BOUND)
    _signed_in_page_works(member_client, insured, bound=SOCKET_TIMEOUT)


def test_pages_use_redis_again_after_it_recovers_without_a_restart(
    redis_cache, member_client, insured
):
    redis_cache.pause()
    _signed_in_page_works(member_client, insured, bound=HUNG_PAGE_BOUND)
    assert cache.get("kosmo:test") is None  # skipped, not waited for

    redis_cache.resume()
    _wait_for_retry()

    _signed_in_page_works(member_client, insured, bound=HUNG_PAGE_BOUND)
    assert cache.get("kosmo:test") == "up"  # the same server and data, used again
    assert not outage.redis_unavailable()


def test_a_restarted_redis_is_used_again_without_a_restart_of_ours(
    redis_cache, member_client, insured
):
    redis_cache.stop()
    _signed_in_page_works(member_client, insured, bound=HUNG_PAGE_BOUND)
    redis_cache.start()
    _wait_for_retry()

    _signed_in_page_works(member_client, insured, bound=HUNG_PAGE_BOUND)
    cache.set("kosmo:test", "again")
    assert cache.get("kosmo:test") == "again"


@pytest.mark.parametrize("fault", ["stop", "pause"])
def test_a_wrong_password_gets_the_japanese_message_while_redis_is_unavailable(
    redis_cache, client, insured, fault
):
    getattr(redis_cache, fault)()

    response, elapsed = _timed(
        lambda: client.post("/accounts/login/", {"login": insured.username, "password": WRONG})
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [INVALID_LOGIN]
    assert INVALID_LOGIN in response.content.decode()
    assert elapsed < LOGIN_BOUND
    # The lockout, kept in PostgreSQL, still counts the guess: brute force stays bounded.
    insured.refresh_from_db()
    assert insured.failed_logins == 1


def test_a_member_signs_in_while_redis_is_down(redis_cache, client, insured):
    redis_cache.stop()

    response = factories.sign_in(client, insured.username)

    assert response.status_code == 302
    assert client.get("/").context["user"] == insured


def test_password_reset_is_refused_in_japanese_while_redis_is_down(
    redis_cache, client, insured, mailoutbox
):
    redis_cache.stop()

    page = client.get("/accounts/password/reset/")
    response = client.post("/accounts/password/reset/", {"user_id": insured.username})

    assert page.status_code == 200
    assert "ユーザID" in page.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [UNAVAILABLE]
    assert str(UNAVAILABLE) in response.content.decode()
    assert mailoutbox == []


def test_readiness_reports_redis_down_while_liveness_stays_up(redis_cache, client, union):
    assert client.get("/readyz").status_code == 200
    redis_cache.pause()

    ready, elapsed = _timed(lambda: client.get("/readyz"))
    live = client.get("/healthz")

    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert ready.json()["ready"] is False
    assert checks["cache"]["ok"] is False
    assert checks["database"]["ok"] is True
    assert elapsed < HUNG_PAGE_BOUND
    assert live.status_code == 200

    redis_cache.resume()
    _wait_for_retry()
    assert client.get("/readyz").status_code == 200


def test_readiness_reports_the_worker_queue_and_its_length(settings, redis_server, client, union):
    from kosmo.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = app.conf.broker_url
    app.conf.broker_url = redis_server.url
    try:
        with app.connection_for_write() as conn:
            conn.default_channel.client.lpush(app.conf.task_default_queue, b"{}", b"{}")
        ready = client.get("/readyz").json()["checks"]["queue"]
        redis_server.stop()
        down, elapsed = _timed(lambda: client.get("/readyz"))
    finally:
        app.conf.broker_url = original

    assert ready == {"ok": True, "queue": "celery", "length": 2, "ms": ready["ms"]}
    assert down.status_code == 503
    assert down.json()["checks"]["queue"]["ok"] is False
    assert elapsed < 5


def test_readiness_is_answered_on_a_host_that_no_union_serves(client, union, settings):
    settings.ALLOWED_HOSTS = ["lb.example.jp"]

    response = client.get("/readyz", HTTP_HOST="lb.example.jp")

    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache", "queue"}


def test_a_sign_out_during_an_outage_stays_signed_out_after_redis_returns(
    redis_cache, client, insured
):
    factories.sign_in(client, insured.username)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/medical/latest/").status_code == 200
    redis_cache.pause()  # hung: whatever Redis holds survives the outage

    signed_out = client.post("/accounts/logout/")
    redis_cache.resume()
    _wait_for_retry()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie

    assert signed_out.status_code == 302
    response = client.get("/medical/latest/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_redis_failures_are_logged_once_a_minute_not_per_request(
    redis_cache, member_client, caplog
):
    logger = logging.getLogger(settings.DJANGO_REDIS_LOGGER)
    gate = next(f for f in logger.filters if isinstance(f, OncePerInterval))
    gate.next_at = 0.0  # as if the last such line were a minute ago
    redis_cache.stop()

    with caplog.at_level("ERROR", logger=settings.DJANGO_REDIS_LOGGER):
        for _ in range(5):
            assert member_client.get("/").status_code == 200

    lines = [record for record in caplog.records if record.name == settings.DJANGO_REDIS_LOGGER]
    assert len(lines) == 1
    assert lines[0].exc_info is None  # one line, no traceback
    assert "ConnectionError" in lines[0].getMessage()
    assert gate.dropped >= 4


def _compose_healthcheck():
    path = Path(settings.BASE_DIR) / "docker" / "healthcheck.py"
    spec = importlib.util.spec_from_file_location("compose_healthcheck", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_compose_healthcheck_stays_live_while_readiness_fails(
    redis_cache, live_server, monkeypatch, capsys
):
    healthcheck = _compose_healthcheck()
    monkeypatch.setenv("HEALTHCHECK_PORT", str(urlsplit(live_server.url).port))
    monkeypatch.setenv("ALLOWED_HOSTS", "localhost")
    assert healthcheck.main(["--ready"]) == 0
    capsys.readouterr()

    redis_cache.pause()

    assert healthcheck.main([]) == 0
    assert healthcheck.main(["--ready"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ready"] is False
    assert report["checks"]["cache"]["ok"] is False
    assert report["checks"]["database"]["ok"] is True


def test_a_killed_workers_task_comes_back_only_after_the_longest_task_could_have_run():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS

    assert settings.CELERY_TASK_TIME_LIMIT < options["visibility_timeout"] <= 10 * 60
    assert options["socket_timeout"] == settings.REDIS_SOCKET_TIMEOUT
    assert options["socket_connect_timeout"] == settings.REDIS_CONNECT_TIMEOUT


def test_a_task_the_broker_cannot_take_runs_its_fallback_and_raises_nothing(
    db, redis_server, settings, django_capture_on_commit_callbacks
):
    """kosmo.queueing: with the broker down, publishing gives up (OperationalError) and the
    fallback runs (a mail is delivered in the request); without one, nothing is raised (a PDF
    job stays queued for the beat's sweep). The connection is the task's own, so the suite's
    shared producer pools are left alone."""
    from kombu import Connection

    from kosmo.celery import app
    from kosmo.queueing import queue_on_commit
    from kosmo.tasks import requeue_overdue_documents

    app.conf.task_always_eager = False  # put back by the autouse fixture
    redis_server.stop()
    down = Connection(redis_server.url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    ran = []

    with django_capture_on_commit_callbacks(execute=True):
        queue_on_commit(
            requeue_overdue_documents.s().set(connection=down),
            fallback=lambda: ran.append("delivered here"),
        )
        queue_on_commit(requeue_overdue_documents.s().set(connection=down))

    assert ran == ["delivered here"]
    with pytest.raises(OperationalError):  # the publish itself really fails
        requeue_overdue_documents.s().set(connection=down).apply_async()
