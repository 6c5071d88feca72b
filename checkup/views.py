"""健診結果 (manual §4-5 スタンダード版, §4-6 リッチ版 and its 健診数値改善メニュー)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from checkup import documents, queries
from checkup.criteria import Rules
from kosmo import documents as kosmo_documents
from kosmo import membership
from kosmo.access import feature_required, member_required
from kosmo.scoping import visible_persons


def _person(request: HttpRequest, person_id: str | None):
    """(the chosen person, every person the member may pick): a 404 outside the household."""
    persons = visible_persons(request.user)
    return queries.chosen_person(request.member, persons, person_id), persons


def _until(request: HttpRequest):
    """A former member's results up to their last covered day (None while covered)."""
    return membership.history_until(request.member)


def _context(request: HttpRequest, **extra) -> dict:
    """The chosen person, the picker's choices and `person_query`: the ``?person=`` the page's
    links carry so that another household member stays chosen (empty for the member)."""
    person, persons = _person(request, request.GET.get("person"))
    person_query = "" if person.pk == request.member.pk else f"?person={person.pk}"
    return {"person": person, "persons": persons, "person_query": person_query, **extra}


@member_required
@feature_required("checkup")
def index(request: HttpRequest) -> HttpResponse:
    """CHK-1 健診結果一覧表: items × the five latest exams, out-of-range cells marked."""
    context = _context(request)
    rules = Rules.for_union(request.union)
    context["table"] = queries.results_table(context["person"], rules, until=_until(request))
    return render(request, "checkup/index.html", context)


@member_required
@feature_required("checkup")
def item(request: HttpRequest, key: str) -> HttpResponse:
    """An item's detail from the table's link: 経年グラフ, 解説 and 将来の疾病リスク."""
    rules = Rules.for_union(request.union)
    found = rules.items.get(key)
    if found is None or found.kind == "answer":
        raise Http404("no such item")
    context = _context(request)
    context.update(
        history=queries.item_history(context["person"], rules, found, until=_until(request)),
        category=rules.category_of(key),
    )
    return render(request, "checkup/item.html", context)


@require_POST
@member_required
@feature_required("checkup")
def table_pdf(request: HttpRequest) -> HttpResponse:
    """「健診結果一覧表(PDFダウンロード)」: queued, then the shared status page."""
    person, _ = _person(request, request.POST.get("person"))
    job = kosmo_documents.request_document(
        owner=request.user, kind=documents.KIND, params=documents.params_for(person)
    )
    return redirect("document_status", job.pk)


@member_required
@feature_required("checkup_rich")
def rich(request: HttpRequest) -> HttpResponse:
    """CHK-2 健診結果情報 (リッチ版): 総合評価, category grades, メタボ判定, 保健指導レベル."""
    context = _context(request)
    rules = Rules.for_union(request.union)
    assessment = queries.latest_assessment(context["person"], rules, until=_until(request))
    context.update(
        assessment=assessment,
        columns=queries.recommended_columns(request.union, assessment),
        risks=assessment.evaluation.risks if assessment else [],
    )
    return render(request, "checkup/rich.html", context)


@member_required
@feature_required("checkup_rich")
def menu(request: HttpRequest) -> HttpResponse:
    """CHK-3 健診数値改善メニュー."""
    return render(request, "checkup/menu.html", _context(request))


@member_required
@feature_required("checkup_rich")
def referral(request: HttpRequest) -> HttpResponse:
    """医療機関受診案内: the latest checkup's items at or past the 受診勧奨判定値."""
    context = _context(request)
    rules = Rules.for_union(request.union)
    assessment = queries.latest_assessment(context["person"], rules, until=_until(request))
    context["assessment"] = assessment
    context["rows"] = assessment.referral_rows(rules, context["person"].sex) if assessment else []
    return render(request, "checkup/referral.html", context)


@member_required
@feature_required("checkup_rich")
def columns(request: HttpRequest) -> HttpResponse:
    """生活習慣改善コラム: the list, each with 「コラムを読む」."""
    return render(
        request,
        "checkup/columns.html",
        {"columns": list(queries.columns(request.union))},
    )


@member_required
@feature_required("checkup_rich")
def column(request: HttpRequest, pk: int) -> HttpResponse:
    column = get_object_or_404(queries.columns(request.union), pk=pk)
    return render(request, "checkup/column.html", {"column": column})


def _daily_records_url(request: HttpRequest) -> str | None:
    """日々の記録 (WEL-1), once that page exists and the union has contracted it."""
    if not request.union.has_feature("daily_records"):
        return None
    try:
        return reverse("wellness:records")
    except NoReverseMatch:
        return None


@member_required
@feature_required("checkup_rich")
def goals(request: HttpRequest) -> HttpResponse:
    """行動目標設定について, with 「日々の記録を活用する」 when daily records exist."""
    return render(request, "checkup/goals.html", {"daily_records_url": _daily_records_url(request)})
