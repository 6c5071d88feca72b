"""PDF jobs cannot get stuck (issue 18, SPEC X-3): a running job holds a lease, a queued one
waits a bounded time; past either the beat queues it again (counting attempts when a render
starts), three lost attempts fail it, and the member is offered 「再試行」 as soon as it is
overdue. The last tests kill a real worker process with SIGKILL mid-render and delete a
queued message from Redis."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone
from pypdf import PdfReader

from eligibility.queries import NOTICE_KIND
from kosmo import documents
from kosmo.celery import app as celery_app
from kosmo.models import DocumentJob
from kosmo.tasks import requeue_overdue_documents
from tests.conftest import require
from tests.kosmo.held_documents import HELD_KIND, LEASE, QUEUE_WAIT
from tests.servers import database_url

NOTICE_URL = "/eligibility/notice/"
LEASE_OF_A_NOTICE = dt.timedelta(minutes=2)  # the default lease, the notice's
QUEUE_WAIT_OF_A_NOTICE = dt.timedelta(minutes=2)
SECOND = dt.timedelta(seconds=1)
FAILED = "PDFを作成できませんでした。お手数ですが、もう一度お試しください。"
OVERDUE = "PDFの作成に時間がかかっています。お手数ですが、「再試行」を押してください。"
GENERATING = "PDFが生成中です。しばらくお待ちのうえ、画面を更新してください。"
TIMED_OUT = "3回作成を試みましたが、時間内に終わりませんでした。"


def _notice(owner) -> DocumentJob:
    return documents.request_document(
        owner=owner, kind=NOTICE_KIND, params={"person": owner.person.pk}
    )


def _rendered(name: str) -> documents.Rendered:
    return documents.Rendered(f"{name}.pdf", name.encode(), fallback=f"{name}.pdf")


# --- The lease and the queue wait, at their boundaries -----------------------------------------


def test_a_worker_counts_the_attempt_when_the_render_starts(insured):
    job = _notice(insured)
    t0 = timezone.now()

    started = documents.start(job.pk, now=t0)

    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.RUNNING, 1)
    assert started.attempts == 1
    assert job.deadline == t0 + LEASE_OF_A_NOTICE


def test_a_running_job_is_overdue_from_the_second_its_lease_ends(
    insured, django_capture_on_commit_callbacks
):
    job = _notice(insured)
    t0 = timezone.now()
    documents.start(job.pk, now=t0)
    job.refresh_from_db()
    end = t0 + LEASE_OF_A_NOTICE

    with django_capture_on_commit_callbacks() as queued:
        assert documents.requeue_overdue(now=end - SECOND) == 0
    assert not job.is_overdue(end - SECOND)
    job.refresh_from_db()
    assert job.state == DocumentJob.State.RUNNING and not queued

    assert job.is_overdue(end)
    with django_capture_on_commit_callbacks() as queued:
        assert documents.requeue_overdue(now=end) == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.PENDING, 1)  # counted when it starts
    assert job.deadline == end + QUEUE_WAIT_OF_A_NOTICE
    assert len(queued) == 1


def test_a_queued_job_no_worker_took_is_queued_again_from_the_second_its_wait_ends(
    insured, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks():  # its message is lost: never delivered
        job = _notice(insured)
    assert (
        before + QUEUE_WAIT_OF_A_NOTICE <= job.deadline <= timezone.now() + QUEUE_WAIT_OF_A_NOTICE
    )

    with django_capture_on_commit_callbacks() as queued:
        assert documents.requeue_overdue(now=job.deadline - SECOND) == 0
    assert not queued
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert documents.requeue_overdue(now=job.deadline) == 1
    assert len(queued) == 1

    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.READY, 1)


def test_two_sweeps_queue_an_overdue_job_once(insured, django_capture_on_commit_callbacks):
    job = _notice(insured)
    t0 = timezone.now()
    documents.start(job.pk, now=t0)

    with django_capture_on_commit_callbacks() as queued:
        first = documents.requeue_overdue(now=t0 + LEASE_OF_A_NOTICE)
        second = documents.requeue_overdue(now=t0 + LEASE_OF_A_NOTICE)

    assert (first, second) == (1, 0)
    assert len(queued) == 1


def test_a_message_delivered_again_while_the_lease_lives_renders_nothing(insured):
    job = _notice(insured)
    t0 = timezone.now()
    documents.start(job.pk, now=t0)

    assert documents.start(job.pk, now=t0 + LEASE_OF_A_NOTICE - SECOND) is None
    job.refresh_from_db()
    assert job.attempts == 1

    # Once the lease has ended, a delivered message may take the job over: the 2nd attempt.
    assert documents.start(job.pk, now=t0 + LEASE_OF_A_NOTICE).attempts == 2


def test_a_late_worker_does_not_overwrite_the_newer_attempts_result(insured):
    job = _notice(insured)
    t0 = timezone.now()
    first = documents.start(job.pk, now=t0)
    documents.requeue_overdue(now=t0 + LEASE_OF_A_NOTICE)
    second = documents.start(job.pk, now=t0 + LEASE_OF_A_NOTICE)

    assert documents.complete(second, _rendered("second")) is True
    assert documents.complete(first, _rendered("first")) is False
    assert documents.fail(first, RuntimeError("late")) is False

    job.refresh_from_db()
    assert (job.state, job.attempts, job.filename) == (DocumentJob.State.READY, 2, "second.pdf")
    assert job.file.read() == b"second"
    assert sorted(p.name for p in Path(job.file.path).parent.iterdir()) == [
        Path(job.file.name).name
    ]  # the late attempt's file was not kept


def test_a_late_worker_whose_job_nobody_took_over_still_delivers(insured):
    job = _notice(insured)
    t0 = timezone.now()
    late = documents.start(job.pk, now=t0)

    assert documents.complete(late, _rendered("late"), now=t0 + 2 * LEASE_OF_A_NOTICE) is True
    job.refresh_from_db()
    assert (job.state, job.deadline) == (DocumentJob.State.READY, None)


def test_a_render_stopped_at_its_soft_time_limit_is_left_to_the_beat(insured, monkeypatch):
    job = _notice(insured)

    def too_slow(job):
        raise SoftTimeLimitExceeded

    monkeypatch.setitem(documents.RENDERERS, NOTICE_KIND, too_slow)
    with pytest.raises(SoftTimeLimitExceeded):
        documents.run(job.pk)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (DocumentJob.State.RUNNING, 1, "")


def test_a_sweep_skips_a_job_another_sweep_holds(transactional_db, insured):
    require(connection.vendor == "postgresql", "row locks (skip locked) need PostgreSQL")
    job = DocumentJob.objects.create(
        owner=insured,
        kind=NOTICE_KIND,
        params={"person": insured.person.pk},
        params_key="held",
        deadline=timezone.now() - SECOND,
    )
    locked, release = threading.Event(), threading.Event()

    def other_sweep():
        try:
            with transaction.atomic():
                DocumentJob.objects.select_for_update().get(pk=job.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=other_sweep)
    holder.start()
    assert locked.wait(30)
    try:
        assert documents.requeue_overdue() == 0  # skipped, not waited for
    finally:
        release.set()
        holder.join()
    job.refresh_from_db()
    assert job.state == DocumentJob.State.PENDING and job.is_overdue(timezone.now())
    assert documents.requeue_overdue() == 1


# --- Three lost attempts, then failed ----------------------------------------------------------


def test_a_job_whose_three_attempts_were_lost_fails_and_offers_retry(
    member_client, insured, django_capture_on_commit_callbacks
):
    job = _notice(insured)
    now = timezone.now()
    for attempt in (1, 2, 3):
        assert documents.start(job.pk, now=now).attempts == attempt  # then its worker dies
        now += LEASE_OF_A_NOTICE
        with django_capture_on_commit_callbacks() as queued:
            assert documents.requeue_overdue(now=now) == 1
        job.refresh_from_db()
        expected = DocumentJob.State.FAILED if attempt == 3 else DocumentJob.State.PENDING
        assert job.state == expected
        assert len(queued) == (0 if attempt == 3 else 1)

    assert job.attempts == 3
    assert job.error == TIMED_OUT
    html = member_client.get(f"/documents/{job.pk}/").content.decode()
    assert FAILED in html
    assert f'action="/documents/{job.pk}/retry/"' in html and "再試行" in html
    assert member_client.get(f"/documents/{job.pk}/status/").json() == {
        "state": "failed",
        "overdue": False,
    }

    # 「再試行」 allows three more attempts; the first of them renders the notice.
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"/documents/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts, job.attempt_limit, job.error) == ("ready", 4, 6, "")


def test_a_job_that_lost_two_attempts_is_still_queued_again(insured):
    job = _notice(insured)
    now = timezone.now()
    for _ in (1, 2):
        documents.start(job.pk, now=now)
        now += LEASE_OF_A_NOTICE
        documents.requeue_overdue(now=now)

    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.PENDING, 2)


# --- What the member sees and does ------------------------------------------------------------


def test_the_status_page_and_its_poll_offer_retry_once_the_job_is_overdue(
    member_client, insured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # no worker takes it
        job = _notice(insured)
    page = f"/documents/{job.pk}/"

    html = member_client.get(page).content.decode()
    assert GENERATING in html and "再試行" not in html
    assert member_client.get(f"{page}status/").json() == {"state": "pending", "overdue": False}

    DocumentJob.objects.filter(pk=job.pk).update(deadline=timezone.now())  # its wait ran out

    html = member_client.get(page).content.decode()
    assert OVERDUE in html and GENERATING not in html
    assert f'action="/documents/{job.pk}/retry/"' in html and "再試行" in html
    assert 'data-state="overdue"' in html
    assert member_client.get(f"{page}status/").json() == {"state": "pending", "overdue": True}

    with django_capture_on_commit_callbacks(execute=True):
        assert member_client.post(f"{page}retry/").url == page
    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.READY, 1)


def test_retry_leaves_a_job_that_is_not_overdue_alone(
    member_client, insured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        job = _notice(insured)
    with django_capture_on_commit_callbacks() as queued:
        member_client.post(f"/documents/{job.pk}/retry/")

    assert not queued
    job.refresh_from_db()
    assert job.state == DocumentJob.State.PENDING


def test_another_member_cannot_retry_or_poll_an_overdue_job(
    client, insured, other_household_member, other_union_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        job = _notice(insured)
    DocumentJob.objects.filter(pk=job.pk).update(deadline=timezone.now())

    # Another household's member: not found; another union's account: refused on this portal.
    for outsider, status in ((other_household_member, 404), (other_union_member, 403)):
        client.force_login(outsider)
        with django_capture_on_commit_callbacks() as queued:
            assert client.post(f"/documents/{job.pk}/retry/").status_code == status
        client.force_login(outsider)  # the wrong union's page signed the account out
        assert client.get(f"/documents/{job.pk}/status/").status_code == status
        assert not queued
    job.refresh_from_db()
    assert job.state == DocumentJob.State.PENDING and job.is_overdue(timezone.now())


def _verify(client, person):
    d = person.birth_date
    prefix = f"p{person.pk}"
    return client.post(
        NOTICE_URL,
        {
            "person": person.pk,
            f"{prefix}-year": d.year,
            f"{prefix}-month": d.month,
            f"{prefix}-day": d.day,
        },
    )


def test_asking_again_for_an_overdue_notice_queues_it_again(
    member_client, insured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # its message is lost
        assert _verify(member_client, insured.person).status_code == 302
    job = DocumentJob.objects.get()

    with django_capture_on_commit_callbacks() as queued:  # not overdue yet: the same job, waiting
        _verify(member_client, insured.person)
    assert not queued

    DocumentJob.objects.filter(pk=job.pk).update(deadline=timezone.now())
    html = member_client.get(NOTICE_URL).content.decode()
    assert OVERDUE in html and f'action="/eligibility/notice/{job.pk}/retry/"' in html
    assert 'data-job-state="overdue"' in html

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert _verify(member_client, insured.person).status_code == 302
    assert len(queued) == 1
    job.refresh_from_db()
    assert DocumentJob.objects.count() == 1
    assert (job.state, job.attempts) == (DocumentJob.State.READY, 1)
    assert "資格情報のお知らせダウンロードの準備ができました" in (
        member_client.get(NOTICE_URL).content.decode()
    )


def test_the_beat_sweeps_overdue_documents_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["requeue-overdue-documents"]
    assert (
        entry["task"] == requeue_overdue_documents.name == "kosmo.tasks.requeue_overdue_documents"
    )
    assert entry["schedule"] == 60


# --- A real worker process, killed; a real queue message, lost ---------------------------------

BEAT = 0.5  # seconds between the tests' sweeps (the deployment's beat: 60 s)


@pytest.fixture
def worker_processes(transactional_db, settings, tmp_path):
    """Starts `celery -A kosmo worker` processes on the test database and broker, each in its
    own process group (a test kills the group: the worker and its pool, as a lost machine
    would); any still running at the end are killed."""
    require(connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL: a worker process")
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set: no broker for a worker")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "kosmo.settings",
    }
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kosmo",
                "worker",
                "--include=tests.kosmo.held_documents",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname=faults-{os.getpid()}-{len(started)}@%h",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    celery_app.control.purge()


def _wait_until(job: DocumentJob, done, tmp_path, seconds: float = 120) -> DocumentJob:
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        job.refresh_from_db()
        if done(job):
            return job
        time.sleep(0.1)
    logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in tmp_path.glob("worker-*.log"))
    pytest.fail(f"job {job.pk} stayed {job.state} (attempts {job.attempts}); workers:\n{logs}")


def _sweep_until_ready(job: DocumentJob, tmp_path) -> list[tuple[dt.datetime, int]]:
    """Plays the beat every BEAT seconds (its task's body, at a recorded time) until the
    job is ready; returns each sweep's time and how many jobs it changed."""
    sweeps = []
    limit = time.monotonic() + 120
    while time.monotonic() < limit:
        now = timezone.now()
        sweeps.append((now, documents.requeue_overdue(now=now)))
        job.refresh_from_db()
        if job.state == DocumentJob.State.READY:
            return sweeps
        time.sleep(BEAT)
    _wait_until(job, lambda j: j.state == DocumentJob.State.READY, tmp_path, seconds=0)
    return sweeps


def _pdf_text(job: DocumentJob) -> str:
    with job.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.mark.celery_worker
def test_a_worker_killed_mid_render_is_made_good_within_the_lease_and_one_beat(
    worker_processes, insured, tmp_path
):
    hold, renders = tmp_path / "hold", tmp_path / "renders.log"
    hold.touch()
    job = documents.request_document(
        owner=insured,
        kind=HELD_KIND,
        params={"person": insured.person.pk, "hold": str(hold), "log": str(renders)},
    )
    first = worker_processes()
    job = _wait_until(job, lambda j: j.state == DocumentJob.State.RUNNING, tmp_path)
    assert job.attempts == 1  # counted as the render started
    _wait_until(job, lambda j: renders.exists(), tmp_path)

    os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool, mid-render
    first.wait()
    hold.unlink()
    lease_end = job.deadline
    assert lease_end - LEASE <= timezone.now() < lease_end
    worker_processes()  # a replacement worker; the killed one's message is not redelivered

    sweeps = _sweep_until_ready(job, tmp_path)

    assert all(changed == 0 for at, changed in sweeps if at < lease_end)
    _, changed = next((at, changed) for at, changed in sweeps if at >= lease_end)
    assert changed == 1  # the first sweep after the lease re-queued it
    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.READY, 2)
    assert renders.read_text().split() == ["1", "2"]  # attempts == renders started
    assert "山田太郎" in _pdf_text(job)


@pytest.mark.celery_worker
def test_a_job_whose_queue_message_was_deleted_is_queued_again_and_finishes(
    worker_processes, insured, tmp_path
):
    renders = tmp_path / "renders.log"
    job = documents.request_document(
        owner=insured,
        kind=HELD_KIND,
        params={
            "person": insured.person.pk,
            "hold": str(tmp_path / "no-hold"),
            "log": str(renders),
        },
    )
    wait_end = job.deadline
    assert wait_end - QUEUE_WAIT <= timezone.now() < wait_end
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    queue = celery_app.conf.task_default_queue
    assert broker.llen(queue) == 1  # the message waits for a worker …
    broker.delete(queue)  # … and Redis loses it (restarted without persistence)
    worker_processes()

    sweeps = _sweep_until_ready(job, tmp_path)

    assert all(changed == 0 for at, changed in sweeps if at < wait_end)
    _, changed = next((at, changed) for at, changed in sweeps if at >= wait_end)
    assert changed == 1  # the first sweep after the wait re-queued it
    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.READY, 1)
    assert renders.read_text().split() == ["1"]
    assert "山田太郎" in _pdf_text(job)
