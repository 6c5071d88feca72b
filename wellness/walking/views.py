"""歩Fes. / ウォーキングキャンペーン (manual §4-11): the event TOP, エントリー (nickname → confirm
→ 「エントリーする」), teams (新たにチームを作成 / 既存のチームに参加 / チーム詳細 / チーム脱退),
ウォーキングマップ, ランキング and 応援スタンプ."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kosmo.access import feature_required, member_required
from wellness.walking import queries, services
from wellness.walking.forms import (
    NicknameForm,
    StampForm,
    TeamForm,
    TeamNameForm,
    TeamSearchForm,
)
from wellness.walking.models import Emblem, Entry, Stamp

FEATURE = "walking"


def walking_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the service: signed-in members of a union that contracted 歩Fes."""
    return member_required(feature_required(FEATURE)(view))


def _entry_or_404(event, person) -> Entry:
    entry = queries.entry_of(event, person)
    if entry is None:
        raise Http404
    return entry


@walking_page
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The union's walking events: taking entries, under way, and ended."""
    return render(
        request,
        "wellness/walking/index.html",
        {"events": list(queries.events(request.union)), "today": queries.today()},
    )


@walking_page
@require_GET
def event(request: HttpRequest, pk: int) -> HttpResponse:
    """ウォーキングイベントTOP: 「エントリーする」 while entries are open; once entered the
    エントリー情報, the team (チーム詳細 or 新たにチームを作成 / 既存のチームに参加), 新着スタンプ,
    and the ranks (最終結果 after the event)."""
    walk = queries.event_for_union(request.union, pk)
    entry = queries.entry_of(walk, request.member)
    return render(
        request,
        "wellness/walking/event.html",
        {
            "event": walk,
            "entry": entry,
            "today": queries.today(),
            "new_stamps": queries.new_stamp_count(entry) if entry else 0,
            "my_rank": queries.my_rank(entry),
            "my_team_rank": queries.my_team_rank(entry),
            "top_people": queries.individual_ranking(walk, 3),
            "top_teams": queries.team_ranking(walk, 3) if walk.team_battle else [],
        },
    )


@walking_page
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """ニックネームを入力して「次へ」 → 内容を確認して「エントリーする」; the same steps change an
    entrant's nickname (エントリー情報 → 「変更」)."""
    walk = queries.event_for_union(request.union, pk)
    current = queries.entry_of(walk, request.member)
    today = queries.today()
    page = {"event": walk, "entry": current}
    if current is None and not walk.entry_open(today):
        try:
            services.check_entry_open(walk, today)
        except services.WalkingRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("wellness:walking_event", walk.pk)
    if request.method == "GET":
        initial = {"nickname": current.nickname} if current else None
        return render(
            request, "wellness/walking/entry.html", {**page, "form": NicknameForm(initial=initial)}
        )
    form = NicknameForm(request.POST)
    step = request.POST.get("step")
    if step == "back":
        return render(
            request,
            "wellness/walking/entry.html",
            {**page, "form": NicknameForm(initial={"nickname": request.POST.get("nickname")})},
        )
    if not form.is_valid():
        return render(request, "wellness/walking/entry.html", {**page, "form": form})
    nickname = form.cleaned_data["nickname"]
    if step != "enter":
        context = {**page, "form": form, "nickname": nickname, "token": uuid.uuid4()}
        return render(request, "wellness/walking/entry_confirm.html", context)
    if current is not None and request.POST.get("token") == str(current.token):
        # The entry's own confirm page posted again (a double submit): nothing more to do.
        messages.info(request, _("このイベントにはすでにエントリーしています。"))
        return redirect("wellness:walking_event", walk.pk)
    try:
        if current is not None:
            services.change_nickname(entry=current, nickname=nickname, day=today)
            messages.success(request, _("ニックネームを変更しました。"))
            return redirect("wellness:walking_entry_info", walk.pk)
        token = uuid.UUID(request.POST.get("token", ""))
        _entry, created = services.enter(
            event=walk, person=request.member, nickname=nickname, token=token, day=today
        )
    except ValueError as refusal:  # WalkingRefused, or a malformed token
        if isinstance(refusal, services.WalkingRefused):
            form.add_error(None, str(refusal))
        return render(request, "wellness/walking/entry.html", {**page, "form": form})
    if created:
        messages.success(request, _("ウォーキングイベント(個人戦)へのエントリーが完了しました。"))
    else:
        messages.info(request, _("このイベントにはすでにエントリーしています。"))
    return redirect("wellness:walking_event", walk.pk)


@walking_page
@require_GET
def entry_info(request: HttpRequest, pk: int) -> HttpResponse:
    """エントリー情報: the nickname and team, with 「変更」."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    return render(request, "wellness/walking/entry_info.html", {"event": walk, "entry": mine})


@walking_page
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest, pk: int) -> HttpResponse:
    """新たにチームを作成: チーム名 → 「次へ」, チームエンブレム → 「決定」, then the confirm page's
    「チームを作成する」 issues the チームID."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    page = {"event": walk, "entry": mine, "emblems": Emblem.choices}
    if request.method == "GET":
        return render(request, "wellness/walking/team_name.html", {**page, "form": TeamNameForm()})
    step = request.POST.get("step")
    name_form = TeamNameForm(request.POST)
    if step == "back" or not name_form.is_valid():
        form = name_form if step != "back" else TeamNameForm(initial=request.POST)
        return render(request, "wellness/walking/team_name.html", {**page, "form": form})
    if step == "name":
        form = TeamForm(initial={"name": name_form.cleaned_data["name"]})
        return render(request, "wellness/walking/team_emblem.html", {**page, "form": form})
    form = TeamForm(request.POST)
    if not form.is_valid():
        return render(request, "wellness/walking/team_emblem.html", {**page, "form": form})
    if step == "emblem":
        return render(request, "wellness/walking/team_confirm.html", {**page, "form": form})
    try:
        team = services.create_team(
            entry=mine,
            name=form.cleaned_data["name"],
            emblem=form.cleaned_data["emblem"],
            day=queries.today(),
        )
    except services.WalkingRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("wellness:walking_event", walk.pk)
    messages.success(
        request,
        _("チームを作成しました。チームID「%(code)s」を共有して、チームに招待しましょう。")
        % {"code": team.code},
    )
    return redirect("wellness:walking_team", walk.pk)


@walking_page
@require_http_methods(["GET", "POST"])
def team_join(request: HttpRequest, pk: int) -> HttpResponse:
    """既存のチームに参加: チームID → 「検索」 shows the team, 「参加する」 joins it."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    form = TeamSearchForm(request.GET or None)
    found = None
    if request.method == "POST":
        form = TeamSearchForm(request.POST)
    if form.is_bound and form.is_valid():
        found = queries.team_by_code(walk, form.cleaned_data["code"])
        if found is None:
            form.add_error("code", _("該当するチームが見つかりません。チームIDをご確認ください。"))
    if request.method == "POST" and found is not None:
        try:
            services.join_team(entry=mine, team=found, day=queries.today())
        except services.WalkingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, _("チーム「%(name)s」に参加しました。") % {"name": found.name}
            )
            return redirect("wellness:walking_team", walk.pk)
    return render(
        request,
        "wellness/walking/team_join.html",
        {
            "event": walk,
            "entry": mine,
            "form": form,
            "found": found,
            "found_members": found.members.count() if found else 0,
        },
    )


@walking_page
@require_GET
def team(request: HttpRequest, pk: int) -> HttpResponse:
    """チーム詳細: the team's ID, emblem, members and their steps, 「チーム脱退」."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    if mine.team is None:
        return redirect("wellness:walking_event", walk.pk)
    return render(
        request,
        "wellness/walking/team.html",
        {
            "event": walk,
            "entry": mine,
            "team": mine.team,
            "members": queries.team_members(mine.team),
            "team_rank": queries.my_team_rank(mine),
            "can_change_team": queries.today() <= walk.entry_end,
        },
    )


@walking_page
@require_http_methods(["GET", "POST"])
def team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """「チーム脱退」 → 「チームを脱退する」."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    if mine.team is None:
        return redirect("wellness:walking_event", walk.pk)
    if request.method == "POST":
        try:
            services.leave_team(entry=mine, day=queries.today())
        except services.WalkingRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("wellness:walking_team", walk.pk)
        messages.success(request, _("チームから脱退しました。"))
        return redirect("wellness:walking_event", walk.pk)
    return render(request, "wellness/walking/team_leave.html", {"event": walk, "entry": mine})


@walking_page
@require_GET
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """ランキング: 個人 (default) or チーム (?view=team), from the latest snapshot."""
    walk = queries.event_for_union(request.union, pk)
    mine = queries.entry_of(walk, request.member)
    show_team = walk.team_battle and request.GET.get("view") == "team"
    return render(
        request,
        "wellness/walking/ranking.html",
        {
            "event": walk,
            "entry": mine,
            "today": queries.today(),
            "show_team": show_team,
            "rows": queries.team_ranking(walk) if show_team else queries.individual_ranking(walk),
            "my_rank": queries.my_rank(mine),
            "my_team_rank": queries.my_team_rank(mine),
        },
    )


@walking_page
@require_GET
def walking_map(request: HttpRequest, pk: int) -> HttpResponse:
    """ウォーキングマップ: how far the member's steps (from the snapshot) took them along the
    course, as an SVG with the same facts in text."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    rank = queries.my_rank(mine)
    return render(
        request,
        "wellness/walking/map.html",
        {
            "event": walk,
            "entry": mine,
            "progress": queries.progress(walk, rank.steps if rank else 0),
        },
    )


@walking_page
@require_GET
def stamps(request: HttpRequest, pk: int) -> HttpResponse:
    """応援スタンプ: the stamps received (新着 marked, then seen) and sent."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    received = list(queries.received_stamps(mine)[:100])
    services.mark_stamps_seen(entry=mine)
    return render(
        request,
        "wellness/walking/stamps.html",
        {
            "event": walk,
            "entry": mine,
            "received": received,
            "sent": list(queries.sent_stamps(mine)[:100]),
            "teammates": queries.team_members(mine.team) if mine.team else [],
        },
    )


@walking_page
@require_http_methods(["GET", "POST"])
def stamp_send(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """The screen to send a team member a stamp; anyone outside the team is a 404."""
    walk = queries.event_for_union(request.union, pk)
    mine = _entry_or_404(walk, request.member)
    try:
        recipient = queries.teammate(mine, entry_pk)
    except Entry.DoesNotExist:
        raise Http404 from None
    form = StampForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_stamp(sender=mine, recipient=recipient, stamp=form.cleaned_data["stamp"])
        except services.WalkingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(name)s さんに応援スタンプを送りました。") % {"name": recipient.nickname},
            )
            return redirect("wellness:walking_stamps", walk.pk)
    return render(
        request,
        "wellness/walking/stamp_send.html",
        {"event": walk, "entry": mine, "recipient": recipient, "form": form, "stamps": Stamp},
    )
