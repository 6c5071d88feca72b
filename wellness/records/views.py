"""日々の記録 (manual §4-7): the TOP page, the record modal, 「まとめて記録」, 「記録項目表示設定」,
each item's detail with its week / month / year chart, and the step import."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kosmo.access import feature_required, member_required
from kosmo.storage import STORE_DOWN_UPLOAD, StoreUnavailable
from wellness.records import forms, imports, queries, services
from wellness.records.items import Item, Items
from wellness.records.models import StepImport

FEATURE = "daily_records"


def _day(request: HttpRequest, name: str = "date") -> dt.date:
    """The ``?date=`` of the page (today by default or when unreadable)."""
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return services.today()


def _item(items: Items, key: str, *, recordable: bool = False) -> Item:
    item = items.get(key)
    if item is None or (recordable and not item.recordable):
        raise Http404("no such item")
    return item


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@member_required
@feature_required(FEATURE)
def index(request: HttpRequest) -> HttpResponse:
    """日々の記録TOP: each shown item's latest value; a fixed number of queries."""
    items = Items.for_union(request.union)
    rows = queries.top_rows(request.member, items, queries.hidden_items(request.member))
    today = services.today()
    return render(
        request,
        "wellness/records/index.html",
        {
            "rows": rows,
            "today": today,
            "today_steps": next(
                (r for r in rows if r.item.key == "steps" and r.date == today), None
            ),
        },
    )


@member_required
@feature_required(FEATURE)
def record(request: HttpRequest, key: str) -> HttpResponse:
    """The record modal of one item: 「<」「>」 and the calendar choose the date (today by
    default), 「保存する」 saves; a future date is refused."""
    item = _item(Items.for_union(request.union), key, recordable=True)
    default_next = reverse("wellness:records")
    if request.method == "POST":
        form = forms.RecordForm(request.POST, item=item)
        if form.is_valid():
            services.record_value(
                person=request.member,
                item=item,
                day=form.cleaned_data["date"],
                value=form.cleaned_data["value"],
            )
            messages.success(
                request,
                _("%(date)sの%(name)sを記録しました。")
                % {"date": f"{form.cleaned_data['date']:%Y/%m/%d}", "name": item.name},
            )
            return redirect(_next_url(request, default_next))
        day = form.cleaned_data.get("date") or _day(request)
    else:
        day = _day(request)
        form = None
    today = services.today()
    existing = queries.records_for_member(request.member).filter(item_key=key, date=day).first()
    if form is None:
        form = forms.RecordForm(
            initial={"date": day, "value": item.quantize(existing.value) if existing else None},
            item=item,
        )
    return render(
        request,
        "wellness/records/record.html",
        {
            "item": item,
            "form": form,
            "day": day,
            "future": day > today,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
            "existing": existing,
            "next": _next_url(request, default_next),
        },
    )


@require_POST
@member_required
@feature_required(FEATURE)
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """「削除」 in the modal: only the member's own record (another's id is a 404)."""
    found = get_object_or_404(queries.records_for_member(request.member), pk=pk)
    services.remove_record(record=found)
    messages.success(request, _("記録を削除しました。"))
    return redirect(_next_url(request, reverse("wellness:records")))


@member_required
@feature_required(FEATURE)
def bulk(request: HttpRequest) -> HttpResponse:
    """まとめて記録: one date, any items; 「保存する」."""
    items = Items.for_union(request.union)
    if request.method == "POST":
        form = forms.BulkForm(request.POST, items=items)
        if form.is_valid():
            day = form.cleaned_data["date"]
            for item, value in form.values():
                services.record_value(person=request.member, item=item, day=day, value=value)
            messages.success(
                request, _("%(date)sの記録を保存しました。") % {"date": f"{day:%Y/%m/%d}"}
            )
            return redirect("wellness:records")
        day = form.cleaned_data.get("date") or _day(request)
    else:
        day = _day(request)
        values = queries.values_on(request.member, day)
        existing = {
            item.key: item.quantize(values[item.key])
            for item in items.recordable
            if item.key in values
        }
        form = forms.BulkForm(initial={"date": day, **existing}, items=items)
    today = services.today()
    return render(
        request,
        "wellness/records/bulk.html",
        {
            "form": form,
            "day": day,
            "future": day > today,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
        },
    )


@member_required
@feature_required(FEATURE)
def display_settings(request: HttpRequest) -> HttpResponse:
    """記録項目表示設定: which items the TOP page shows."""
    items = Items.for_union(request.union)
    hidden = queries.hidden_items(request.member)
    form = forms.DisplaySettingsForm(
        request.POST or None,
        items=items,
        initial={"shown": [item.key for item in items.enabled if item.key not in hidden]},
    )
    if request.method == "POST" and form.is_valid():
        services.set_hidden_items(person=request.member, hidden=form.hidden())
        messages.success(request, _("記録項目表示設定を保存しました。"))
        return redirect("wellness:records")
    return render(request, "wellness/records/settings.html", {"form": form})


@member_required
@feature_required(FEATURE)
def item_detail(request: HttpRequest, key: str) -> HttpResponse:
    """An item's detail: its chart by 週 / 月 / 年, totals and averages, and a table of the
    same values (the chart's text alternative)."""
    item = _item(Items.for_union(request.union), key)
    period = request.GET.get("period", "week")
    if period not in queries.PERIODS:
        period = "week"
    anchor = min(_day(request), services.today())
    chart = queries.chart(request.member, item, period, anchor)
    later = queries.shift(period, anchor, 1)
    return render(
        request,
        "wellness/records/item.html",
        {
            "item": item,
            "chart": chart,
            "period": period,
            "periods": queries.PERIODS,
            "anchor": anchor,
            "previous_anchor": queries.shift(period, anchor, -1),
            "next_anchor": later
            if queries.period_bounds(period, later)[0] <= services.today()
            else None,
        },
    )


@member_required
@feature_required(FEATURE)
def import_file(request: HttpRequest) -> HttpResponse:
    """歩数データの取り込み: upload, check the format, queue; then the progress page."""
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.start(person=request.member, upload=form.cleaned_data["file"])
        except imports.ImportRefused as refused:
            form.add_error("file", _(refused.message))
        except StoreUnavailable:
            form.add_error("file", STORE_DOWN_UPLOAD)
        else:
            return redirect("wellness:records_import_status", job.pk)
    jobs = StepImport.objects.filter(person=request.member)[:5]
    return render(request, "wellness/records/import.html", {"form": form, "jobs": jobs})


@member_required
@feature_required(FEATURE)
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress (the page refreshes itself until the job is finished)."""
    job = get_object_or_404(StepImport.objects.filter(person=request.member), pk=pk)
    return render(request, "wellness/records/import_status.html", {"job": job})
