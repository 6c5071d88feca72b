"""WEL-2 チャレンジ記録 (manual §4-8): setting a preset or own challenge with its confirm step,
○/× per date within the period and never in the future (Japan's today), progress, まとめて記録,
deleting with confirmation; scoping, the contract gate and a fixed query count."""

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.wellness.challenges.conftest import days
from tests.wellness.challenges.factories import (
    ChallengeDayFactory,
    ChallengeFactory,
    PresetChallengeFactory,
    StageFactory,
)
from wellness.challenges import services
from wellness.challenges.models import Challenge, ChallengeDay
from wellness.challenges.signals import day_achieved

UNAVAILABLE = "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。"
FUTURE = "未来日付は記録できません。"
BEFORE_START = "チャレンジ開始日より前の日付は記録できません。"
AFTER_END = "チャレンジ終了日より後の日付は記録できません。"
TOP = "/wellness/challenges/"


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _record(client, challenge, day, result="1", **extra):
    return client.post(
        f"{TOP}{challenge.pk}/record/",
        {"date": day.isoformat(), "result": result, **extra},
        follow=True,
    )


# --- (1) チャレンジを設定する ------------------------------------------------------------------


def test_member_sets_a_preset_challenge_through_the_confirm_step(
    member_client, insured, walking, today
):
    top = _html(member_client.get(TOP))
    assert "チャレンジ設定" in top
    assert "ステージ1 まずはここから" in top
    assert "自分でチャレンジを作成する" in top
    assert "設定中のチャレンジはありません。" in top

    stage = _html(member_client.get(f"{TOP}stages/{walking.stage.pk}/"))
    assert "挑戦するチャレンジ" in stage
    assert stage.index("1日8,000歩歩く") < stage.index("毎朝体重を測る")  # the staff's order
    assert "通勤や買い物で、いつもより少し多く歩きましょう。" in stage
    assert "この内容でチャレンジを追加する" in stage

    data = {
        "preset": walking.pk,
        "start_on": today.isoformat(),
        "end_on": (today + days(29)).isoformat(),
    }
    confirm = member_client.post(f"{TOP}stages/{walking.stage.pk}/", {**data, "step": "confirm"})
    html = _html(confirm)
    assert "設定内容を確認し、「この内容でチャレンジを設定する」を押してください。" in html
    assert "<dd>1日8,000歩歩く</dd>" in html
    assert f"<dd>{today.year}/{today.month}/{today.day} (" in html
    assert not Challenge.objects.exists()  # nothing is set before the confirm step

    token = confirm.context["token"]
    done = member_client.post(
        f"{TOP}stages/{walking.stage.pk}/", {**data, "step": "set", "token": token}, follow=True
    )

    challenge = Challenge.objects.get()
    assert (challenge.person, challenge.preset, challenge.title) == (
        insured.person,
        walking,
        "1日8,000歩歩く",
    )
    assert (challenge.start_on, challenge.end_on) == (today, today + days(29))
    assert done.redirect_chain[-1][0] == TOP
    assert _messages(done) == ["「1日8,000歩歩く」をチャレンジに設定しました。"]
    html = _html(done)
    assert html.index("設定中のチャレンジ") < html.index("1日8,000歩歩く</a>")
    assert "達成 0日 / 経過 1日 / 全 30日" in html


def test_member_creates_their_own_challenge(member_client, insured, rich, today):
    form = _html(member_client.get(f"{TOP}custom/"))
    assert "自分でチャレンジを作成する" in form
    assert f'value="{today.isoformat()}"' in form  # today by default

    data = {
        "title": "毎朝ストレッチをする",
        "start_on": (today + days(1)).isoformat(),
        "end_on": (today + days(14)).isoformat(),
    }
    confirm = member_client.post(f"{TOP}custom/", {**data, "step": "confirm"})
    assert "<dd>毎朝ストレッチをする</dd>" in _html(confirm)
    member_client.post(f"{TOP}custom/", {**data, "step": "set", "token": confirm.context["token"]})

    challenge = Challenge.objects.get()
    assert (challenge.title, challenge.preset, challenge.total_days) == (
        "毎朝ストレッチをする",
        None,
        14,
    )
    html = _html(member_client.get(TOP))
    assert "達成 0日 / 経過 0日 / 全 14日" in html  # it starts tomorrow


def test_back_on_the_confirm_page_returns_to_the_form_with_its_values(member_client, rich, today):
    data = {
        "title": "間食をしない",
        "start_on": today.isoformat(),
        "end_on": (today + days(6)).isoformat(),
    }
    response = member_client.post(f"{TOP}custom/", {**data, "step": "back", "token": "x"})

    html = _html(response)
    assert 'value="間食をしない"' in html
    assert f'value="{(today + days(6)).isoformat()}"' in html
    assert "入力内容をご確認ください。" not in html
    assert not Challenge.objects.exists()


def test_the_same_confirm_page_posted_twice_sets_one_challenge(member_client, rich, today):
    data = {
        "title": "間食をしない",
        "start_on": today.isoformat(),
        "end_on": today.isoformat(),
        "step": "set",
        "token": str(uuid.uuid4()),
    }
    member_client.post(f"{TOP}custom/", data, follow=True)
    second = member_client.post(f"{TOP}custom/", data, follow=True)

    assert Challenge.objects.count() == 1
    assert _messages(second) == ["このチャレンジはすでに設定されています。"]


@pytest.mark.parametrize(
    ("title", "start", "end", "field", "message"),
    [
        ("", 0, 1, "title", "挑戦するチャレンジを入力してください。"),
        ("あ" * 51, 0, 1, "title", "挑戦するチャレンジは50文字以内で入力してください。"),
        ("散歩", -1, 1, "start_on", "開始日は今日以降の日付を選択してください。"),
        ("散歩", 3, 2, "end_on", "終了日は開始日以降の日付を選択してください。"),
        ("散歩", 0, 365, "end_on", "チャレンジの期間は365日以内で設定してください。"),
        ("散歩", None, 1, "start_on", "チャレンジ開始日を選択してください。"),
        ("散歩", "2026-02-30", 1, "start_on", "日付を正しく入力してください。"),
    ],
)
def test_a_refused_challenge_says_why_beside_the_field(
    member_client, rich, today, title, start, end, field, message
):
    def as_date(offset):
        if offset is None:
            return ""
        return offset if isinstance(offset, str) else (today + days(offset)).isoformat()

    data = {"title": title, "start_on": as_date(start), "end_on": as_date(end), "step": "confirm"}
    response = member_client.post(f"{TOP}custom/", data)

    assert response.context["form"].errors[field] == [message]
    html = _html(response)
    assert "入力内容をご確認ください。" in html
    assert f'id="id_{field}_error"><li>{message}</li>' in html
    assert not Challenge.objects.exists()


def test_the_longest_period_and_a_start_today_are_accepted(member_client, rich, today):
    data = {
        "title": "散歩",
        "start_on": today.isoformat(),
        "end_on": (today + days(364)).isoformat(),  # 365 days, both ends included
        "step": "confirm",
    }
    response = member_client.post(f"{TOP}custom/", data)

    assert response.context["form"].errors == {}
    assert "この内容でチャレンジを設定する" in _html(response)


def test_a_preset_must_be_chosen_from_the_stage(member_client, rich, walking, today):
    other_stage = PresetChallengeFactory(stage=StageFactory(union=rich), title="別のステージ")
    data = {"start_on": today.isoformat(), "end_on": today.isoformat(), "step": "confirm"}

    missing = member_client.post(f"{TOP}stages/{walking.stage.pk}/", data)
    foreign = member_client.post(
        f"{TOP}stages/{walking.stage.pk}/", {**data, "preset": other_stage.pk}
    )

    assert missing.context["form"].errors["preset"] == ["挑戦するチャレンジを選択してください。"]
    assert foreign.context["form"].errors["preset"] == ["挑戦するチャレンジを選択してください。"]


def test_unpublished_stages_and_presets_are_not_offered(member_client, rich, walking):
    hidden = StageFactory(union=rich, name="準備中のステージ", published=False)
    PresetChallengeFactory(stage=hidden)
    PresetChallengeFactory(stage=walking.stage, title="非公開のチャレンジ", published=False)
    StageFactory(union=rich, name="空のステージ")

    top = _html(member_client.get(TOP))
    stage = _html(member_client.get(f"{TOP}stages/{walking.stage.pk}/"))

    assert "準備中のステージ" not in top and "空のステージ" not in top
    assert "チャレンジ 2件" in top
    assert "非公開のチャレンジ" not in stage
    assert member_client.get(f"{TOP}stages/{hidden.pk}/").status_code == 404


# --- (2) チャレンジの成果を記録する -------------------------------------------------------------


def test_member_marks_a_day_then_changes_it(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person)

    done = _record(member_client, challenge, today, "1")
    assert done.redirect_chain[-1][0] == f"{TOP}{challenge.pk}/"
    assert _messages(done) == [
        f"「1日8,000歩歩く」{today.month}/{today.day} の成果を「○」で記録しました。"
    ]
    assert f'aria-label="{today.month}月{today.day}日 ○"' in _html(done)

    changed = _record(member_client, challenge, today, "0")
    assert _messages(changed) == [
        f"「1日8,000歩歩く」{today.month}/{today.day} の成果を「×」で記録しました。"
    ]

    day = ChallengeDay.objects.get()
    assert (day.challenge, day.date, day.achieved) == (challenge, today, False)


def test_progress_counts_achieved_days_days_so_far_and_all_days(
    member_client, insured, rich, today
):
    challenge = ChallengeFactory(
        person=insured.person, start_on=today - days(9), end_on=today + days(20)
    )
    for offset, achieved in enumerate([True, True, False, True]):
        ChallengeDayFactory(challenge=challenge, date=challenge.start_on + days(offset),
                            achieved=achieved)  # fmt: skip

    for url in (TOP, f"{TOP}{challenge.pk}/"):
        assert "達成 3日 / 経過 10日 / 全 30日" in _html(member_client.get(url))


def test_an_ended_challenge_is_listed_apart_with_its_final_progress(
    member_client, insured, rich, today
):
    ended = ChallengeFactory(
        person=insured.person, title="階段を使う", start_on=today - days(10), end_on=today - days(1)
    )
    ChallengeDayFactory(challenge=ended, date=ended.end_on)

    html = _html(member_client.get(TOP))

    assert "設定中のチャレンジはありません。" in html
    assert html.index("終了したチャレンジ") < html.index("階段を使う")
    assert "達成 1日 / 経過 10日 / 全 10日" in html


def test_the_record_screen_opens_on_today_with_its_mark(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person)
    ChallengeDayFactory(challenge=challenge, date=today, achieved=False)

    html = _html(member_client.get(f"{TOP}{challenge.pk}/record/"))

    assert f"{today.year}/{today.month}/{today.day} (" in html
    assert f'name="date" value="{today.isoformat()}"' in html
    assert re.search(r'value="0"[^>]*checked', html)
    assert "保存する" in html
    assert 'aria-label="前の日"' in html and 'aria-label="次の日"' not in html  # no future


@pytest.mark.parametrize(
    ("offset", "allowed", "message"),
    [
        (0, True, None),  # today
        (1, False, FUTURE),  # tomorrow
        (-10, True, None),  # the start day
        (-11, False, BEFORE_START),  # the day before it
    ],
)
def test_dates_within_the_period_up_to_today_can_be_recorded(
    member_client, insured, rich, today, offset, allowed, message
):
    challenge = ChallengeFactory(
        person=insured.person, start_on=today - days(10), end_on=today + days(5)
    )

    response = _record(member_client, challenge, today + days(offset))

    assert ChallengeDay.objects.filter(challenge=challenge).exists() is allowed
    if not allowed:
        assert response.context["form"].errors["date"] == [message]
        assert f'id="id_date_error"><li>{message}</li>' in _html(response)


def test_the_end_day_can_be_recorded_but_not_the_day_after(member_client, insured, rich, today):
    challenge = ChallengeFactory(
        person=insured.person, start_on=today - days(10), end_on=today - days(1)
    )

    on_end = _record(member_client, challenge, today - days(1))
    after = _record(member_client, challenge, today)

    assert on_end.status_code == 200 and after.status_code == 200
    assert list(ChallengeDay.objects.values_list("date", flat=True)) == [today - days(1)]
    assert after.context["form"].errors["date"] == [AFTER_END]


def test_a_future_date_shows_the_refusal_on_the_record_screen(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person)

    html = _html(member_client.get(f"{TOP}{challenge.pk}/record/?date={today + days(1)}"))

    assert f'role="alert">{FUTURE}</p>' in html


def test_a_missing_mark_is_refused_with_a_message(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person)

    response = member_client.post(f"{TOP}{challenge.pk}/record/", {"date": today.isoformat()})

    assert response.context["form"].errors["result"] == ["成果を「○」「×」から選択してください。"]
    assert not ChallengeDay.objects.exists()


def test_today_is_japans_day_not_utcs(member_client, insured, rich, monkeypatch):
    # 2026-12-05 15:30 UTC is 2026-12-06 00:30 in Tokyo: the 6th is today, no longer the future.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 5, 15, 30, tzinfo=dt.UTC))
    challenge = ChallengeFactory(
        person=insured.person, start_on=dt.date(2026, 12, 1), end_on=dt.date(2026, 12, 31)
    )

    _record(member_client, challenge, dt.date(2026, 12, 6))
    refused = _record(member_client, challenge, dt.date(2026, 12, 7))

    assert list(ChallengeDay.objects.values_list("date", flat=True)) == [dt.date(2026, 12, 6)]
    assert refused.context["form"].errors["date"] == [FUTURE]


def test_saving_a_day_twice_keeps_one_record_and_announces_it_once(
    member_client, insured, rich, today, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(person=insured.person)
    heard = []

    def receiver(**kwargs):
        heard.append((kwargs["challenge"].pk, kwargs["date"], kwargs["person"].pk))

    day_achieved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _record(member_client, challenge, today, "1")
            _record(member_client, challenge, today, "1")  # a double submit
            _record(member_client, challenge, today - days(1), "0")
    finally:
        day_achieved.disconnect(receiver)

    assert ChallengeDay.objects.filter(date=today).count() == 1
    assert heard == [(challenge.pk, today, insured.person.pk)]


def test_a_day_changed_from_x_to_o_is_announced(
    insured, rich, today, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(person=insured.person)
    heard = []

    def receiver(**kwargs):
        heard.append(kwargs["date"])

    day_achieved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.record_day(challenge=challenge, day=today, achieved=False, today=today)
            services.record_day(challenge=challenge, day=today, achieved=True, today=today)
    finally:
        day_achieved.disconnect(receiver)

    assert heard == [today]


def test_the_detail_calendar_links_past_days_and_not_future_ones(
    member_client, insured, rich, today
):
    challenge = ChallengeFactory(
        person=insured.person, start_on=today - days(2), end_on=today + days(2)
    )
    ChallengeDayFactory(challenge=challenge, date=today - days(2), achieved=True)
    ChallengeDayFactory(challenge=challenge, date=today - days(1), achieved=False)

    html = _html(member_client.get(f"{TOP}{challenge.pk}/"))

    record = f"{TOP}{challenge.pk}/record/?date="
    for offset in (-2, -1, 0):
        assert f'href="{record}{(today + days(offset)).isoformat()}"' in html
    for offset in (1, 2):
        assert f'href="{record}{(today + days(offset)).isoformat()}"' not in html
    yesterday = today - days(1)
    assert f'aria-label="{yesterday.month}月{yesterday.day}日 ×"' in html
    assert f'aria-label="{today.month}月{today.day}日 未記録"' in html
    assert "今日 " in html and "の成果" in html  # today's ○/× buttons
    empty_week = r'<tr> (<td class="challenge-calendar__out"></td> ){7}</tr>'
    assert not re.search(empty_week, html)  # weeks wholly outside the period are left out


# --- まとめて記録 --------------------------------------------------------------------------------


def test_bulk_screen_records_several_challenges_of_one_date(member_client, insured, rich, today):
    walk = ChallengeFactory(person=insured.person, title="歩く")
    sleep = ChallengeFactory(person=insured.person, title="早く寝る")
    later = ChallengeFactory(
        person=insured.person, title="来週から", start_on=today + days(7), end_on=today + days(9)
    )
    ChallengeDayFactory(challenge=sleep, date=today, achieved=True)

    page = _html(member_client.get(f"{TOP}record/"))
    assert "まとめて記録" in page
    assert "<legend>歩く</legend>" in page and "<legend>早く寝る</legend>" in page
    assert "来週から" not in page  # not under way on this date

    response = member_client.post(
        f"{TOP}record/",
        {"date": today.isoformat(), f"challenge_{walk.pk}": "1"},  # 早く寝る left as it was
        follow=True,
    )

    assert _messages(response) == [f"{today.month}/{today.day} の成果を記録しました。"]
    marks = dict(
        ChallengeDay.objects.filter(date=today).values_list("challenge__title", "achieved")
    )
    assert marks == {"歩く": True, "早く寝る": True}
    assert not ChallengeDay.objects.filter(challenge=later).exists()


def test_bulk_screen_refuses_a_future_date(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person)
    tomorrow = (today + days(1)).isoformat()

    page = _html(member_client.get(f"{TOP}record/?date={tomorrow}"))
    posted = member_client.post(
        f"{TOP}record/", {"date": tomorrow, f"challenge_{challenge.pk}": "1"}
    )

    assert f'role="alert">{FUTURE}</p>' in page
    assert FUTURE in _html(posted)
    assert not ChallengeDay.objects.exists()


def test_bulk_screen_for_a_past_date(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person)
    day = today - days(3)

    member_client.post(f"{TOP}record/", {"date": day.isoformat(), f"challenge_{challenge.pk}": "0"})

    assert ChallengeDay.objects.get().date == day


# --- (3) チャレンジを削除する ------------------------------------------------------------------


def test_member_deletes_a_challenge_after_confirming(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person, title="間食をしない")
    ChallengeDayFactory(challenge=challenge)

    detail = _html(member_client.get(f"{TOP}{challenge.pk}/"))
    assert f'href="{TOP}{challenge.pk}/delete/"' in detail and "■" in detail
    confirm = _html(member_client.get(f"{TOP}{challenge.pk}/delete/"))
    assert "「間食をしない」を削除しますか？" in confirm
    assert ">削除</button>" in confirm
    assert Challenge.objects.exists()  # the confirmation alone deletes nothing

    done = member_client.post(f"{TOP}{challenge.pk}/delete/", follow=True)

    assert _messages(done) == ["「間食をしない」を削除しました。"]
    assert not Challenge.objects.exists() and not ChallengeDay.objects.exists()
    assert member_client.post(f"{TOP}{challenge.pk}/delete/").status_code == 404  # twice


# --- The records TOP's block --------------------------------------------------------------------


def test_records_top_buttons_mark_today_and_return_there(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person)

    response = _record(member_client, challenge, today, "1", next="/wellness/records/")

    assert response.redirect_chain[0] == ("/wellness/records/", 302)
    assert ChallengeDay.objects.get().achieved is True


def test_records_top_buttons_bring_a_refusal_back_as_a_message(member_client, insured, rich, today):
    challenge = ChallengeFactory(person=insured.person, title="歩く", end_on=today - days(1))

    response = member_client.post(
        f"{TOP}{challenge.pk}/record/",
        {"date": today.isoformat(), "result": "1", "next": f"{TOP}record/"},
        follow=True,
    )

    assert response.redirect_chain[0] == (f"{TOP}record/", 302)
    assert f"歩く: {AFTER_END}" in _messages(response)


def test_records_top_buttons_never_send_the_member_to_another_site(
    member_client, insured, rich, today
):
    challenge = ChallengeFactory(person=insured.person)

    response = _record(member_client, challenge, today, next="https://evil.example/")

    assert response.redirect_chain[0] == (f"{TOP}{challenge.pk}/", 302)


# --- Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "record/", "delete/"])
def test_another_members_challenge_is_404(
    member_client, insured, dependent, other_household_member, other_union_member, rich,
    today, suffix,
):  # fmt: skip
    for stranger in (dependent, other_household_member, other_union_member):
        challenge = ChallengeFactory(person=stranger.person)
        url = f"{TOP}{challenge.pk}/{suffix}"
        assert member_client.get(url).status_code == 404
        if suffix:  # the detail page only reads
            posted = member_client.post(url, {"date": today.isoformat(), "result": "1"})
            assert posted.status_code == 404
    assert Challenge.objects.count() == 3
    assert not ChallengeDay.objects.exists()


def test_bulk_screen_never_touches_another_members_challenge(
    member_client, insured, dependent, rich, today
):
    hers = ChallengeFactory(person=dependent.person, title="花子のチャレンジ")

    page = _html(member_client.get(f"{TOP}record/"))
    member_client.post(f"{TOP}record/", {"date": today.isoformat(), f"challenge_{hers.pk}": "1"})

    assert "花子のチャレンジ" not in page
    assert not ChallengeDay.objects.exists()


def test_another_unions_stage_is_404(member_client, rich):
    foreign = PresetChallengeFactory(stage=StageFactory(name="よそのステージ"))

    assert member_client.get(f"{TOP}stages/{foreign.stage.pk}/").status_code == 404
    assert "よそのステージ" not in _html(member_client.get(TOP))


@pytest.mark.parametrize(
    "url", [TOP, f"{TOP}custom/", f"{TOP}record/", f"{TOP}stages/1/", f"{TOP}1/", f"{TOP}1/record/"]
)
def test_challenges_are_absent_from_a_standard_contract(member_client, insured, union, url):
    ChallengeFactory(person=insured.person, pk=1)
    StageFactory(union=union, pk=1)

    response = member_client.get(url)

    assert response.status_code == 404
    assert UNAVAILABLE in response.content.decode()


def test_signed_out_visitor_is_sent_to_login(client, rich):
    response = client.get(TOP)

    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Query counts -------------------------------------------------------------------------------


def _count(client, url) -> tuple[int, int]:
    """(every query, this app's own)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    own = [query for query in queries if '"wellness_challenges_' in query["sql"]]
    return len(queries), len(own)


def test_list_page_costs_the_same_queries_for_one_or_many_challenges(
    member_client, insured, rich, walking, today
):
    ChallengeFactory(person=insured.person)
    member_client.get(TOP)  # warm the per-process union cache
    few = _count(member_client, TOP)
    for n in range(8):
        challenge = ChallengeFactory(
            person=insured.person, title=f"チャレンジ{n}", start_on=today - days(40 + n)
        )
        for offset in range(20):
            ChallengeDayFactory(challenge=challenge, date=challenge.start_on + days(offset))
        StageFactory(union=rich, name=f"ステージ{n + 2}").presets.create(title=f"用意{n}")

    assert _count(member_client, TOP) == few
    assert few[1] == 3  # the challenges with their ○ counts, the stages, their presets


def test_detail_page_costs_the_same_queries_for_a_short_or_long_history(
    member_client, insured, rich, today
):
    challenge = ChallengeFactory(
        person=insured.person, start_on=today - days(300), end_on=today + days(60)
    )
    member_client.get(f"{TOP}{challenge.pk}/")
    few = _count(member_client, f"{TOP}{challenge.pk}/")
    for offset in range(300):
        ChallengeDayFactory(challenge=challenge, date=challenge.start_on + days(offset))

    assert _count(member_client, f"{TOP}{challenge.pk}/") == few
    assert few[1] == 4  # the challenge, its ○ count, today's mark, the calendar's marks
