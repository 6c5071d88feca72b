"""Celery beat once per deployment (issue 24): `LockedScheduler` sends the schedule only while
it holds a lock in the broker's Redis, so a second beat (started by mistake, or on another
host for failover) stands by and sends nothing.

- The lock is a Redis key set with SET NX PX and a random token (redis-py's `Lock`), renewed
  every third of its lifetime (`BEAT_LOCK_SECONDS`, 30 s) and deleted when the beat stops.
  A beat that is killed leaves it to expire: a standing-by beat, which tries every tenth of
  the lifetime, takes over at most `BEAT_LOCK_SECONDS` plus that tenth after the holder's
  last renewal.
- Every tick of the holder first renews the lock (atomically, token checked), so a beat that
  lost it (paused past the lifetime, Redis restarted) stands by before it sends anything.
- Redis unreachable: the beat sends nothing and keeps trying (it could not publish through
  that Redis anyway); it never falls back to sending unlocked, which would double-send the
  moment two beats see Redis again.
- Nothing is kept on the beat's disk: the entries come from CELERY_BEAT_SCHEDULE, and each
  entry's last run is kept in a Redis hash beside the lock, so a restarted beat or one that
  takes over goes on where the holder stopped instead of starting every interval afresh.

Selected by CELERY_BEAT_SCHEDULER (kosmo/settings.py); `celery -A kosmo beat` needs no
`--schedule` file.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime

import redis
from celery.beat import Scheduler
from django.conf import settings
from redis.exceptions import LockError, RedisError
from redis.lock import Lock

logger = logging.getLogger(__name__)

LOCK_KEY = "kosmo:beat:lock"
LAST_RUN_KEY = "kosmo:beat:last-run"  # entry name → ISO time of its last send


class LockedScheduler(Scheduler):
    """A beat scheduler with no file that sends only while it holds the deployment's lock."""

    lock_key = LOCK_KEY
    last_run_key = LAST_RUN_KEY

    def __init__(self, *args, lock_seconds: float | None = None, **kwargs) -> None:
        self.lock_seconds = float(lock_seconds or settings.BEAT_LOCK_SECONDS)
        self.holding = False
        self.redis_down = False
        self.standing_by = False
        self._client: redis.Redis | None = None
        self._lock: Lock | None = None
        super().__init__(*args, **kwargs)
        # The holder must tick (and so renew) well within the lock's lifetime.
        self.max_interval = min(self.max_interval, self.lock_seconds / 3)

    # --- the lock ------------------------------------------------------------------------------

    @property
    def client(self) -> redis.Redis:
        if self._client is None:
            url = self.app.conf.broker_url or ""
            if not url.startswith(("redis://", "rediss://")):
                raise RuntimeError(
                    "kosmo.beat.LockedScheduler needs a Redis broker (REDIS_URL): "
                    f"the lock that keeps beat to one per deployment lives there, not in {url!r}"
                )
            self._client = redis.Redis.from_url(
                url,
                socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
                socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
            )
        return self._client

    @property
    def lock(self) -> Lock:
        if self._lock is None:
            # thread_local=False: the beat's service may tick and close from different threads.
            self._lock = Lock(
                self.client, self.lock_key, timeout=self.lock_seconds, thread_local=False
            )
        return self._lock

    def hold_lock(self) -> bool:
        """True when this beat holds the lock for another lifetime (renewed or taken now)."""
        try:
            if self.holding:
                try:
                    self.lock.reacquire()
                except LockError:
                    self.holding = False
                    logger.warning(
                        "beat: lost the lock %s (it expired, or another beat holds it now)",
                        self.lock_key,
                    )
            if not self.holding and self.lock.acquire(blocking=False):
                try:
                    self.take_over()
                except RedisError:
                    with suppress(LockError, RedisError):
                        self.lock.release()  # try again from the start, not half taken over
                    raise
                self.holding = True
            if self.redis_down:
                self.redis_down = False
                logger.warning("beat: Redis answers again")
        except RedisError as error:
            if not self.redis_down:
                self.redis_down = True
                logger.warning(
                    "beat: Redis is unavailable (%s): sending nothing until it answers", error
                )
            return False
        return self.holding

    def take_over(self) -> None:
        """The schedule's state as the previous holder left it, then this beat's own."""
        stored = {
            name.decode(): value.decode()
            for name, value in self.client.hgetall(self.last_run_key).items()
        }
        for name, entry in self.schedule.items():
            if name in stored:
                entry.last_run_at = datetime.fromisoformat(stored[name])
            else:
                self.client.hsetnx(self.last_run_key, name, entry.last_run_at.isoformat())
        gone = set(stored) - set(self.schedule)
        if gone:
            self.client.hdel(self.last_run_key, *gone)
        self.populate_heap()
        logger.warning("beat: took the lock %s: this beat sends the schedule", self.lock_key)

    # --- the scheduler -------------------------------------------------------------------------

    def tick(self, *args, **kwargs) -> float:
        if not self.hold_lock():
            if not self.standing_by:
                self.standing_by = True
                logger.warning(
                    "beat: another beat holds the lock %s (or Redis is unavailable): "
                    "standing by, trying every %.1f s",
                    self.lock_key,
                    self.standby_interval,
                )
            return self.standby_interval
        self.standing_by = False
        return min(super().tick(*args, **kwargs), self.max_interval)

    @property
    def standby_interval(self) -> float:
        return self.lock_seconds / 10

    def reserve(self, entry):
        new_entry = super().reserve(entry)
        with suppress(RedisError):  # the send then fails the same way, logged by Celery
            self.client.hset(self.last_run_key, entry.name, new_entry.last_run_at.isoformat())
        return new_entry

    def close(self) -> None:
        super().close()
        if self.holding:
            self.holding = False
            try:
                self.lock.release()
                logger.warning("beat: stopped and released the lock %s", self.lock_key)
            except (LockError, RedisError):
                pass  # expired or unreachable: it lapses by itself

    @property
    def info(self) -> str:
        return f"    . lock -> {self.lock_key} ({self.lock_seconds:g} s, broker's Redis)"
