import mimetypes
from pathlib import PurePath, PurePosixPath

from django.core.files.storage import storages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from kosmo import documents, downloads, readiness
from kosmo.access import member_required
from kosmo.models import DocumentJob
from kosmo.storage import open_stored


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (handler400, and a host that no union serves): the standalone 400.html, rendered
    without the request, since the request may be refused before it has a user or a union."""
    return HttpResponseBadRequest(render_to_string("400.html"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The top page: the welcome for visitors, the service icons for a signed-in member."""
    return render(request, "kosmo/home.html")


@require_GET
@cache_control(public=True, max_age=300)
def branding_css(request: HttpRequest) -> HttpResponse:
    """The union's colours as CSS custom properties: a stylesheet, so the CSP allows no inline
    style."""
    color = request.union.brand_color if request.union else "#0b5cab"
    return HttpResponse(f":root{{--brand:{color};}}\n", content_type="text/css; charset=utf-8")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and compose healthchecks; also the benchmarks' trivial view."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: PostgreSQL, Redis (the cache) and the worker queue, each reported apart;
    200 when all answer, else 503. `?workers=1` also pings the Celery workers (about a
    second; not required for 200)."""
    result = readiness.report(workers=request.GET.get("workers") == "1")
    return JsonResponse(result, status=200 if result["ready"] else 503)


def _own_job(request: HttpRequest, pk: int) -> DocumentJob:
    """A document job of the signed-in account; anyone else's is a 404."""
    return get_object_or_404(DocumentJob, pk=pk, owner_id=request.user.pk)


@member_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    """「PDFが生成中です…」 until the file is ready; reload (or the script) refreshes it."""
    job = _own_job(request, pk)
    return render(request, "kosmo/document_status.html", {"job": job})


@member_required
@require_GET
def document_status_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's state for polling; `overdue` once it is past its deadline (「再試行」)."""
    job = _own_job(request, pk)
    response = JsonResponse({"state": job.state, "overdue": job.overdue})
    response["Cache-Control"] = "no-store"
    return response


@member_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.state != DocumentJob.State.READY or not job.file:
        raise Http404("not ready")
    stored = open_stored(job.file.storage, job.file.name)  # 404 if gone, 503 if unreachable
    response = FileResponse(stored, as_attachment=True, filename=job.filename)
    # The stored file keeps the ASCII name (a suffix if taken): the name for old clients.
    fallback = PurePath(job.file.name).name
    response["Content-Disposition"] = downloads.attachment(job.filename, fallback=fallback)
    response["Cache-Control"] = "no-store"
    return response


@member_required
@require_POST
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """「再試行」 of a failed or overdue job; anything else is left and its page shown."""
    job = documents.retry(_own_job(request, pk))
    return redirect("document_status", job.pk)


# Public media a browser may show in the page (the pictures Pillow checked: logos, club
# images, profile images); anything else is downloaded, never rendered as a page of the portal.
SHOWN_MEDIA_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Public media names are never reused while the file exists (file_overwrite is off, profile
# images get a random name each time); a day lets a deleted picture leave caches soon enough.
MEDIA_MAX_AGE = 24 * 60 * 60


@require_safe
def media(request: HttpRequest, path: str) -> FileResponse:
    """Public media (MEDIA_URL) from STORAGES["default"], on one host's disk or in the
    bucket: the bucket is never public, the portal streams the file."""
    name = PurePosixPath(path)
    if not path or name.is_absolute() or ".." in name.parts or "\\" in path:
        raise Http404("not a media name")
    stored = open_stored(storages["default"], str(name))
    content_type = mimetypes.guess_type(name.name)[0]
    shown = content_type in SHOWN_MEDIA_TYPES
    response = FileResponse(
        stored,
        content_type=content_type if shown else "application/octet-stream",
        as_attachment=not shown,
        filename=name.name,
    )
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
