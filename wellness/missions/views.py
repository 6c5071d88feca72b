"""ミッション (manual §4-12 … §4-15): the ミッション page (デイリーミッション, 今月のランク,
歩いてスクラッチ, ボーナスミッション), ポイントくじ, マンスリーミッション and 歩いてスクラッチ
with its roulette. Views are thin: the services decide, the pages only show."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kosmo.access import feature_required, member_required
from wellness.missions import queries, services
from wellness.missions.models import Action

FEATURE = "missions"

# Where a daily mission takes the member (manual §4-12 (1)-1 2.), with the feature it needs.
ACTION_PAGES = {
    Action.STEPS: ("daily_records", "wellness:records"),
    Action.WEIGHT: ("daily_records", "wellness:records"),
    Action.ARTICLE: ("health_club", "wellness:club"),
    Action.CHALLENGE: ("challenges", "wellness:challenges"),
}


def mission_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the service: signed-in members of a union that contracted ミッション."""
    return member_required(feature_required(FEATURE)(view))


def daily_context(member, union, day, steps=queries.STEPS_UNREAD) -> dict:
    """The day's missions with the page each leads to, and the ポイントくじ's state (`steps`:
    the day's steps when the caller has read them)."""
    rows = queries.daily_missions(member, union, day, steps)
    for row in rows:
        feature, url_name = ACTION_PAGES.get(row.mission.action, (None, None))
        row.url_name = url_name if feature and union.has_feature(feature) else None
    return {
        "daily": rows,
        "all_cleared": queries.all_cleared(rows),
        "lottery_draw": queries.lottery_draw(member, day),
    }


@mission_page
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The page of the left menu's 「ミッション」: the bonus missions, with the daily missions,
    the rank and the scratch card's coins."""
    day = services.today()
    member, union = request.member, request.union
    return render(
        request,
        "wellness/missions/index.html",
        {
            **daily_context(member, union, day),
            "monthly": queries.monthly(member, union, day),
            "scratch": queries.card_view(member, day),
            "bonus": queries.bonus_missions(member, union, day),
        },
    )


@mission_page
@require_http_methods(["GET", "POST"])
def lottery(request: HttpRequest) -> HttpResponse:
    """ポイントくじ: 「くじを引く」 (c), then the result with 「くじを閉じる」 (d)."""
    day = services.today()
    member, union = request.member, request.union
    if request.method == "POST":
        try:
            services.draw_lottery(person=member, union=union, day=day)
        except services.MissionRefused as refusal:
            messages.error(request, refusal.message)
        return redirect("wellness:missions_lottery")
    return render(request, "wellness/missions/lottery.html", daily_context(member, union, day))


@mission_page
@require_GET
def monthly(request: HttpRequest) -> HttpResponse:
    """マンスリーミッション: 今月のランク and this month's login days."""
    day = services.today()
    return render(
        request,
        "wellness/missions/monthly.html",
        {
            "monthly": queries.monthly(request.member, request.union, day),
            "ranks": queries.rank_table(request.union),
        },
    )


@mission_page
@require_GET
def scratch(request: HttpRequest) -> HttpResponse:
    """歩いてスクラッチ: today's steps, the coins they give and the card (unscratched cells
    carry nothing about ヘロン君)."""
    day = services.today()
    return render(
        request,
        "wellness/missions/scratch.html",
        {"scratch": queries.card_view(request.member, day)},
    )


@mission_page
@require_POST
def scratch_cell(request: HttpRequest) -> HttpResponse:
    """「スクラッチに挑戦」 on one cell: one coin."""
    day = services.today()
    try:
        cell = int(request.POST.get("cell", ""))
    except ValueError:
        cell = -1
    try:
        _scratched, hit = services.scratch(person=request.member, cell=cell, day=day)
    except services.MissionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if hit:
            messages.success(request, _("ヘロン君が出ました！1pt獲得しました。"))
        else:
            messages.info(request, _("はずれです。"))
    return redirect("wellness:missions_scratch")


@mission_page
@require_POST
def roulette(request: HttpRequest) -> HttpResponse:
    """The bingo's bonus roulette."""
    try:
        services.spin_roulette(person=request.member, union=request.union, day=services.today())
    except services.MissionRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("wellness:missions_scratch")
