"""Readiness (/readyz): whether each part the portal needs answers, for a load balancer and
for operators. /healthz stays a liveness check that touches nothing.

Each check is bounded by its client's timeouts (REDIS_CONNECT_TIMEOUT, REDIS_SOCKET_TIMEOUT;
PostgreSQL's `connect_timeout` in DATABASE_URL), so a hung part makes the check answer
「down」 within about a second rather than hang the check with it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

READINESS_KEY = "kosmo:readiness"


def _timed(check: Callable[[], dict]) -> dict:
    started = time.monotonic()
    try:
        result = check()
    except Exception as error:  # any failure of the part is its answer, never a 500
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The next request opens a new connection instead of reusing a broken one.
        connection.close()
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def check_cache() -> dict:
    """A write read back: the cache ignores Redis failures (kosmo.outage), so a lost write is
    how an unreachable Redis shows."""
    token = uuid.uuid4().hex
    cache.set(READINESS_KEY, token, 30)
    if cache.get(READINESS_KEY) != token:
        return {"ok": False, "error": "unavailable"}
    return {"ok": True}


def check_queue() -> dict:
    """The Celery broker answers; `length` is the number of tasks waiting in the queue."""
    from kombu.exceptions import ChannelError

    from kosmo.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "eager": True}  # no broker: tasks run in the asking process
    queue = app.conf.task_default_queue
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        with conn.channel() as channel:
            try:
                length = channel.queue_declare(queue=queue, passive=True).message_count
            except ChannelError:
                length = 0  # no worker has declared the queue yet: nothing is waiting
    return {"ok": True, "queue": queue, "length": length}


def check_workers(timeout: float = 1.0) -> dict:
    """How many workers answer a ping within `timeout` (informational: not required)."""
    from kosmo.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "eager": True}
    replies = app.control.ping(timeout=timeout)
    return {"ok": bool(replies), "count": len(replies)}


REQUIRED: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
}


def report(*, workers: bool = False) -> dict:
    """{"ready": bool, "checks": {part: {"ok": bool, "ms": float, …}}}: ready when every
    required part answers."""
    checks = {name: _timed(check) for name, check in REQUIRED.items()}
    ready = all(result["ok"] for result in checks.values())
    if workers:
        checks["workers"] = _timed(check_workers)
    return {"ready": ready, "checks": checks}
