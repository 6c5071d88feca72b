"""A test-only document kind: the 資格情報のお知らせ, rendered after waiting while a file exists.

A test holds a render mid-way (to kill its worker), then releases it by deleting the file.
Each render started appends its attempt number to a log file, so a test can count renders
against `attempts`. Imported by the tests, and by the worker processes they start
(`celery -A kosmo worker -I tests.kosmo.held_documents`).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from eligibility.queries import NOTICE_KIND
from kosmo import documents
from kosmo.models import DocumentJob

HELD_KIND = "test_held_notice"
# Short, so a test waits seconds, not minutes; long enough for a fresh worker process to
# render the notice within its soft limit (the lease less 5 s) on a busy machine.
LEASE = dt.timedelta(seconds=20)
QUEUE_WAIT = dt.timedelta(seconds=3)


@documents.register(HELD_KIND, feature="medical", lease=LEASE, queue_wait=QUEUE_WAIT)
def render_held_notice(job: DocumentJob) -> documents.Rendered:
    with Path(job.params["log"]).open("a") as log:
        log.write(f"{job.attempts}\n")
    hold = Path(job.params["hold"])
    while hold.exists():
        time.sleep(0.05)
    return documents.RENDERERS[NOTICE_KIND](job)
