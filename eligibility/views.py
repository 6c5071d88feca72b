"""資格情報のお知らせ (manual §4-18) and 資格確認書交付 (§4-19)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from eligibility import queries, services
from eligibility.forms import (
    BIRTH_DATE_LOCKED,
    BIRTH_DATE_MISMATCH,
    AddressForm,
    BirthDateForm,
    OrganDonationForm,
)
from eligibility.models import EligibilityCertificate, OrganDonationIntent
from kosmo.access import feature_required, member_required
from kosmo.dates import format_wareki, to_wareki


def _prefix(person) -> str:
    return f"p{person.pk}"


def _notice_page(request, *, failed_person=None, failed_form=None, status=200):
    rows = []
    for row in queries.notice_rows(request.user):
        if failed_person is not None and row.person.pk == failed_person.pk:
            form = failed_form
        else:
            form = BirthDateForm(prefix=_prefix(row.person))
        rows.append((row, form))
    return render(
        request,
        "eligibility/notice.html",
        {
            "rows": rows,
            "is_insured": request.member.is_insured,
            "failed_form": failed_form,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@member_required
@feature_required("eligibility_notice")
def notice(request: HttpRequest) -> HttpResponse:
    """ELG-1: a row per household person; 「送信」 checks the birth date, then the PDF is
    generated in the background and the row shows its state."""
    if request.method == "GET":
        return _notice_page(request)
    if not request.member.is_insured:
        return _notice_page(request, status=403)
    person = queries.get_covered_person_for_member(request.user, request.POST.get("person"))
    form = BirthDateForm(request.POST, prefix=_prefix(person))
    if not form.is_valid():
        return _notice_page(request, failed_person=person, failed_form=form)
    try:
        matches = services.check_birth_date(
            user=request.user, person=person, birth_date=form.cleaned_data["birth_date"]
        )
    except services.BirthDateLocked:
        form.add_error(None, BIRTH_DATE_LOCKED)
        return _notice_page(request, failed_person=person, failed_form=form, status=429)
    if not matches:
        form.add_error(None, BIRTH_DATE_MISMATCH)
        return _notice_page(request, failed_person=person, failed_form=form)
    services.request_notice(user=request.user, person=person)
    return redirect(reverse("eligibility:notice") + f"#person-{person.pk}")


@require_POST
@member_required
@feature_required("eligibility_notice")
def notice_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """「再試行」 of a failed or overdue notice (only the account's own job)."""
    services.retry_notice(job=queries.get_notice_job_for_member(request.user, pk))
    return redirect("eligibility:notice")


@member_required
@feature_required("eligibility_certificate")
def certificate(request: HttpRequest) -> HttpResponse:
    """ELG-2 資格確認書交付: the persons with a certificate (対象者, 続柄, 生年月日)."""
    return render(
        request,
        "eligibility/certificate_list.html",
        {"certificates": list(queries.certificates(request.user))},
    )


def _clock(now) -> dict:
    """The live clock's first reading and what the script needs to keep it in 和暦."""
    local = timezone.localtime(now)
    wareki = to_wareki(local.date())
    return {
        "text": f"{format_wareki(local.date())} {local:%H}時{local:%M}分{local:%S}秒",
        "era": wareki.era,
        "era_first_year": local.year - wareki.year + 1,
        "iso": local.isoformat(),
    }


def _shown_certificate(request: HttpRequest, pk: int):
    """The member's certificate and why it may not be shown today (None when it may)."""
    cert = queries.get_certificate_for_member(request.user, pk)
    return cert, cert.refusal(timezone.localdate())


def _refused(request: HttpRequest, cert: EligibilityCertificate, refusal) -> HttpResponse:
    return render(
        request,
        "eligibility/certificate_refused.html",
        {"cert": cert, "refusal": EligibilityCertificate.Refusal(refusal).label},
    )


@never_cache
@member_required
@feature_required("eligibility_certificate")
def certificate_show(request: HttpRequest, pk: int) -> HttpResponse:
    """「資格確認書表示」: the card (front, or back with ?side=back) under a live clock."""
    cert, refusal = _shown_certificate(request, pk)
    if refusal:
        return _refused(request, cert, refusal)
    person = cert.person
    back = request.GET.get("side") == "back"
    return render(
        request,
        "eligibility/certificate_card.html",
        {
            "cert": cert,
            "person": person,
            "insured": queries.insured_of(person),
            "union": person.household.union,
            "clock": _clock(timezone.now()),
            "back": back,
            "organ_donation": queries.current_organ_donation(person) if back else None,
            "may_record_organ_donation": queries.may_record_organ_donation(request.user, person),
            "pending_address": queries.pending_address_change(person) if back else None,
        },
    )


def _back_side(cert: EligibilityCertificate) -> str:
    return reverse("eligibility:certificate_show", args=[cert.pk]) + "?side=back"


@never_cache
@require_http_methods(["GET", "POST"])
@member_required
@feature_required("eligibility_certificate")
def address_change(request: HttpRequest, pk: int) -> HttpResponse:
    """ELG-3 住所変更: input → 「次へ」 → confirm → 「確定」 (a request staff apply)."""
    cert, refusal = _shown_certificate(request, pk)
    if refusal:
        return _refused(request, cert, refusal)
    person = cert.person
    context = {"cert": cert, "person": person}
    if request.method == "GET":
        form = AddressForm(initial={"postal_code": person.postal_code, "address": person.address})
        return render(request, "eligibility/address_form.html", {**context, "form": form})
    form = AddressForm(request.POST)
    step = request.POST.get("step")
    if step == "edit" or not form.is_valid():
        return render(request, "eligibility/address_form.html", {**context, "form": form})
    if step != "save":
        return render(request, "eligibility/address_confirm.html", {**context, "form": form})
    _change, created = services.request_address_change(
        user=request.user,
        person=person,
        postal_code=form.cleaned_data["postal_code"],
        address=form.cleaned_data["address"],
    )
    if created:
        messages.success(
            request, _("住所変更を受け付けました。健康保険組合で確認のうえ反映します。")
        )
    else:
        messages.info(request, _("この住所変更はすでに受け付けています。"))
    return redirect(_back_side(cert))


@never_cache
@require_http_methods(["GET", "POST"])
@member_required
@feature_required("eligibility_certificate")
def organ_donation(request: HttpRequest, pk: int) -> HttpResponse:
    """ELG-3 臓器提供の意思表示: 3 choices, organs to exclude, confirm, 「確定」."""
    cert, refusal = _shown_certificate(request, pk)
    if refusal:
        return _refused(request, cert, refusal)
    person = cert.person
    context = {"cert": cert, "person": person}
    if not queries.may_record_organ_donation(request.user, person):
        return render(request, "eligibility/organ_not_yours.html", context, status=403)
    if request.method == "GET":
        current = queries.current_organ_donation(person)
        initial = (
            {"choice": current.choice, "excluded_organs": current.excluded_organs}
            if current
            else {}
        )
        form = OrganDonationForm(initial=initial)
        return render(request, "eligibility/organ_form.html", {**context, "form": form})
    form = OrganDonationForm(request.POST)
    step = request.POST.get("step")
    if step == "edit" or not form.is_valid():
        return render(request, "eligibility/organ_form.html", {**context, "form": form})
    choice = form.cleaned_data["choice"]
    excluded = form.cleaned_data["excluded_organs"]
    if step != "save":
        # Unsaved: the record's own labels word the confirmation as the card will.
        intent = OrganDonationIntent(person=person, choice=choice, excluded_organs=excluded)
        return render(
            request, "eligibility/organ_confirm.html", {**context, "form": form, "intent": intent}
        )
    _intent, created = services.record_organ_donation(
        user=request.user, person=person, choice=choice, excluded_organs=excluded
    )
    messages.success(
        request,
        _("臓器提供の意思表示を登録しました。")
        if created
        else _("この内容はすでに登録されています。"),
    )
    return redirect(_back_side(cert))
