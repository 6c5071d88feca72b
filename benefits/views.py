"""給付金支給決定通知 (manual §4-2): latest month, a year, past 年度, filter and the PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from benefits import documents, queries
from benefits.forms import PaymentFilterForm
from kosmo import documents as kosmo_documents
from kosmo.access import feature_required, member_required, month_or_404
from kosmo.scoping import visible_persons


def _filter_form(request: HttpRequest, data) -> PaymentFilterForm:
    """「支給年月、対象者、給付種別で絞り込む」 over the calendar year of the newest payment."""
    latest = queries.latest_month(request.user)
    return PaymentFilterForm(
        data,
        persons=visible_persons(request.user),
        benefit_types=queries.benefit_types(request.union),
        year=(latest or timezone.localdate()).year,
    )


def _annual_page(request: HttpRequest, form: PaymentFilterForm) -> HttpResponse:
    start, end = form.period()
    chosen = form.chosen() if form.is_bound and form.is_valid() else {}
    statement = queries.period_statement(request.user, start, end, **chosen)
    return render(
        request,
        "benefits/annual.html",
        {"form": form, "statement": statement, "start": start, "end": end, **chosen},
    )


@require_GET
@member_required
@feature_required("benefits")
def index(request: HttpRequest) -> HttpResponse:
    """給付金支給決定通知: the hub with 「最新の給付金支給総額」."""
    month, statement = queries.latest_statement(request.user)
    return render(request, "benefits/index.html", {"month": month, "statement": statement})


@require_GET
@member_required
@feature_required("benefits")
def latest(request: HttpRequest) -> HttpResponse:
    """(1)-2 最新の給付金支給明細: the newest 支給年月's payments."""
    month, statement = queries.latest_statement(request.user)
    return render(request, "benefits/month.html", {"month": month, "statement": statement})


@require_GET
@member_required
@feature_required("benefits")
def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """One 支給年月's payments (「>」 from the past view)."""
    paid_month = month_or_404(year, month)
    statement = queries.month_statement(request.user, paid_month)
    return render(request, "benefits/month.html", {"month": paid_month, "statement": statement})


@require_GET
@member_required
@feature_required("benefits")
def annual(request: HttpRequest) -> HttpResponse:
    """(2)-1 年間 and (2)-3 「支給年月、対象者、給付種別で絞り込む」.

    By default the calendar year of the newest payment, everyone, every 給付種別.
    """
    return _annual_page(request, _filter_form(request, request.GET or None))


@require_GET
@member_required
@feature_required("benefits")
def past(request: HttpRequest) -> HttpResponse:
    """(2)-2 過去: per 年度 with 「+」 (months) and 「>」 (a month's payments)."""
    years = queries.by_fiscal_year(queries.payments(request.user))
    return render(request, "benefits/past.html", {"years": years})


@require_POST
@member_required
@feature_required("benefits")
def notice_pdf(request: HttpRequest) -> HttpResponse:
    """「給付金支給決定通知書(PDF)」 for the shown payments: queued, then its status page.

    The choices are checked against what the member may see: another household's 対象者 or
    another union's 給付種別 is a 404, like a URL outside their scope. A period that is not one
    answers with the 年間 page and its message, as the filter does.
    """
    form = _filter_form(request, request.POST)
    if form.has_error("person") or form.has_error("benefit_type"):
        raise Http404("choice outside the member's scope")
    if not form.is_valid():
        return _annual_page(request, form)
    start, end = form.period()
    job = kosmo_documents.request_document(
        owner=request.user,
        kind=documents.KIND,
        params=documents.params_for(start, end, **form.chosen()),
    )
    return redirect("document_status", job.pk)
