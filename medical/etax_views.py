"""MED-6 医療費控除申請用データ (manual §4-4): choose 発行対象年, preview, download.

Every file is built from `request.user`'s own scope (the household for the insured, their own
claims for a dependent); a year outside the offered three is refused.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kosmo import downloads
from kosmo.access import feature_required, member_required
from medical import etax as service

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class YearForm(forms.Form):
    # Kept beside its only view: the choices are the offered years of the day.
    year = forms.TypedChoiceField(label=_("発行対象年"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.choices = [(year, _("%(year)s年") % {"year": year}) for year in years]
        field.initial = years[0]
        field.error_messages["invalid_choice"] = _(
            "発行対象年は%(first)s年〜%(last)s年の中から選択してください。"
        ) % {"first": years[-1], "last": years[0]}


def _page(
    request: HttpRequest,
    form: YearForm,
    notice: service.Notice | None,
    state: service.UnionState,
    *,
    xml_refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "medical/etax.html",
        {
            "form": form,
            "notice": notice,
            "has_credential": state.has_credential,
            "no_credential_message": service.NO_CREDENTIAL_MESSAGE,
            "xml_refused": xml_refused,
            "xlsx_parts": range(1, notice.xlsx_parts + 1) if notice else (),
            "form_max_rows": service.FORM_MAX_ROWS,
        },
        status=status,
    )


@member_required
@feature_required("etax")
def etax(request: HttpRequest) -> HttpResponse:
    """The year picker; with ?year=YYYY 「表示」 also previews exactly what the files contain."""
    form = YearForm(request.GET or None, years=service.offered_years())
    # request.union is the member's union (kosmo.middleware refuses any other).
    state = service.union_state(request.union)
    notice = None
    if form.is_bound and form.is_valid():
        notice = service.build_notice(request.user, year=form.cleaned_data["year"], state=state)
    return _page(request, form, notice, state)


def _notice_or_404(request: HttpRequest, year: int) -> service.Notice:
    if year not in service.offered_years():
        raise Http404("year not offered")
    notice = service.build_notice(request.user, year=year)
    if not notice.lines:
        raise Http404("no claims in that year")
    return notice


def _attachment(content: bytes, filename: str, fallback: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = downloads.attachment(filename, fallback=fallback)
    response["Cache-Control"] = "no-store"
    return response


@member_required
@feature_required("etax")
def etax_xml(request: HttpRequest, year: int) -> HttpResponse:
    """「XMLデータダウンロード」: the signed TEG700; refused while the union has no key."""
    notice = _notice_or_404(request, year)
    credential = service.signing_credential(notice.union)
    if credential is None:
        form = YearForm({"year": year}, years=service.offered_years())
        form.is_valid()
        return _page(
            request, form, notice, service.union_state(notice.union), xml_refused=True, status=503
        )
    content = service.notice_xml(notice, credential=credential)
    return _attachment(
        content, f"医療費通知データ_{year}年.xml", f"iryouhi_{year}.xml", "application/xml"
    )


@member_required
@feature_required("etax")
def etax_csv(request: HttpRequest, year: int) -> HttpResponse:
    """「CSVデータをダウンロードする」: the 集計フォーム's columns B–J."""
    notice = _notice_or_404(request, year)
    return _attachment(
        service.notice_csv(notice),
        f"医療費通知データ_{year}年.csv",
        f"iryouhi_{year}.csv",
        "text/csv; charset=utf-8",
    )


@member_required
@feature_required("etax")
def etax_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The filled 医療費集計フォーム; ?part=N when the lines need more than one file."""
    notice = _notice_or_404(request, year)
    try:
        part = int(request.GET.get("part", "1"))
    except ValueError:
        raise Http404("bad part") from None
    if not 1 <= part <= notice.xlsx_parts:
        raise Http404("no such part")
    suffix = "" if part == 1 else f"_{part}"
    return _attachment(
        service.notice_xlsx(notice, part=part),
        f"医療費集計フォーム_{year}年{suffix}.xlsx",
        f"iryouhi_{year}{suffix}.xlsx",
        XLSX_TYPE,
    )
