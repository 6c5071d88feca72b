"""Celery beat once per deployment (issue 24, kosmo/beat.py): a beat sends the schedule only
while it holds a lock in the broker's Redis; a second one stands by, sends nothing, and takes
over once the holder released the lock or its lock expired. Real Redis (REDIS_URL), real
messages counted in the broker's queue."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery

from kosmo.beat import LAST_RUN_KEY, LOCK_KEY, LockedScheduler
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker():
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "REDIS_URL is not set: the beat's lock lives in the broker's Redis")
    client = redis.Redis.from_url(url)
    client.delete(LOCK_KEY, LAST_RUN_KEY)
    yield client
    client.delete(LOCK_KEY, LAST_RUN_KEY)


@pytest.fixture
def queue(broker):
    name = f"beat-test-{uuid.uuid4().hex[:8]}"
    yield name
    broker.delete(name)


def beat_app(url: str, queue: str, *, every: float = 60) -> Celery:
    """A Celery app on the broker whose two entries are due at once (last run an hour ago)."""
    app = Celery("beat-test", broker=url, set_as_current=False)
    app.conf.timezone = "Asia/Tokyo"
    an_hour_ago = app.now() - timedelta(hours=1)
    app.conf.beat_schedule = {
        name: {
            "task": f"beat_test.{name}",
            "schedule": every,
            "options": {"queue": queue},
            "last_run_at": an_hour_ago,
        }
        for name in ("sweep", "purge")
    }
    return app


def run_ticks(scheduler: LockedScheduler) -> None:
    """Ticks until the scheduler waits (every due entry sent, or standing by)."""
    for _ in range(10):
        if scheduler.tick() > 0:
            return
    raise AssertionError("the scheduler kept sending")


def test_only_the_beat_holding_the_lock_sends_due_tasks(broker, queue):
    app = beat_app(os.environ["REDIS_URL"], queue)
    first = LockedScheduler(app=app, lock_seconds=30)
    second = LockedScheduler(app=app, lock_seconds=30)

    run_ticks(first)
    run_ticks(second)
    run_ticks(first)
    run_ticks(second)

    assert (first.holding, second.holding) == (True, False)
    assert broker.llen(queue) == 2  # each entry once, by the holder
    # The lock lapses by itself after its lifetime unless the holder renews it.
    assert 0 < broker.pttl(LOCK_KEY) <= 30_000
    first.close()
    second.close()


def test_the_other_beat_takes_over_when_the_holder_stops_and_repeats_nothing(broker, queue):
    app = beat_app(os.environ["REDIS_URL"], queue)
    first = LockedScheduler(app=app, lock_seconds=30)
    second = LockedScheduler(app=app, lock_seconds=30)
    run_ticks(first)
    run_ticks(second)

    first.close()  # a beat stopped (SIGTERM) releases the lock
    assert broker.exists(LOCK_KEY) == 0
    run_ticks(second)

    assert second.holding is True
    # Its own entries were due an hour ago, but the last runs in Redis are the holder's.
    assert broker.llen(queue) == 2
    second.close()


def test_a_dead_holders_lock_expires_and_the_other_beat_takes_over(broker, queue):
    app = beat_app(os.environ["REDIS_URL"], queue, every=0.2)
    first = LockedScheduler(app=app, lock_seconds=1)
    second = LockedScheduler(app=app, lock_seconds=1)
    run_ticks(first)
    run_ticks(second)
    sent_by_first = broker.llen(queue)
    assert sent_by_first == 2

    # The holder dies without a word (no close()): its lock outlives it by at most 1 s.
    assert 0 < broker.pttl(LOCK_KEY) <= 1000
    deadline = time.monotonic() + 5
    while broker.exists(LOCK_KEY) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.25)  # both entries (every 0.2 s) are due again
    run_ticks(second)

    assert second.holding is True
    assert broker.llen(queue) == 4
    # The old holder, back from a pause, finds the lock gone from it and sends nothing.
    run_ticks(first)
    assert first.holding is False
    assert broker.llen(queue) == 4
    second.close()


def test_a_beat_without_redis_stands_by_instead_of_sending():
    app = beat_app("redis://127.0.0.1:9/0", "unused")  # nothing listens on port 9

    scheduler = LockedScheduler(app=app, lock_seconds=30)

    assert scheduler.tick() == 3.0  # tries again in a tenth of the lock's lifetime
    assert scheduler.holding is False
    assert scheduler.redis_down is True
    scheduler.close()


def test_while_redis_is_down_no_beat_sends_and_after_it_one_does(redis_server):
    app = beat_app(redis_server.url, "celery")
    first = LockedScheduler(app=app, lock_seconds=30)
    second = LockedScheduler(app=app, lock_seconds=30)
    run_ticks(first)
    run_ticks(second)
    assert first.holding is True

    redis_server.stop()
    assert first.tick() == 3.0  # no exception, nothing sent: stands by, tries again
    assert second.tick() == 3.0
    redis_server.start()  # empty: the lock, the last runs and the queue are gone
    run_ticks(second)
    run_ticks(first)
    run_ticks(second)

    assert (first.holding, second.holding) == (False, True)
    # The restarted Redis lost the schedule's state, so the new holder sends both again: once.
    assert redis.Redis.from_url(redis_server.url).llen("celery") == 2
    first.close()
    second.close()


def test_the_scheduler_refuses_a_broker_that_is_not_redis():
    app = Celery("beat-test", broker="memory://", set_as_current=False)
    scheduler = LockedScheduler(app=app, lock_seconds=30)

    with pytest.raises(RuntimeError, match="needs a Redis broker \\(REDIS_URL\\)"):
        scheduler.tick()


def start_beat(queue: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "BEAT_TEST_QUEUE": queue, "BEAT_LOCK_SECONDS": "2"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.storage.beat_app", "beat", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_two_celery_beat_processes_send_one_beats_worth(broker, queue, tmp_path):
    logs = [tmp_path / "beat-a.log", tmp_path / "beat-b.log"]
    first = start_beat(queue, logs[0])
    beats = [first]
    try:
        assert wait_for(lambda: broker.llen(queue) > 0, 15), logs[0].read_text()
        beats.append(start_beat(queue, logs[1]))
        assert wait_for(lambda: "standing by" in logs[1].read_text(), 15), logs[1].read_text()
        sent_before = broker.llen(queue)
        assert wait_for(lambda: broker.llen(queue) >= sent_before + 4, 10)

        def sends(log: Path) -> int:
            return log.read_text().count("Sending due task tick")

        queued = broker.llen(queue)
        assert sends(logs[1]) == 0
        # Every message is one the holder logged (it logs just before it publishes).
        assert sends(logs[0]) - 1 <= queued <= sends(logs[0])

        first.send_signal(signal.SIGKILL)  # no release: the lock expires after 2 s
        first.wait(5)
        assert wait_for(lambda: sends(logs[1]) > 0, 10), logs[1].read_text()
        assert "took the lock" in logs[1].read_text()
        assert broker.llen(queue) <= sends(logs[0]) + sends(logs[1])
    finally:
        for beat in beats:
            if beat.poll() is None:
                beat.terminate()
                beat.wait(10)
