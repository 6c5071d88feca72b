"""Documents rendered in the background (PDFs): one job row per request, one renderer per
kind. Apps register renderers; pages read the job row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from kosmo.models import DocumentJob

RETENTION = dt.timedelta(days=7)  # a ready file is downloadable for a week, then removed


@dataclass(frozen=True)
class Rendered:
    filename: str  # the name the member downloads, in Japanese (医療費明細_2025年度.pdf)
    content: bytes
    fallback: str  # an ASCII name: the stored file's, and the download's for old clients


Renderer = Callable[[DocumentJob], Rendered]
RENDERERS: dict[str, Renderer] = {}


def register(kind: str) -> Callable[[Renderer], Renderer]:
    """Decorator: `@documents.register("medical_statement")` on a function job → Rendered."""

    def decorator(renderer: Renderer) -> Renderer:
        RENDERERS[kind] = renderer
        return renderer

    return decorator


def _params_key(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def request_document(*, owner, kind: str, params: dict) -> DocumentJob:
    """The job for this document: a pending or running one is reused (no duplicate work), a
    ready unexpired one is reused, otherwise a new job is queued once this transaction commits."""
    if kind not in RENDERERS:
        raise LookupError(f"no renderer for {kind!r}")
    key = _params_key(params)
    existing = (
        DocumentJob.objects.filter(owner=owner, kind=kind, params_key=key)
        .exclude(state=DocumentJob.State.FAILED)
        .exclude(state=DocumentJob.State.READY, expires_at__lte=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = DocumentJob.objects.create(owner=owner, kind=kind, params=params, params_key=key)
    except IntegrityError:  # a concurrent request created it first
        return DocumentJob.objects.get(
            owner=owner,
            kind=kind,
            params_key=key,
            state__in=[DocumentJob.State.PENDING, DocumentJob.State.RUNNING],
        )
    _enqueue(job)
    return job


def retry(job: DocumentJob) -> DocumentJob:
    """A failed job runs again (as a new attempt of the same row)."""
    updated = DocumentJob.objects.filter(pk=job.pk, state=DocumentJob.State.FAILED).update(
        state=DocumentJob.State.PENDING, error=""
    )
    job.refresh_from_db()
    if updated:
        _enqueue(job)
    return job


def _enqueue(job: DocumentJob) -> None:
    from kosmo.tasks import render_document

    transaction.on_commit(lambda: render_document.delay(job.pk))


def run(job_id: int) -> str:
    """Render one job; idempotent: a job that is ready or taken by another worker is left."""
    claimed = DocumentJob.objects.filter(
        pk=job_id, state__in=[DocumentJob.State.PENDING, DocumentJob.State.RUNNING]
    ).update(state=DocumentJob.State.RUNNING)
    if not claimed:
        return "nothing to do"
    job = DocumentJob.objects.select_related("owner").get(pk=job_id)
    job.attempts += 1
    try:
        rendered = RENDERERS[job.kind](job)
    except Exception as error:
        job.state = DocumentJob.State.FAILED
        job.error = repr(error)[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "attempts", "finished_at"])
        raise
    job.file.save(rendered.fallback, ContentFile(rendered.content), save=False)
    job.filename = rendered.filename
    job.state = DocumentJob.State.READY
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + RETENTION
    job.save()
    return "ready"


def purge_expired(now: dt.datetime | None = None) -> int:
    """Remove files past their retention (a beat task); returns how many."""
    now = now or timezone.now()
    count = 0
    for job in DocumentJob.objects.filter(state=DocumentJob.State.READY, expires_at__lte=now):
        job.file.delete(save=False)
        job.delete()
        count += 1
    return count
