"""Documents rendered in the background (PDFs): one job row per request, one renderer per
kind. Apps register renderers; pages read the job row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kosmo.models import DOCUMENT_MAX_ATTEMPTS, DocumentJob
from kosmo.queueing import queue_on_commit
from kosmo.storage import StoreUnavailable, store_errors

logger = logging.getLogger(__name__)

RETENTION = dt.timedelta(days=7)  # a ready file is downloadable for a week, then removed
# How long one render may take (its lease) and how long a queued job may wait for a worker,
# unless the kind says otherwise. The manual tells members a PDF takes about two minutes.
# Past either the job is overdue: the beat (every minute) re-queues it, the member sees
# 「再試行」. A render is also stopped at its lease (the task's time limit), so an overdue job
# never has a live render that could still finish.
DEFAULT_LEASE = dt.timedelta(minutes=2)
DEFAULT_QUEUE_WAIT = dt.timedelta(minutes=2)
MAX_ATTEMPTS = DOCUMENT_MAX_ATTEMPTS
# Stored on a job that lost its last allowed attempt (for staff; the member sees 「再試行」).
TIMED_OUT = "{attempts}回作成を試みましたが、時間内に終わりませんでした。"
# A render whose file the store could not take waits this long, queued, before the beat's
# sweep queues it again (kosmo.storage: the store unreachable).
STORE_RETRY_WAIT = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Rendered:
    filename: str  # the name the member downloads, in Japanese (医療費明細_2025年度.pdf)
    content: bytes
    fallback: str  # an ASCII name: the stored file's, and the download's for old clients


@dataclass(frozen=True)
class Timing:
    lease: dt.timedelta  # a render's time, then its worker is stopped and the job re-queued
    queue_wait: dt.timedelta  # a queued job's time to be taken, then it is queued again


Renderer = Callable[[DocumentJob], Rendered]
RENDERERS: dict[str, Renderer] = {}
TIMINGS: dict[str, Timing] = {}
# The service (feature key) whose page asks for each kind: a former member shown only some
# services opens only their documents (accounts.former_members).
FEATURES: dict[str, str] = {}


def register(
    kind: str,
    *,
    feature: str,
    lease: dt.timedelta = DEFAULT_LEASE,
    queue_wait: dt.timedelta = DEFAULT_QUEUE_WAIT,
) -> Callable[[Renderer], Renderer]:
    """Decorator: `@documents.register("medical_statement", feature="medical")` on a function
    job → Rendered."""

    def decorator(renderer: Renderer) -> Renderer:
        RENDERERS[kind] = renderer
        TIMINGS[kind] = Timing(lease=lease, queue_wait=queue_wait)
        FEATURES[kind] = feature
        return renderer

    return decorator


def feature_of(kind: str) -> str | None:
    """The service a kind of document belongs to (None for a kind no app registered)."""
    return FEATURES.get(kind)


def timing(kind: str) -> Timing:
    return TIMINGS.get(kind, Timing(lease=DEFAULT_LEASE, queue_wait=DEFAULT_QUEUE_WAIT))


def _params_key(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def _overdue(now: dt.datetime) -> Q:
    return Q(state__in=[DocumentJob.State.PENDING, DocumentJob.State.RUNNING], deadline__lte=now)


def request_document(*, owner, kind: str, params: dict) -> DocumentJob:
    """The job for this document: a pending or running one is reused (no duplicate work), a
    ready unexpired one is reused, an overdue one is queued again, otherwise a new job is
    queued once this transaction commits."""
    if kind not in RENDERERS:
        raise LookupError(f"no renderer for {kind!r}")
    key = _params_key(params)
    now = timezone.now()
    existing = (
        DocumentJob.objects.filter(owner=owner, kind=kind, params_key=key)
        .exclude(state=DocumentJob.State.FAILED)
        .exclude(state=DocumentJob.State.READY, expires_at__lte=now)
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return retry(existing) if existing.is_overdue(now) else existing
    try:
        with transaction.atomic():
            job = DocumentJob.objects.create(
                owner=owner,
                kind=kind,
                params=params,
                params_key=key,
                deadline=now + timing(kind).queue_wait,
            )
    except IntegrityError:  # a concurrent request created it first
        return DocumentJob.objects.get(
            owner=owner,
            kind=kind,
            params_key=key,
            state__in=[DocumentJob.State.PENDING, DocumentJob.State.RUNNING],
        )
    _enqueue(job)
    return job


def retry(job: DocumentJob, *, now: dt.datetime | None = None) -> DocumentJob:
    """「再試行」: a failed or overdue job is queued again (the same row), with
    MAX_ATTEMPTS renders allowed from here. Anything else is left as it is; of two
    simultaneous retries only one queues the job."""
    now = now or timezone.now()
    updated = (
        DocumentJob.objects.filter(pk=job.pk)
        .filter(Q(state=DocumentJob.State.FAILED) | _overdue(now))
        .update(
            state=DocumentJob.State.PENDING,
            error="",
            deadline=now + timing(job.kind).queue_wait,
            attempt_limit=F("attempts") + MAX_ATTEMPTS,
        )
    )
    job.refresh_from_db()
    if updated:
        _enqueue(job)
    return job


def _enqueue(job: DocumentJob) -> None:
    from kosmo.tasks import render_document

    seconds = max(1, int(timing(job.kind).lease.total_seconds()))
    # The hard limit ends a render at its lease; the soft one a few seconds before lets the
    # render stop cleanly (run() leaves the job to the beat then). A broker that cannot take
    # the message leaves the job queued for the beat's sweep (kosmo.queueing).
    queue_on_commit(
        render_document.signature(
            (job.pk,), time_limit=seconds, soft_time_limit=max(1, seconds - 5)
        )
    )


def requeue_overdue(now: dt.datetime | None = None) -> int:
    """The beat's sweep: every overdue job (a queued one no worker took — its message was
    lost — or a running one past its lease — its worker died) is queued again, or failed
    once its last allowed attempt ran out. Returns how many jobs it changed.

    Idempotent: rows are locked and skipped if locked, so two sweeps, a member's 「再試行」 or
    a worker starting the job never act on the same row at once, and a re-queued job is no
    longer overdue (a new deadline) for the next sweep.
    """
    now = now or timezone.now()
    with transaction.atomic():
        jobs = list(
            DocumentJob.objects.select_for_update(skip_locked=True)
            .filter(_overdue(now))
            .order_by("deadline")
        )
        for job in jobs:
            if job.state == DocumentJob.State.RUNNING and job.attempts >= job.attempt_limit:
                job.state = DocumentJob.State.FAILED
                job.error = TIMED_OUT.format(attempts=job.attempts)
                job.finished_at = now
                job.deadline = None
                job.save(update_fields=["state", "error", "finished_at", "deadline"])
                logger.warning("document job %s failed: %s attempts ran out", job.pk, job.attempts)
                continue
            job.state = DocumentJob.State.PENDING
            job.deadline = now + timing(job.kind).queue_wait
            job.save(update_fields=["state", "deadline"])
            logger.warning("document job %s overdue: queued again", job.pk)
            _enqueue(job)
    return len(jobs)


def start(job_id: int, *, now: dt.datetime | None = None) -> DocumentJob | None:
    """A worker takes a job for one render: a queued job, or a running one whose lease ran
    out (its worker is gone) while attempts remain. The attempt is counted here, before the
    render, and the lease set; returns None when there is nothing to do (ready, failed, or
    rendering elsewhere under a live lease)."""
    now = now or timezone.now()
    job = DocumentJob.objects.filter(pk=job_id).only("kind").first()
    if job is None:
        return None
    claimed = (
        DocumentJob.objects.filter(pk=job_id)
        .filter(
            Q(state=DocumentJob.State.PENDING)
            | Q(
                state=DocumentJob.State.RUNNING,
                deadline__lte=now,
                attempts__lt=F("attempt_limit"),
            )
        )
        .update(
            state=DocumentJob.State.RUNNING,
            attempts=F("attempts") + 1,
            deadline=now + timing(job.kind).lease,
        )
    )
    if not claimed:
        return None
    return DocumentJob.objects.select_related("owner").get(pk=job_id)


def _this_attempt(job: DocumentJob) -> QuerySet[DocumentJob]:
    # The row as this attempt left it: no later attempt started, not ready or failed since.
    return DocumentJob.objects.filter(
        pk=job.pk,
        attempts=job.attempts,
        state__in=[DocumentJob.State.PENDING, DocumentJob.State.RUNNING],
    )


def complete(job: DocumentJob, rendered: Rendered, *, now: dt.datetime | None = None) -> bool:
    """Store an attempt's file and make the job ready — unless a later attempt has started
    (this one's lease was taken over) or the job ended meanwhile: then the file is dropped
    and False returned, so a late worker never overwrites a newer attempt's result."""
    now = now or timezone.now()
    with store_errors():
        job.file.save(rendered.fallback, ContentFile(rendered.content), save=False)
    saved = _this_attempt(job).update(
        state=DocumentJob.State.READY,
        file=job.file.name,
        filename=rendered.filename,
        finished_at=now,
        expires_at=now + RETENTION,
        deadline=None,
    )
    if not saved:
        with store_errors():
            job.file.delete(save=False)
        return False
    return True


def wait_for_store(job: DocumentJob, *, now: dt.datetime | None = None) -> bool:
    """An attempt whose file the store could not take: the job is queued again with a
    deadline STORE_RETRY_WAIT away, so the beat's sweep renders it once more then (or the
    member's 「再試行」 sooner). The attempt is not counted: the attempts limit is for
    renders that ran out of time, and a store that is down for an hour must not fail the
    job. Unless a later attempt has started or the job ended meanwhile."""
    now = now or timezone.now()
    return bool(
        _this_attempt(job).update(
            state=DocumentJob.State.PENDING,
            attempts=F("attempts") - 1,
            deadline=now + STORE_RETRY_WAIT,
        )
    )


def fail(job: DocumentJob, error: Exception, *, now: dt.datetime | None = None) -> bool:
    """Record an attempt's error (the member sees 「再試行」), unless a later attempt has
    started or the job ended meanwhile."""
    return bool(
        _this_attempt(job).update(
            state=DocumentJob.State.FAILED,
            error=repr(error)[:2000],
            finished_at=now or timezone.now(),
            deadline=None,
        )
    )


def run(job_id: int) -> str:
    """Render one job; idempotent: a job that is ready, failed or rendering under a live
    lease is left alone."""
    job = start(job_id)
    if job is None:
        return "nothing to do"
    try:
        rendered = RENDERERS[job.kind](job)
    except SoftTimeLimitExceeded:
        raise  # the lease ends: the beat queues the job again (or fails its last attempt)
    except Exception as error:
        fail(job, error)
        raise
    try:
        return "ready" if complete(job, rendered) else "superseded"
    except StoreUnavailable:
        wait_for_store(job)
        logger.warning("document job %s: the file store is unavailable, queued again", job.pk)
        return "waiting for the store"


def purge_expired(now: dt.datetime | None = None) -> int:
    """Remove files past their retention (a beat task); returns how many."""
    now = now or timezone.now()
    count = 0
    for job in DocumentJob.objects.filter(state=DocumentJob.State.READY, expires_at__lte=now):
        try:
            with store_errors():
                job.file.delete(save=False)
        except StoreUnavailable:
            break  # the store is down: this job and the rest are removed at the next run
        job.delete()
        count += 1
    return count
