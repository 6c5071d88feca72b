"""ELG-1 with a real Celery worker on Redis: the web flow queues the 資格情報のお知らせ, the
worker renders it, the member downloads it; a failed job shows as failed and 「再試行」 works."""

import datetime as dt
import io
import os
import re
import time

import pytest
from django.utils import timezone
from pypdf import PdfReader

from kosmo.celery import app as celery_app
from kosmo.models import DocumentJob
from tests.conftest import require

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

URL = "/eligibility/notice/"


def _verify(client, person):
    d = person.birth_date
    prefix = f"p{person.pk}"
    return client.post(
        URL,
        {
            "person": person.pk,
            f"{prefix}-year": d.year,
            f"{prefix}-month": d.month,
            f"{prefix}-day": d.day,
        },
    )


def _wait_for(job, *states):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.1)
    return job


def test_a_real_worker_renders_the_notice_requested_on_the_page(client, insured, dependent, union):
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set: no broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # nothing left over from an earlier run
    client.force_login(insured)
    spouse = dependent.person

    # Requested before any worker runs: it waits in Redis. Meanwhile the spouse loses
    # coverage, so the worker's rendering refuses it.
    assert _verify(client, spouse).status_code == 302
    failing = DocumentJob.objects.get(params={"person": spouse.pk})
    assert failing.state == DocumentJob.State.PENDING
    spouse.disqualified_on = timezone.localdate() - dt.timedelta(days=1)
    spouse.save()

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="ERROR"):
        assert _wait_for(failing, DocumentJob.State.FAILED).state == DocumentJob.State.FAILED
        spouse.disqualified_on = None  # staff corrected the record
        spouse.save()
        assert "PDFを作成できませんでした。" in client.get(URL).content.decode()
        assert client.post(f"/eligibility/notice/{failing.pk}/retry/").status_code == 302
        retried = _wait_for(failing, DocumentJob.State.READY)

        assert _verify(client, insured.person).status_code == 302
        own = _wait_for(
            DocumentJob.objects.get(params={"person": insured.person.pk}), DocumentJob.State.READY
        )

    assert retried.state == DocumentJob.State.READY
    assert retried.attempts == 2
    assert own.state == DocumentJob.State.READY
    page = client.get(URL).content.decode()
    assert page.count("資格情報のお知らせダウンロードの準備ができました") == 2

    download = client.get(f"/documents/{own.pk}/download/")
    pdf = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pdf.pages))
    household = insured.person.household
    assert "山田太郎" in text
    assert "生年月日昭和54年8月22日" in text  # 1979-08-22
    assert "資格取得年月日平成27年4月1日" in text  # 2015-04-01
    assert f"記号{household.symbol}番号{household.number}枝番00" in text
    assert f"保険者番号{union.insurer_number}" in text

    spouse_text = re.sub(
        r"\s+",
        "",
        PdfReader(
            io.BytesIO(b"".join(client.get(f"/documents/{retried.pk}/download/").streaming_content))
        )
        .pages[0]
        .extract_text(),
    )
    assert "山田花子" in spouse_text and "生年月日昭和56年3月3日" in spouse_text
