"""MY HEALTH CLUB (manual §4-9): ① 記事を読む, ② スペシャルサポーター, ③ フリーワード検索,
④ お気に入り登録, ⑤ カテゴリから記事検索, ⑥ ランキングから探す, ⑦ スペシャルサポーターから探す."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kosmo.access import feature_required, member_required
from wellness.club import queries, services
from wellness.club.forms import FavouriteForm, SearchForm
from wellness.club.models import Category

PAGE_SIZE = 12
PERIODS = {"week": gettext_lazy("週間"), "month": gettext_lazy("月間")}


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _common(request: HttpRequest, **extra) -> dict:
    """What every club page shows around its content: the search box and the categories."""
    return {
        "search_form": extra.pop("search_form", None) or SearchForm(),
        "categories": Category.choices,
        **extra,
    }


@require_GET
@member_required
@feature_required("health_club")
def index(request: HttpRequest) -> HttpResponse:
    """The MY HEALTH CLUB top: new articles, this week's ranking, the supporters."""
    union, person = request.union, request.member
    context = _common(
        request,
        latest=list(queries.with_hearts(queries.articles(union), person)[:6]),
        ranking=queries.ranking(union, "week"),
        supporters=list(queries.supporters(union)[:4]),
    )
    return render(request, "wellness/club/index.html", context)


@require_GET
@member_required
@feature_required("health_club")
def search(request: HttpRequest) -> HttpResponse:
    """③ フリーワード検索: the articles containing every word of the query."""
    form = SearchForm(request.GET)
    page = None
    if form.is_valid():
        found = queries.search(request.union, form.cleaned_data["q"])
        page = _page(request, queries.with_hearts(found, request.member))
    return render(
        request,
        "wellness/club/search.html",
        _common(request, search_form=form, form=form, page=page),
    )


@require_GET
@member_required
@feature_required("health_club")
def category(request: HttpRequest, category: str) -> HttpResponse:
    """⑤ カテゴリから記事検索."""
    label = queries.category_label(category)
    if label is None:
        raise Http404("no such category")
    found = queries.with_hearts(queries.in_category(request.union, category), request.member)
    return render(
        request,
        "wellness/club/category.html",
        _common(request, category=category, label=label, page=_page(request, found)),
    )


@require_GET
@member_required
@feature_required("health_club")
def ranking(request: HttpRequest) -> HttpResponse:
    """⑥ ランキングから探す: 週間 or 月間, all articles or one category."""
    period = request.GET.get("period", "week")
    category = request.GET.get("category", "")
    if period not in PERIODS or (category and queries.category_label(category) is None):
        raise Http404("no such ranking")
    first, last = queries.ranking_window(period, timezone.localdate())
    return render(
        request,
        "wellness/club/ranking.html",
        _common(
            request,
            period=period,
            periods=PERIODS.items(),
            category=category,
            label=queries.category_label(category) if category else "",
            rows=queries.ranking(request.union, period, category),
            first=first,
            last=last,
        ),
    )


@require_GET
@member_required
@feature_required("health_club")
def favourites(request: HttpRequest) -> HttpResponse:
    """④ お気に入り: the articles the member put a heart on."""
    found = queries.with_hearts(queries.favourites(request.member), request.member)
    return render(
        request, "wellness/club/favourites.html", _common(request, page=_page(request, found))
    )


@require_GET
@member_required
@feature_required("health_club")
def article(request: HttpRequest, pk: int) -> HttpResponse:
    """① 記事を読む: the article (a read event for the rankings)."""
    found = queries.article_for_member(request.union, request.member, pk)
    services.record_read(person=request.member, article=found)
    return render(request, "wellness/club/article.html", _common(request, article=found))


@require_POST
@member_required
@feature_required("health_club")
def favourite(request: HttpRequest, pk: int) -> HttpResponse:
    """④ お気に入り登録: the heart. Back to the page it was pressed on."""
    found = queries.article_for_member(request.union, request.member, pk)
    form = FavouriteForm(request.POST)
    if not form.is_valid():
        raise Http404("bad favourite form")
    on = services.set_favourite(
        person=request.member, article=found, on=form.cleaned_data["favourite"]
    )
    if on:
        messages.success(request, _("お気に入りに登録しました。"))
    else:
        messages.success(request, _("お気に入りから削除しました。"))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("wellness:club_article", args=[found.pk])
    return redirect(back)


@require_GET
@member_required
@feature_required("health_club")
def supporters(request: HttpRequest) -> HttpResponse:
    """② スペシャルサポーター: the experts who write or supervise the articles."""
    return render(
        request,
        "wellness/club/supporters.html",
        _common(request, supporters=list(queries.supporters(request.union))),
    )


@require_GET
@member_required
@feature_required("health_club")
def supporter(request: HttpRequest, pk: int) -> HttpResponse:
    """⑦ スペシャルサポーターから探す: a profile and the articles written or supervised."""
    found = queries.supporter_for_member(request.union, pk)
    written = queries.with_hearts(
        queries.articles(request.union).filter(supporter=found), request.member
    )
    return render(
        request,
        "wellness/club/supporter.html",
        _common(request, supporter=found, page=_page(request, written)),
    )
