"""Redis outages: the cache is an accelerator, never a single point of failure.

The cache (django-redis, settings.CACHES) ignores a failed Redis command: a read is a miss, a
write is skipped, and the page is served from PostgreSQL. What is left to bound is the time a
command costs while Redis is down (connection refused: nothing) or hung (every command waits
out REDIS_SOCKET_TIMEOUT). `FailFastConnection` bounds it: after a command failed, the process
sends no command to Redis for REDIS_RETRY_SECONDS and fails each one at once, so a hang costs
one timeout per process per interval, not one per cache call of every request. The first
command after the interval tries Redis again: recovery needs no restart.

Which rate limits fail open or closed while Redis is unavailable is decided in
accounts.ratelimits and README.md ("Operations").
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from redis.connection import Connection, SSLConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class _State:
    """When a Redis command of this process last failed (time.monotonic(), or None)."""

    lock = threading.Lock()
    failed_at: float | None = None


def retry_seconds() -> float:
    return settings.REDIS_RETRY_SECONDS


def record_failure() -> None:
    with _State.lock:
        _State.failed_at = time.monotonic()


def redis_unavailable() -> bool:
    """Whether Redis failed this process less than REDIS_RETRY_SECONDS ago (the cache then
    sends nothing to Redis)."""
    failed_at = _State.failed_at
    return failed_at is not None and time.monotonic() < failed_at + retry_seconds()


def redis_failed_since(started: float) -> bool:
    """Whether a Redis command of this process may have been lost since `started` (a
    time.monotonic() value): one failed, or was refused, in between."""
    failed_at = _State.failed_at
    return failed_at is not None and failed_at + retry_seconds() >= started


def forget_failures() -> None:
    """Try Redis again at the next command (tests; an operator's shell after a repair)."""
    with _State.lock:
        _State.failed_at = None


class RedisUnavailable(RedisConnectionError):
    """Refused without trying: Redis failed this process less than REDIS_RETRY_SECONDS ago."""


class FailFastMixin:
    """redis-py connection that refuses at once while `redis_unavailable()`, and records every
    connect, write or read that fails (refused, reset, timed out)."""

    def refuse_while_unavailable(self) -> None:
        if redis_unavailable():
            self.disconnect()
            raise RedisUnavailable("Redis failed a moment ago; not trying again yet")

    def connect_check_health(self, *args, **kwargs):
        self.refuse_while_unavailable()
        try:
            return super().connect_check_health(*args, **kwargs)
        except _FAILURES:
            record_failure()
            raise

    def send_packed_command(self, *args, **kwargs):
        self.refuse_while_unavailable()
        try:
            return super().send_packed_command(*args, **kwargs)
        except _FAILURES as error:
            if not isinstance(error, RedisUnavailable):
                record_failure()
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES:
            record_failure()
            raise


class FailFastConnection(FailFastMixin, Connection):
    """For redis:// URLs."""


class FailFastSSLConnection(FailFastMixin, SSLConnection):
    """For rediss:// URLs (TLS)."""


def connection_class(url: str) -> type[Connection]:
    return FailFastSSLConnection if url.startswith("rediss://") else FailFastConnection
