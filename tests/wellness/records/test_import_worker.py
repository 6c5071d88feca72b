"""The step import with a real Celery worker on Redis: the upload waits as 受付済み (0%), the
worker reads it and the progress page ends at 完了 with the days recorded."""

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kosmo.celery import app as celery_app
from tests.conftest import require
from wellness.records import queries
from wellness.records.models import StepImport

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

APPLE = (Path(__file__).parent / "apple_export.xml").read_bytes()


def _wait_for(job, *states):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.1)
    return job


def test_a_real_worker_imports_the_upload_and_the_page_follows(client, rich, insured):
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set: no broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    client.force_login(insured)
    response = client.post(
        reverse("wellness:records_import"), {"file": SimpleUploadedFile("export.xml", APPLE)}
    )
    assert response.status_code == 302
    job = StepImport.objects.get()
    status = reverse("wellness:records_import_status", args=[job.pk])
    assert job.state == StepImport.State.PENDING
    waiting = client.get(status).content.decode()
    assert "取り込み中です（0%）" in waiting
    assert 'http-equiv="refresh"' in waiting

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="ERROR"):
        job = _wait_for(job, StepImport.State.READY, StepImport.State.FAILED)

    assert job.state == StepImport.State.READY
    done = client.get(status).content.decode()
    assert "取り込みが完了しました。" in done
    assert 'http-equiv="refresh"' not in done
    assert queries.steps_on(insured.person, dt.date(2025, 6, 1)) == 2000
