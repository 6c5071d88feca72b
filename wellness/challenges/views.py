"""チャレンジ記録 (manual §4-8): チャレンジ設定TOP, a stage's challenges or 「自分でチャレンジを
作成する」 with the confirm step, チャレンジ詳細 with its record screen, まとめて記録, 削除."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kosmo.access import feature_required, member_required
from wellness.challenges import queries, services
from wellness.challenges.forms import BulkForm, CustomForm, PresetForm, RecordForm, parse_day

FEATURE = "challenges"
SET_STEPS = {"confirm", "set", "back"}
WEEKDAYS = [gettext_lazy(name) for name in ("月", "火", "水", "木", "金", "土", "日")]


def challenge_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the service: signed-in members of a union that contracted チャレンジ."""
    return member_required(feature_required(FEATURE)(view))


@challenge_page
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """チャレンジ設定TOP: the stages (b), 「自分でチャレンジを作成する」 (f) and below them
    「設定中のチャレンジ」 with each one's progress."""
    today = queries.today()
    current, ended = queries.challenge_lists(request.member, today)
    return render(
        request,
        "wellness/challenges/index.html",
        {
            "stages": queries.stages(request.union),
            "current": current,
            "ended": ended,
            "today": today,
        },
    )


@challenge_page
@require_http_methods(["GET", "POST"])
def stage(request: HttpRequest, pk: int) -> HttpResponse:
    """A stage's challenges (c) with 開始日・終了日 (d), then the confirm step (e)."""
    chosen = queries.stage_for_union(request.union, pk)
    presets = queries.offered_presets(chosen)

    def make_form(data=None):
        return PresetForm(data, presets=presets, today=queries.today())

    return _set_flow(
        request,
        make_form,
        page={"template": "wellness/challenges/stage.html", "stage": chosen},
        title_of=lambda form: form.cleaned_data["preset"].title,
        preset_of=lambda form: form.cleaned_data["preset"],
    )


@challenge_page
@require_http_methods(["GET", "POST"])
def custom(request: HttpRequest) -> HttpResponse:
    """(1)-2 自分でチャレンジを作成する: the member's own challenge (g), then confirm (h)."""

    def make_form(data=None):
        return CustomForm(data, today=queries.today())

    return _set_flow(
        request,
        make_form,
        page={"template": "wellness/challenges/custom.html"},
        title_of=lambda form: form.cleaned_data["title"].strip(),
        preset_of=lambda form: None,
    )


def _set_flow(request, make_form, *, page: dict, title_of, preset_of) -> HttpResponse:
    """The form, 「この内容でチャレンジを追加する」 → the confirm page, whose
    「この内容でチャレンジを設定する」 sets the challenge and 「戻る」 returns to the form."""
    template = page.pop("template")
    if request.method == "GET":
        return render(request, template, {**page, "form": make_form()})
    step = request.POST.get("step")
    if step == "back":  # back to editing what was confirmed: the values, no messages
        form = make_form()
        form.initial.update({name: request.POST.get(name) for name in form.fields})
        return render(request, template, {**page, "form": form})
    form = make_form(request.POST)
    if step not in SET_STEPS or not form.is_valid():
        return render(request, template, {**page, "form": form})
    if step == "confirm":
        context = {**page, "form": form, "title": title_of(form), "token": uuid.uuid4()}
        return render(request, "wellness/challenges/confirm.html", context)
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return render(request, template, {**page, "form": form})
    try:
        challenge, created = services.set_challenge(
            person=request.member,
            title=title_of(form),
            preset=preset_of(form),
            start_on=form.cleaned_data["start_on"],
            end_on=form.cleaned_data["end_on"],
            token=token,
            today=queries.today(),
        )
    except ValidationError as error:  # the day changed between the confirm page and now
        for field, message in error.message_dict.items():
            form.add_error(field, message)
        return render(request, template, {**page, "form": form})
    if created:
        messages.success(
            request, _("「%(title)s」をチャレンジに設定しました。") % {"title": challenge.title}
        )
    else:
        messages.info(request, _("このチャレンジはすでに設定されています。"))
    return redirect("wellness:challenges")


@challenge_page
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """チャレンジ詳細: the period's dates with their ○/× (b opens the record screen), progress,
    today's ○/× and 「■」 (削除)."""
    challenge = queries.challenge_for_member(request.member, pk)
    today = queries.today()
    challenge.achieved_days = challenge.days.filter(achieved=True).count()
    return render(
        request,
        "wellness/challenges/detail.html",
        {
            "challenge": challenge,
            "progress": queries.progress(challenge, today),
            "months": queries.calendar(challenge, today),
            "today": today,
            "today_open": challenge.covers(today),
            "today_mark": queries.mark_on(challenge, today) if challenge.covers(today) else None,
            "weekday_names": WEEKDAYS,
        },
    )


@challenge_page
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """The record screen of a challenge: 「<」「>」 or the calendar for the date, 成果 ○/×,
    「保存する」. Today by default; future dates and dates outside the period are refused."""
    challenge = queries.challenge_for_member(request.member, pk)
    today = queries.today()
    back = _next_url(request)
    if request.method == "POST":
        form = RecordForm(request.POST, challenge=challenge, today=today)
        if form.is_valid():
            day = form.cleaned_data["date"]
            services.record_day(challenge=challenge, day=day, achieved=form.achieved, today=today)
            messages.success(
                request,
                _("「%(title)s」%(date)s の成果を「%(mark)s」で記録しました。")
                % {
                    "title": challenge.title,
                    "date": f"{day.month}/{day.day}",
                    "mark": "○" if form.achieved else "×",
                },
            )
            return redirect(back or reverse("wellness:challenges_detail", args=[challenge.pk]))
        if back:  # ○/× buttons of another page (the records top): the message goes there
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"{challenge.title}: {error}")
            return redirect(back)
        day = form.cleaned_data.get("date") or parse_day(request.POST.get("date"), today) or today
        refusal = None
    else:
        day = parse_day(request.GET.get("date"), today) or today
        mark = queries.mark_on(challenge, day)
        form = RecordForm(
            initial={"date": day, "result": None if mark is None else ("1" if mark else "0")},
            challenge=challenge,
            today=today,
        )
        refusal = services.date_refusal(challenge, day, today)
    return render(
        request,
        "wellness/challenges/record.html",
        {"challenge": challenge, "form": form, "refusal": refusal, **_steps(challenge, day, today)},
    )


def _steps(challenge, day: dt.date, today: dt.date) -> dict:
    """The 「<」「>」 neighbours of `day`, None where the previous day is before the start or
    the next one after the end or in the future."""
    previous, following = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    return {
        "day": day,
        "previous": previous if previous >= challenge.start_on else None,
        "next": following if following <= min(challenge.end_on, today) else None,
    }


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@challenge_page
@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest) -> HttpResponse:
    """まとめて記録: ○/× of every challenge of one date at once (today by default)."""
    today = queries.today()
    source = request.POST if request.method == "POST" else request.GET
    day = parse_day(source.get("date"), today)
    if day is None:
        messages.error(request, _("日付を正しく入力してください。"))
        return redirect("wellness:challenges_bulk")
    refusal = _("未来日付は記録できません。") if day > today else None
    challenges = [] if refusal else queries.challenges_on(request.member, day)
    if request.method == "POST" and refusal is None:
        form = BulkForm(request.POST, challenges=challenges)
        if form.is_valid():
            for challenge, achieved in form.marks():
                challenge.person = request.member
                services.record_day(challenge=challenge, day=day, achieved=achieved, today=today)
            messages.success(
                request, _("%(date)s の成果を記録しました。") % {"date": f"{day.month}/{day.day}"}
            )
            return redirect(f"{reverse('wellness:challenges_bulk')}?date={day.isoformat()}")
    else:
        form = BulkForm(challenges=challenges)
    previous, following = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    return render(
        request,
        "wellness/challenges/bulk.html",
        {
            "form": form,
            "day": day,
            "today": today,
            "refusal": refusal,
            "previous": previous,
            "next": following if following <= today else None,
        },
    )


@challenge_page
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The 「■」 confirmation, then 「削除」."""
    challenge = queries.challenge_for_member(request.member, pk)
    if request.method == "POST":
        title = challenge.title
        services.delete_challenge(challenge=challenge)
        messages.success(request, _("「%(title)s」を削除しました。") % {"title": title})
        return redirect("wellness:challenges")
    return render(request, "wellness/challenges/delete.html", {"challenge": challenge})
