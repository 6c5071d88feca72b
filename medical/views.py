"""医療費情報 (manual §4-1) and 処方医薬品照会 (§4-3)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kosmo import documents as kosmo_documents
from kosmo.access import feature_required, member_required, month_or_404
from kosmo.scoping import visible_persons
from medical import documents, queries
from medical.forms import ClaimFilterForm, PrescriptionMonthsForm


def _filter_form(request: HttpRequest, data, latest: dt.date | None) -> ClaimFilterForm:
    """「診療年月・受診者で絞り込む」 over the calendar year of `latest` (the newest data)."""
    return ClaimFilterForm(
        data,
        persons=visible_persons(request.user),
        year=(latest or timezone.localdate()).year,
    )


def _person_id(form: ClaimFilterForm) -> int | None:
    """The chosen 受診者's id (None: everyone the member may see, or an invalid form)."""
    if not (form.is_bound and form.is_valid()):
        return None
    person = form.cleaned_data["person"]
    return person.pk if person else None


def _annual_page(request: HttpRequest, form: ClaimFilterForm) -> HttpResponse:
    start, end = form.period()
    person_id = _person_id(form)
    statement = queries.period_statement(request.user, start, end, person_id=person_id)
    return render(
        request,
        "medical/annual.html",
        {"form": form, "statement": statement, "start": start, "end": end, "person_id": person_id},
    )


@member_required
@feature_required("medical")
def index(request: HttpRequest) -> HttpResponse:
    """MED-1 医療費情報: the hub."""
    return render(request, "medical/index.html", {"latest": queries.latest_month(request.user)})


@member_required
@feature_required("medical")
def latest(request: HttpRequest) -> HttpResponse:
    """MED-2 最新の自己負担額: the newest month's statement."""
    statement = queries.latest_statement(request.user)
    month = statement.rows[0].service_month if statement.rows else None
    return render(request, "medical/month.html", {"month": month, "statement": statement})


@member_required
@feature_required("medical")
def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """One month's statement (「>」 from the past view)."""
    service_month = month_or_404(year, month)
    statement = queries.month_statement(request.user, service_month)
    return render(request, "medical/month.html", {"month": service_month, "statement": statement})


@member_required
@feature_required("medical")
def annual(request: HttpRequest) -> HttpResponse:
    """MED-3 年間: a calendar year, filterable by 診療年月 and 受診者."""
    form = _filter_form(request, request.GET or None, queries.latest_month(request.user))
    return _annual_page(request, form)


@member_required
@feature_required("medical")
def past(request: HttpRequest) -> HttpResponse:
    """MED-3 過去: per 年度 with 「+」 (months) and 「>」 (a month's statement)."""
    years = queries.by_fiscal_year(queries.claims(request.user))
    form = ClaimFilterForm(persons=visible_persons(request.user))
    return render(request, "medical/past.html", {"years": years, "form": form})


@require_POST
@member_required
@feature_required("medical")
def statement_pdf(request: HttpRequest) -> HttpResponse:
    """MED-4 「医療費明細 (PDF)」 for the shown period: queued, then its status page.

    A 受診者 outside the member's scope is a 404; a period that is not one answers with the
    年間 page and its message, as the filter does.
    """
    form = _filter_form(request, request.POST, queries.latest_month(request.user))
    if form.has_error("person"):
        raise Http404("person outside the member's scope")
    if not form.is_valid():
        return _annual_page(request, form)
    start, end = form.period()
    job = kosmo_documents.request_document(
        owner=request.user,
        kind=documents.KIND,
        params=documents.params_for(start, end, _person_id(form)),
    )
    return redirect("document_status", job.pk)


@member_required
@feature_required("prescriptions")
def prescriptions(request: HttpRequest, year: int | None = None, month: int | None = None):
    """MED-5 処方医薬品照会: a month's prescriptions with their generic alternatives."""
    if year is None:
        service_month = queries.latest_prescription_month(request.user)
    else:
        service_month = month_or_404(year, month)
    lines = queries.prescriptions(request.user)
    statement = (
        queries.prescription_statement(lines.filter(service_month=service_month))
        if service_month
        else None
    )
    return render(
        request,
        "medical/prescriptions.html",
        {"month": service_month, "statement": statement},
    )


@member_required
@feature_required("prescriptions")
def prescriptions_annual(request: HttpRequest) -> HttpResponse:
    """年間の処方医薬品明細, filterable by 診療年月 and 受診者 (manual §4-3 (2-1), (2-3))."""
    form = _filter_form(
        request, request.GET or None, queries.latest_prescription_month(request.user)
    )
    start, end = form.period()
    lines = queries.prescriptions(request.user, person_id=_person_id(form)).filter(
        service_month__gte=start, service_month__lte=end
    )
    return render(
        request,
        "medical/prescriptions_annual.html",
        {
            "form": form,
            "statement": queries.prescription_statement(lines),
            "start": start,
            "end": end,
        },
    )


@member_required
@feature_required("prescriptions")
def prescriptions_past(request: HttpRequest) -> HttpResponse:
    """Past prescriptions per 年度 (「+」 months, 「>」 a month)."""
    years = queries.prescriptions_by_fiscal_year(queries.prescriptions(request.user))
    return render(
        request,
        "medical/prescriptions_past.html",
        {"years": years, "form": PrescriptionMonthsForm()},
    )
