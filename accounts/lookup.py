"""The read-only member lookup (issue 14): when a member calls the union, staff read that
person's 医療費, 処方, 給付金 and 健診 as the member sees them, one 年度 at a time, in admin.

Each app registers its section (medical, benefits, checkup: their admin.py); the lookup
pages hang below 加入者 (``/admin/kosmo/person/<id>/lookup/<key>/``). Every page shown is a
staff look at personal data: recorded with `record_staff_look`, so the member reads it in
their security log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from accounts.services import record_staff_look
from kosmo.dates import fiscal_year, fiscal_year_bounds
from kosmo.models import Person


@dataclass(frozen=True)
class Lookup:
    key: str  # also the subject of the staff look (accounts.services.STAFF_LOOK_SUBJECTS)
    label: str  # the tab: 「医療費」
    permission: str  # what the staff member needs beside view_person: "medical.view_claim"
    template: str  # the section, included in admin/kosmo/person/lookup.html
    years: Callable[[Person], list[int]]  # 年度 with data, newest first
    context: Callable[[Person, int | None], dict]  # the section's context for one 年度


LOOKUPS: dict[str, Lookup] = {}


def register(lookup: Lookup) -> None:
    LOOKUPS[lookup.key] = lookup


def by_fiscal_year(
    *,
    key: str,
    label: str,
    template: str,
    model,
    month_field: str,
    statement: Callable,
) -> Lookup:
    """A section of `model`'s rows of the person, one 年度 of `month_field` at a time, shown
    as `statement(rows)` (the member's own statement function) under ``statement``."""

    def rows(person: Person):
        return model.objects.filter(person=person)

    return Lookup(
        key=key,
        label=label,
        permission=f"{model._meta.app_label}.view_{model._meta.model_name}",
        template=template,
        years=lambda person: fiscal_years_of(rows(person), month_field),
        context=lambda person, year: {
            "statement": statement(in_fiscal_year(rows(person), month_field, year))
        },
    )


def fiscal_years_of(queryset, field: str) -> list[int]:
    """The 年度 the rows' month `field` falls in, newest first: one query."""
    months = queryset.order_by().values_list(field, flat=True).distinct()
    return sorted({fiscal_year(month) for month in months}, reverse=True)


def in_fiscal_year(queryset, field: str, year: int | None):
    """The rows whose month `field` falls in the 年度 (none when there is no year)."""
    if year is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__range": fiscal_year_bounds(year)})


def allowed_lookups(user) -> list[Lookup]:
    return [lookup for lookup in LOOKUPS.values() if user.has_perm(lookup.permission)]


def urls(model_admin) -> list:
    """The lookup pages below the person admin (kosmo.admin.PERSON_URLS)."""
    site = model_admin.admin_site

    def first(request: HttpRequest, object_id: str) -> HttpResponse:
        person = _person(request, model_admin, object_id)
        lookups = allowed_lookups(request.user)
        if not lookups:
            raise PermissionDenied
        return redirect("admin:kosmo_person_lookup_section", person.pk, lookups[0].key)

    def section(request: HttpRequest, object_id: str, key: str) -> HttpResponse:
        return lookup_page(request, model_admin, object_id, key)

    return [
        path("<path:object_id>/lookup/", site.admin_view(first), name="kosmo_person_lookup"),
        path(
            "<path:object_id>/lookup/<str:key>/",
            site.admin_view(section),
            name="kosmo_person_lookup_section",
        ),
    ]


def _person(request: HttpRequest, model_admin, object_id: str) -> Person:
    # get_object starts from the admin's queryset: another union's person is not found.
    person = model_admin.get_object(request, object_id)
    if person is None:
        raise Http404(_("加入者が見つかりません。"))
    if not model_admin.has_view_permission(request, person):
        raise PermissionDenied
    return person


def lookup_page(request: HttpRequest, model_admin, object_id: str, key: str) -> HttpResponse:
    person = _person(request, model_admin, object_id)
    lookups = allowed_lookups(request.user)
    lookup = LOOKUPS.get(key)
    if lookup is None:
        raise Http404
    if lookup not in lookups:
        raise PermissionDenied
    years = lookup.years(person)
    year = _chosen_year(request.GET.get("year"), years)
    record_staff_look(staff=request.user, person=person, subject=lookup.key, request=request)
    return TemplateResponse(
        request,
        "admin/kosmo/person/lookup.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": person,
            "title": _("%(name)s さんの%(label)s")
            % {"name": person.full_name, "label": lookup.label},
            "person": person,
            "lookups": lookups,
            "lookup": lookup,
            "years": years,
            "year": year,
            **lookup.context(person, year),
        },
    )


def _chosen_year(value: str | None, years: list[int]) -> int | None:
    if value and value.isdigit() and int(value) in years:
        return int(value)
    return years[0] if years else None


class RecordsStaffLooks:
    """A ModelAdmin mixin: opening a row's page (GET) is a staff look at the person's data,
    recorded for the member's security log. Set `staff_look_subject` and, when the row's
    person is not `obj.person`, override `staff_look_person`."""

    staff_look_subject = ""

    def staff_look_person(self, obj) -> Person:
        return obj.person

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page is about to show the row: the look happens now (no second read of the row).
        if change and obj is not None and request.method == "GET":
            record_staff_look(
                staff=request.user,
                person=self.staff_look_person(obj),
                subject=self.staff_look_subject,
                request=request,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
