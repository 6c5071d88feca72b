"""A Celery app for tests/storage/test_beat_lock.py's real `celery beat` processes: the
project's scheduler (kosmo.beat) with one entry every half second to a queue of the test's
own (BEAT_TEST_QUEUE), on the broker of REDIS_URL; BEAT_LOCK_SECONDS short."""

import os

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kosmo.settings")
django.setup()

app = Celery("beat-test", broker=os.environ["REDIS_URL"])
app.conf.timezone = "Asia/Tokyo"
app.conf.beat_scheduler = "kosmo.beat:LockedScheduler"
app.conf.beat_schedule = {
    "tick": {
        "task": "beat_test.tick",
        "schedule": 0.5,
        "options": {"queue": os.environ["BEAT_TEST_QUEUE"]},
    }
}
