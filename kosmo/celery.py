"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered."""

import os

from celery import Celery, Task
from celery.signals import after_setup_logger, after_setup_task_logger

from kosmo.logging import MaskPersonalDataFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kosmo.settings")


class KosmoTask(Task):
    """Every task retries transient failures (lost connections, time-outs) with backoff.

    Tasks acknowledge late (settings), so a worker that dies mid-task leaves the message to
    be delivered again; tasks are written to be idempotent for that reason.
    """

    autoretry_for = (ConnectionError, TimeoutError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("kosmo", task_cls=KosmoTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def mask_personal_data(logger, **kwargs) -> None:
    """A worker replaces settings.LOGGING's masked console with Celery's own handlers: they
    mask too (task failures quote exceptions, whose messages may carry a row's values)."""
    for handler in logger.handlers:
        if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
            handler.addFilter(MaskPersonalDataFilter())
