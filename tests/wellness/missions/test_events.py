"""Daily and bonus missions are cleared by the other features' real events — a login through the
login page, a record saved through the records service, an article opened, a challenge day
marked ○ — and each awards its points exactly once."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import sign_in
from tests.wellness.club.factories import ArticleFactory
from wellness.challenges import services as challenge_services
from wellness.challenges.models import Challenge
from wellness.missions import queries
from wellness.missions.models import Action, Activity, BonusClear, BonusMission, DailyClear
from wellness.points.models import PointEntry
from wellness.points.services import balance
from wellness.records import services as record_services
from wellness.records.items import SHIPPED_BY_KEY


def cleared(person, day):
    return set(
        DailyClear.objects.filter(person=person, date=day).values_list("mission__title", flat=True)
    )


def daily_entries(person):
    return list(
        PointEntry.objects.filter(person=person, source="missions.daily").values_list(
            "key", "points"
        )
    )


def save(person, key, day, value, capture):
    with capture(execute=True):
        record_services.record_value(
            person=person, item=SHIPPED_BY_KEY[key], day=day, value=Decimal(value)
        )


def test_logging_in_through_the_login_page_clears_the_login_mission_once(
    client, insured, person, daily, today
):
    response = sign_in(client, "yamada_taro")
    assert response.status_code == 302
    client.logout()
    sign_in(client, "yamada_taro")  # a second login the same day

    assert cleared(person, today) == {"ログインする"}
    login = daily[Action.LOGIN]
    assert daily_entries(person) == [(f"{login.pk}:{today.isoformat()}", 1)]
    assert balance(person) == 1


def test_saving_todays_steps_clears_the_steps_mission_once(
    person, daily, today, django_capture_on_commit_callbacks
):
    save(person, "steps", today, "4200", django_capture_on_commit_callbacks)
    save(person, "steps", today, "5200", django_capture_on_commit_callbacks)  # changed later

    assert cleared(person, today) == {"歩数を記録する"}
    assert len(daily_entries(person)) == 1


def test_a_weight_saved_for_yesterday_does_not_clear_todays_mission(
    person, daily, today, django_capture_on_commit_callbacks
):
    save(person, "weight", today - dt.timedelta(days=1), "70.0", django_capture_on_commit_callbacks)
    assert cleared(person, today) == set()

    save(person, "weight", today, "70.2", django_capture_on_commit_callbacks)
    assert cleared(person, today) == {"体重を記録する"}


def test_a_steps_goal_counts_from_its_threshold(
    person, daily, today, django_capture_on_commit_callbacks
):
    mission = daily[Action.STEPS]
    mission.threshold = 8000
    mission.save()

    save(person, "steps", today, "7999", django_capture_on_commit_callbacks)
    assert cleared(person, today) == set()
    save(person, "steps", today, "8000", django_capture_on_commit_callbacks)
    assert cleared(person, today) == {"歩数を記録する"}


def test_opening_an_article_clears_the_reading_mission_once(
    member_client, rich, person, daily, today, django_capture_on_commit_callbacks
):
    rich.feature_overrides = {**rich.feature_overrides, "health_club": True}
    article = ArticleFactory(union=rich)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = member_client.get(f"/wellness/club/articles/{article.pk}/")
        assert response.status_code == 200

    assert cleared(person, today) == {"健康記事を読む"}
    assert len(daily_entries(person)) == 1


def test_a_challenge_day_marked_achieved_clears_the_challenge_mission(
    rich, person, today, django_capture_on_commit_callbacks
):
    from wellness.missions.models import DailyMission

    DailyMission.objects.create(union=rich, title="チャレンジを達成する", action=Action.CHALLENGE)
    challenge = Challenge.objects.create(
        person=person,
        title="1日8,000歩歩く",
        start_on=today - dt.timedelta(days=3),
        end_on=today + dt.timedelta(days=3),
        token="00000000-0000-0000-0000-000000000001",
    )
    for achieved in (True, False, True):  # ○ → × → ○: one clear, one award
        with django_capture_on_commit_callbacks(execute=True):
            challenge_services.record_day(
                challenge=challenge, day=today, achieved=achieved, today=today
            )

    assert cleared(person, today) == {"チャレンジを達成する"}
    assert len(daily_entries(person)) == 1


def test_all_four_events_clear_every_daily_mission(
    client, rich, insured, person, daily, today, django_capture_on_commit_callbacks
):
    sign_in(client, "yamada_taro")
    save(person, "steps", today, "3000", django_capture_on_commit_callbacks)
    save(person, "weight", today, "70.0", django_capture_on_commit_callbacks)
    article = ArticleFactory(union=rich)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/wellness/club/articles/{article.pk}/")

    rows = queries.daily_missions(person, rich, today)
    assert queries.all_cleared(rows)
    assert balance(person) == 4


def test_a_union_without_missions_notes_nothing(
    union, insured, person, client, today, django_capture_on_commit_callbacks
):
    assert not union.has_feature("missions")  # the standard contract
    sign_in(client, "yamada_taro")
    save(person, "steps", today, "9000", django_capture_on_commit_callbacks)

    assert not Activity.objects.exists()
    assert not PointEntry.objects.exists()


def test_a_bonus_mission_awards_once_when_its_target_is_reached(
    rich, person, today, django_capture_on_commit_callbacks
):
    mission = BonusMission.objects.create(
        union=rich,
        kind=BonusMission.Kind.LIMITED,
        title="今月は合計1万歩歩こう",
        action=Action.STEPS,
        target=10_000,
        points=30,
        start_on=today - dt.timedelta(days=5),
        end_on=today + dt.timedelta(days=5),
    )
    save(person, "steps", today - dt.timedelta(days=1), "5000", django_capture_on_commit_callbacks)
    save(person, "steps", today, "4999", django_capture_on_commit_callbacks)
    assert queries.bonus_missions(person, rich, today)[0].progress == 9999
    assert not BonusClear.objects.exists()

    save(person, "steps", today, "5000", django_capture_on_commit_callbacks)
    save(person, "steps", today, "6000", django_capture_on_commit_callbacks)

    assert BonusClear.objects.filter(person=person, mission=mission).count() == 1
    assert list(
        PointEntry.objects.filter(source="missions.bonus").values_list("key", "points")
    ) == [(str(mission.pk), 30)]


@pytest.mark.parametrize("action", [Action.LOGIN, Action.ARTICLE])
def test_a_bonus_mission_counts_days_not_events(rich, person, today, action):
    from wellness.missions import services

    mission = BonusMission.objects.create(
        union=rich,
        kind=BonusMission.Kind.EVENT,
        title="3日",
        action=action,
        target=3,
        points=5,
        start_on=today - dt.timedelta(days=10),
        end_on=today,
    )
    for day in (today - dt.timedelta(days=11), today - dt.timedelta(days=2), today, today):
        services.record_activity(person=person, action=action, on=day)
    assert queries.bonus_progress(person, mission, today) == 2
    services.record_activity(person=person, action=action, on=today - dt.timedelta(days=1))
    assert BonusClear.objects.filter(mission=mission).count() == 1


def test_a_month_of_steps_saved_at_once_notes_each_day_and_clears_today_once(
    person, daily, today, django_capture_on_commit_callbacks
):
    values = {today - dt.timedelta(days=offset): Decimal(4000) for offset in range(30)}
    with django_capture_on_commit_callbacks(execute=True):
        record_services.record_values(person=person, item=SHIPPED_BY_KEY["steps"], values=values)

    assert Activity.objects.filter(person=person, action=Action.STEPS).count() == 30
    assert cleared(person, today) == {"歩数を記録する"}
    assert len(daily_entries(person)) == 1
