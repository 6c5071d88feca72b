"""Queue a Celery task once the current transaction commits, and survive a broker outage.

Publishing a task talks to Redis (the broker). With Redis down or hung, `apply_async` gives up
after the publish retry (settings: CELERY_TASK_PUBLISH_RETRY_POLICY, the Redis timeouts) and
raises kombu's OperationalError; raised from an on-commit callback that is a 500 for a request
whose own work is already saved. Here the failure is logged (once a minute, kosmo.logging) and
`fallback` runs instead:

- an e-mail is delivered in the request itself (a sign-in code cannot wait for Redis);
- a PDF job passes no fallback: its row stays queued and the beat's sweep
  (kosmo.documents.requeue_overdue) queues it again once Redis answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery.canvas import Signature
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger("kosmo.queue")


def queue_on_commit(signature: Signature, *, fallback: Callable[[], object] | None = None) -> None:
    def publish() -> None:
        try:
            signature.apply_async()
        except OperationalError:
            logger.warning("The broker did not take %s; %s", signature.task, _next(fallback))
            if fallback is not None:
                fallback()

    transaction.on_commit(publish)


def _next(fallback) -> str:
    return "running it in this process" if fallback else "left for its sweep"
